/**
 * A DAG file that hangs at import must not take the deployment down (issue: `tributary start`
 * logged nothing and opened no API; `dags check` exited 0 with no output). The real CLI, the real
 * clock, and files whose top-level code sleeps for 10 minutes, never settles, or loops.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/tributary.js");
const DSL = JSON.stringify(join(ROOT, "src/dsl/index.js"));
const dagFile = (id: string, topLevel = "") => `import { dag } from ${DSL};\n${topLevel}\nexport default dag(${JSON.stringify(id)}, {}, (d) => { d.task("a", () => 1); });\n`;
const SLEEPS = "await new Promise((r) => setTimeout(r, 600_000));";
const NEVER = "await new Promise(() => {});";
const LOOPS = "while (Date.now() > 0) { /* forever */ }";
// Endless too, and never yields, but idles in each turn: to the import check, as to the watchdog,
// a thread that stops beating is blocked, whatever blocks it. Checked beside never.ts, then alone,
// LOOPS would hold a core for two import timeouts of `start` (16 CPU-s); one-shot commands keep it.
const LOOPS_IDLE = "while (Date.now() > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);";

let dir: string;
const children = new Set<ChildProcess>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-hanging-"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("tributary dags check", () => {
  it("reports a file whose top-level await never settles, and exits 1", async () => {
    const dags = join(dir, "check");
    mkdirSync(dags);
    writeFileSync(join(dags, "good.ts"), dagFile("good"));
    writeFileSync(join(dags, "never.ts"), dagFile("never", NEVER));
    writeFileSync(join(dags, "sleeps.ts"), dagFile("sleeps", SLEEPS));
    const started = Date.now();
    // 5 s: under a loaded suite even good.ts took past 2 s to import once (CI, 2026-12-07).
    const result = await cli(["dags", "check", dags], { TRIBUTARY_DAG_IMPORT_TIMEOUT: "5s" });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(1);
    const output = result.stdout + result.stderr;
    // Checked beside a file that sleeps, a wait that nothing settles looks like a slow one until
    // the timeout; alone, it ends its thread at once (see the unit test of the import check).
    expect(output).toMatch(/never\.ts: importing the file (never finished: its top-level code awaits a promise that nothing settles|did not finish within 5\.00s)/);
    expect(output).toMatch(/sleeps\.ts: importing the file did not finish within 5\.00s/);
    expect(output).toContain("1 DAG(s) OK, 2 file(s) with errors");
    expect(Date.now() - started).toBeLessThan(40_000);
  });
});

