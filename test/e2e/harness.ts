/**
 * End-to-end harness: a real `tributary start` (built CLI, real store, real workers) on a free
 * port with a temporary DAG folder, and Debian's Chromium driven by playwright-core. Never a
 * downloaded browser: `.ci/run` installs /usr/bin/chromium when it is missing.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const CHROMIUM = "/usr/bin/chromium";
export const ADMIN_PASSWORD = "e2e admin password";
export const RESULTS_DIR = join(ROOT, "test-results");

/** Chromium flags for a quiet, reproducible headless browser (no sync, updates or network chatter). */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The built CLI and UI, which `npm test` builds first; the UI is built here when missing. */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  if (!existsSync(join(ROOT, "ui", "dist", "index.html"))) {
    execFileSync("npm", ["run", "build:ui", "--silent"], { cwd: ROOT, stdio: "inherit" });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A folder for one test server. It lives inside the repository (under .tributary/, git- and
 * lint-ignored) because DAG files import `tributary` and `zod`, which resolve from here.
 */
export function workFolder(name: string): string {
  const parent = join(ROOT, ".tributary", "e2e");
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, `${name}-`));
}

/** A copy of examples/ (its DAG files, data and helpers; not its tests) in `dir`. */
export function copyExamples(dir: string): string {
  const dags = join(dir, "dags");
  mkdirSync(dags, { recursive: true });
  for (const entry of readdirSync(join(ROOT, "examples"), { withFileTypes: true })) {
    if (entry.name === "tests" || entry.name === "README.md") continue;
    cpSync(join(ROOT, "examples", entry.name), join(dags, entry.name), { recursive: true });
  }
  return dags;
}

