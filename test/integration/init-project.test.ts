/**
 * The package as a user gets it, end to end: `npm pack` this checkout (built by `npm run build`),
 * install the tarball into an empty folder outside the repository, scaffold a project there with
 * the installed `tributary init`, install it, run its generated test, run `hello` once, then
 * `tributary start` it and fetch the UI (its page and a script), and the API with a token.
 *
 * Speed: the install takes its packages from npm's cache (`--prefer-offline`) and skips install
 * scripts, copying this checkout's compiled better-sqlite3 instead: compiling it from source costs
 * about a minute on this machine. TRIBUTARY_INIT_FULL_INSTALL=1 runs the scripts (a full install).
 */
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitForServiceUrl } from "../support/service-url.js";

const ROOT = resolve(import.meta.dirname, "../..");
const FULL_INSTALL = process.env["TRIBUTARY_INIT_FULL_INSTALL"] === "1";

let dir: string;
let project: string;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
  delete env["TRIBUTARY_DATABASE_URL"];
  return new Promise((done) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const npm = (args: readonly string[], cwd: string) => run("npm", args, cwd);

/**
 * `npm <args>` from npm's cache, without install scripts, then this checkout's compiled
 * better-sqlite3 copied in: compiling it from source costs about a minute on this machine.
 */
async function installWithPrebuiltSqlite(cwd: string, args: readonly string[]): Promise<void> {
  const install = await npm([...args, "--prefer-offline", "--no-audit", "--no-fund", ...(FULL_INSTALL ? [] : ["--ignore-scripts"])], cwd);
  expect(install.code, install.stderr).toBe(0);
  if (FULL_INSTALL) return;
  const release = join(cwd, "node_modules", "better-sqlite3", "build", "Release");
  mkdirSync(release, { recursive: true });
  copyFileSync(join(ROOT, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"), join(release, "better_sqlite3.node"));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-init-"));
  project = join(dir, "my-pipelines");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it("packs, installs into an empty folder, scaffolds a project that installs, passes its test, runs hello, and serves the UI and API", async () => {
  const began = Date.now();
  const packed = await npm(["pack", "--pack-destination", dir, "--silent"], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith(".tgz")) ?? "missing.tgz");

  // The tarball carries the built UI (it once did not, and an installed `start` answered / with 404).
  const listing = await run("tar", ["tzf", tarball], dir);
  expect(listing.stdout).toMatch(/^package\/ui\/dist\/index\.html$/m);
  expect(listing.stdout).toMatch(/^package\/ui\/dist\/assets\/\S+\.js$/m);

  // Installed into an empty folder, the package's own `tributary` command scaffolds the project.
  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), '{ "private": true }\n');
  await installWithPrebuiltSqlite(app, ["install", `file:${tarball}`]);
  const init = await run("npx", ["tributary", "init", project, "--tributary", `file:${tarball}`], app);
  expect(init.code, init.stderr).toBe(0);
  expect(init.stdout).toContain("npx tributary dev");
  for (const file of ["package.json", "tsconfig.json", "dags/hello.ts", "tests/hello.test.ts", "README.md"]) {
    expect(existsSync(join(project, file)), file).toBe(true);
  }
  // init never overwrites: a second init in the same folder changes nothing and says why.
  const again = await run("npx", ["tributary", "init", project], app);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/already has package\.json, tsconfig\.json/);

  await installWithPrebuiltSqlite(project, ["install"]);
  const pkg = JSON.parse(readFileSync(join(project, "node_modules", "tributary-orchestrator", "package.json"), "utf8")) as { version: string };
  expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);

  const test = await npm(["test"], project);
  expect(test.code, `${test.stdout}\n${test.stderr}`).toBe(0);
  expect(test.stdout).toMatch(/# pass 3/);

  const once = await run("npx", ["tributary", "run", "dags/hello.ts", "--logical-date", "2024-03-01", "--json"], project);
  expect(once.code, once.stderr).toBe(0);
  const ran = JSON.parse(once.stdout) as { state: string; tasks: { taskId: string; state: string }[] };
  expect(ran.state).toBe("success");
  expect(ran.tasks.map((t) => [t.taskId, t.state])).toEqual([
    ["say_hello", "success"],
    ["shout", "success"],
  ]);

  // `tributary start`: the UI (page and script) and the API, with a token made by the CLI.
  const start = spawn("npx", ["tributary", "start", "--port", "0"], { cwd: project, stdio: ["ignore", "pipe", "pipe"], detached: true });
  try {
    const { url } = await waitForServiceUrl(start, 60_000);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<!doctype html>/i);
    const script = /src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    const asset = await fetch(new URL(script ?? "", `${url}/`));
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    const created = await run("npx", ["tributary", "tokens", "create", "admin", "--name", "pack-test", "--json"], project);
    expect(created.code, created.stderr).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const dags = await fetch(`${url}/api/v1/dags`, { headers: { authorization: `Bearer ${token}` } });
    expect(dags.status).toBe(200);
    expect(((await dags.json()) as { dags: { dagId: string }[] }).dags.map((d) => d.dagId)).toContain("hello");
  } finally {
    // npx runs tributary as its child: signal the whole group.
    const exited = new Promise((done) => start.once("exit", done));
    if (start.pid !== undefined && start.exitCode === null) process.kill(-start.pid, "SIGINT");
    await exited;
  }
  // Keep an eye on the cost of this test (the brief: about a minute at most).
  expect(Date.now() - began).toBeLessThan(90_000);
}, 150_000);