describe("one-shot commands (DAG files imported straight away and watched)", () => {
  it("report a file that never settles or sleeps past the timeout, go on with the others, and exit at once when done", async () => {
    const dags = join(dir, "one-shot");
    mkdirSync(dags);
    writeFileSync(join(dags, "good.ts"), dagFile("good"));
    writeFileSync(join(dags, "never.ts"), dagFile("never", NEVER));
    writeFileSync(join(dags, "sleeps.ts"), dagFile("sleeps", SLEEPS));
    const started = Date.now();
    // 5 s: under a loaded suite even good.ts took past 2 s to import once (CI, 2026-12-07).
    const listed = await cli(["dags", "list", dags, "--json"], { TRIBUTARY_DAG_IMPORT_TIMEOUT: "5s" });
    expect(listed.code, listed.stderr).toBe(0);
    const out = JSON.parse(listed.stdout) as { dags: { dagId: string }[]; importErrors: { file: string; message: string }[] };
    expect(out.dags.map((d) => d.dagId)).toEqual(["good"]);
    const errors = Object.fromEntries(out.importErrors.map((e) => [e.file.split("/").at(-1), e.message]));
    expect(errors["never.ts"]).toMatch(/^importing the file never finished: its top-level code awaits a promise that nothing settles/);
    expect(errors["sleeps.ts"]).toMatch(/^importing the file did not finish within 5\.00s/);
    // The sleeping file's 10-minute timer does not keep the command alive.
    expect(Date.now() - started).toBeLessThan(30_000);

    const triggered = await cli(["trigger", "good", "--dags", dags, "--db", join(dir, "one-shot.db"), "--json"], { TRIBUTARY_DAG_IMPORT_TIMEOUT: "5s" });
    expect(triggered.code, triggered.stderr).toBe(0);
    expect(JSON.parse(triggered.stdout)).toMatchObject({ dagId: "good", state: "queued" });
  });

  it("stop with the file's name when a file keeps the process busy past the timeout", async () => {
    const dags = join(dir, "one-shot-loop");
    mkdirSync(dags);
    writeFileSync(join(dags, "good.ts"), dagFile("good"));
    writeFileSync(join(dags, "loops.ts"), dagFile("loops", LOOPS));
    const started = Date.now();
    const result = await cli(["trigger", "good", "--dags", dags, "--db", join(dir, "one-shot-loop.db")], { TRIBUTARY_DAG_IMPORT_TIMEOUT: "5s" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/loops\.ts: importing the file did not finish within 5\.00s \(TRIBUTARY_DAG_IMPORT_TIMEOUT\): its code keeps the process busy/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe("tributary start", () => {
  it("serves /health at once, runs the other DAGs, shows the import error, takes new hanging files in its stride and stops on SIGTERM", { timeout: 180_000 }, async () => {
    const dags = join(dir, "start");
    mkdirSync(dags);
    writeFileSync(join(dags, "good.ts"), dagFile("good"));
    writeFileSync(join(dags, "sleeps.ts"), dagFile("sleeps", SLEEPS));
    // 15 s: far more than good.ts takes to import on a loaded machine, so that the run below,
    // bounded well under it, shows it did not wait for the hanging files.
    const env = { ...process.env, TRIBUTARY_DAG_IMPORT_TIMEOUT: "15s", TRIBUTARY_ADMIN_PASSWORD: "a long admin password" };
    const child = spawn(process.execPath, [BIN, "start", "--dags", dags, "--db", join(dir, "t.db"), "--port", "0", "--tick-ms", "200"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));

    // Listening before the DAG files are loaded: /health answers while sleeps.ts holds its import.
    await waitFor(() => /listening at (\S+)/.test(output), { timeoutMs: 30_000, what: () => `the listening line:\n${output}` });
    const url = (/listening at (\S+)/.exec(output)?.[1] ?? "").replace(/\/$/, "");
    const healthStarted = Date.now();
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(Date.now() - healthStarted).toBeLessThan(3_000);
    expect(output).not.toContain("UI and API at");

    await waitFor(() => output.includes("UI and API at"), { timeoutMs: 45_000, what: () => `start-up:\n${output}` });
    expect(output).toMatch(/import error: \S*sleeps\.ts: importing the file did not finish within 15\.0s/);
    const created = await cli(["tokens", "create", "admin", "--name", "hanging", "--db", join(dir, "t.db"), "--json"]);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });
    const listed = (await (await api("/dags")).json()) as { dags: { dagId: string }[]; importErrors: { file: string | null; message: string }[] };
    expect(listed.dags.map((d) => d.dagId)).toEqual(["good"]);
    expect(listed.importErrors.map((e) => e.file?.split("/").at(-1))).toEqual(["sleeps.ts"]);

    // Dropped into the running deployment: a never-settling file and an endless loop.
    writeFileSync(join(dags, "never.ts"), dagFile("never", NEVER));
    writeFileSync(join(dags, "loops.ts"), dagFile("loops", LOOPS_IDLE));
    await new Promise((r) => setTimeout(r, 2_500)); // the scheduler's next reload (every 2 s) is now on them
    const triggered = await api("/dags/good/runs", { method: "POST", body: "{}" });
    expect(triggered.status, await triggered.clone().text()).toBe(201);
    const { runId } = (await triggered.json()) as { runId: string };
    const triggeredAt = Date.now();
    await waitFor(async () => ((await (await api(`/runs/${encodeURIComponent(runId)}`)).json()) as { state: string }).state === "success", {
      timeoutMs: 30_000,
      what: () => `run ${runId} to succeed:\n${output}`,
    });
    // Well within the import timeout: the run did not wait for the hanging files.
    expect(Date.now() - triggeredAt).toBeLessThan(10_000);
    expect((await fetch(`${url}/health`)).status).toBe(200);

    const importErrors = async () => ((await (await api("/dags")).json()) as { importErrors: { file: string | null }[] }).importErrors.map((e) => e.file?.split("/").at(-1));
    await waitFor(async () => (await importErrors()).length === 3, { timeoutMs: 45_000, what: () => `three import errors:\n${output}` });
    expect((await importErrors()).sort()).toEqual(["loops.ts", "never.ts", "sleeps.ts"]);

    const stopping = Date.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
  });
});