export interface RunningServer {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** `tributary start` on a free port (with `env` added to this process's); resolves once it prints where the UI is. */
export async function startServer(options: { dagsDir: string; dir: string; workers?: number; env?: Readonly<Record<string, string>> }): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, "bin", "tributary.js"), "start", "--dags", options.dagsDir, "--db", join(options.dir, "store.db"), "--port", String(port), "--workers", String(options.workers ?? 4), "--grace", "2"],
    {
      cwd: ROOT,
      env: { ...process.env, TRIBUTARY_ADMIN_PASSWORD: ADMIN_PASSWORD, EXAMPLES_WAREHOUSE: join(options.dir, "warehouse.db"), TRIBUTARY_TASK_ENV: "EXAMPLES_WAREHOUSE", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const url = await new Promise<string>((resolveUrl, reject) => {
    // A cold start at load 19 took more than 20 s (dev-reload.test.ts): 60 s is a slow day's bound.
    const timer = setTimeout(() => reject(new Error(`tributary start printed no URL within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /UI and API at (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tributary start exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        const killer = setTimeout(() => child.kill("SIGKILL"), 8_000);
        child.once("exit", () => {
          clearTimeout(killer);
          resolveStop();
        });
        child.kill("SIGTERM");
      }),
  };
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** What Chromium refused under the server's Content-Security-Policy (console messages), in any page. */
  readonly cspViolations: readonly string[];
  close(): Promise<void>;
}

/** Chromium with a fresh profile, one page of the given size; `timezoneId` sets the browser's time zone. */
export async function openBrowser(viewport = { width: 1280, height: 860 }, options: { timezoneId?: string } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  const profile = mkdtempSync(join(tmpdir(), "tributary-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    ...(options.timezoneId === undefined ? {} : { timezoneId: options.timezoneId }),
  });
  // Twice Playwright's default: a page's answer waits for a server that shares 2 cores with the suite.
  context.setDefaultTimeout(30_000);
  const cspViolations: string[] = [];
  const watch = (p: Page) => {
    p.on("console", (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  };
  for (const existing of context.pages()) watch(existing);
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    cspViolations,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface E2eSession {
  /** The test's folder; its DAG files are in `dagsDir`. */
  readonly dir: string;
  readonly dagsDir: string;
  readonly server: RunningServer;
  readonly browser: Browser;
  /** Closes the browser, stops the server, removes the folder. */
  close(): Promise<void>;
}

/**
 * How a test file starts: a folder with the given DAG files (file name → source), a server on it
 * and Chromium (in `timezoneId`, if given).
 */
export async function startWithDagFiles(name: string, files: Readonly<Record<string, string>>, options: { workers?: number; timezoneId?: string } = {}): Promise<E2eSession> {
  ensureBuilt();
  const dir = workFolder(name);
  const dagsDir = join(dir, "dags");
  mkdirSync(dagsDir, { recursive: true });
  for (const [file, source] of Object.entries(files)) writeDagFile(dagsDir, file, source);
  const [server, browser] = await Promise.allSettled([startServer({ dagsDir, dir, workers: options.workers }), openBrowser(undefined, { timezoneId: options.timezoneId })]);
  const close = async () => {
    if (browser.status === "fulfilled") await browser.value.close();
    if (server.status === "fulfilled") await server.value.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  if (server.status === "fulfilled" && browser.status === "fulfilled") return { dir, dagsDir, server: server.value, browser: browser.value, close };
  await close();
  throw [server, browser].flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []))[0];
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Logs in as the first admin, or as `as`. */
export async function logIn(page: Page, url: string, as = { username: "admin", password: ADMIN_PASSWORD }): Promise<void> {
  await page.goto(url);
  await page.getByLabel("User name").fill(as.username);
  await page.getByLabel("Password").fill(as.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("current-user").waitFor();
}

/** A write through the API with the page's session (cookie plus CSRF token), as the UI makes them. */
export async function apiPost(page: Page, url: string, path: string, body: unknown): Promise<unknown> {
  const me = (await (await page.request.get(`${url}api/v1/auth/me`)).json()) as { csrfToken: string };
  const response = await page.request.post(`${url}api/v1/${path}`, { data: body, headers: { "x-csrf-token": me.csrfToken } });
  if (!response.ok()) throw new Error(`POST ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

/** Closes the browser, stops the server and removes its work folder, whichever of them were started. */
export async function stopAll(browser: Browser | undefined, server: RunningServer | undefined, dir: string | undefined): Promise<void> {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Registers hooks that start `tributary start` on a fresh work folder, whose dags/ folder
 * `writeDags` fills, and Chromium, for the tests of one file; both stop afterwards.
 */
export function useServerAndBrowser(name: string, writeDags: (dagsDir: string) => void, viewport?: { width: number; height: number }): { readonly server: RunningServer; readonly browser: Browser } {
  let dir: string | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureBuilt();
    dir = workFolder(name);
    const dags = join(dir, "dags");
    mkdirSync(dags, { recursive: true });
    writeDags(dags);
    [server, browser] = await Promise.all([startServer({ dagsDir: dags, dir }), openBrowser(viewport)]);
  }, 60_000);
  afterAll(() => stopAll(browser, server, dir), 30_000);
  return {
    get server(): RunningServer {
      if (!server) throw new Error("no server outside the tests");
      return server;
    },
    get browser(): Browser {
      if (!browser) throw new Error("no browser outside the tests");
      return browser;
    },
  };
}

export function writeDagFile(dagsDir: string, name: string, source: string): void {
  writeFileSync(join(dagsDir, name), source);
}

/**
 * What the functions passed to `page.evaluate` use of the browser (this project's TypeScript
 * has no DOM library). Use it inside them as `(globalThis as unknown as BrowserWindow)`.
 */
export interface BrowserWindow {
  readonly location: { hash: string };
  readonly document: { querySelectorAll(selector: string): { readonly length: number }; readonly documentElement: { readonly scrollWidth: number } };
  readonly innerWidth: number;
  readonly performance: { now(): number };
  requestAnimationFrame(callback: () => void): number;
  e2eSameDocument?: boolean;
}
