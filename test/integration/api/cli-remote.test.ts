/**
 * The CLI as a client of a running deployment: a real `tributary start` (scheduler, worker, API)
 * on a temporary SQLite store, and the commands `trigger`, `runs list`, `logs`, `dags pause` and
 * `backfill --dry-run` with `--server` and a token from `tributary tokens create`.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_DAGS } from "./api-harness.js";
import { waitForServiceUrl } from "../../support/service-url.js";
import { waitForValue } from "../../support/wait-for.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const BIN = join(ROOT, "bin", "tributary.js");

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
let db: string;
let server: ChildProcess;
let url: string;
let token: string;

function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const childEnv = { ...process.env, ...env };
    delete childEnv["TRIBUTARY_DATABASE_URL"];
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(new Error(`tributary ${args.join(" ")}: ${error.message}\n${stderr}`));
      else resolvePromise({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

const remote = (args: readonly string[], tokenValue = token) => cli([...args, "--server", url], { TRIBUTARY_TOKEN: tokenValue });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-cli-remote-"));
  db = join(dir, "t.db");
  server = spawn(process.execPath, [BIN, "start", "--dags", API_DAGS, "--db", db, "--port", "0", "--tick-ms", "200"], {
    cwd: dir,
    env: { ...process.env, TRIBUTARY_ADMIN_PASSWORD: "a long admin password" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  ({ url } = await waitForServiceUrl(server));
  const created = await cli(["tokens", "create", "admin", "--name", "ci", "--db", db, "--json"]);
  expect(created.code, created.stderr).toBe(0);
  token = (JSON.parse(created.stdout) as { token: string }).token;
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("the CLI against a server", () => {
  it("triggers a run, lists it until it succeeds, and prints a task's log", async () => {
    const triggered = await remote(["trigger", "report", "--param", "region=us", "--param", "note=hello", "--json"]);
    expect(triggered.code, triggered.stderr).toBe(0);
    const { runId, params } = JSON.parse(triggered.stdout) as { runId: string; params: Record<string, unknown> };
    expect(params).toEqual({ region: "us", note: "hello", limit: 10 });
    const state = await waitForValue(
      async () => {
        const listed = await remote(["runs", "list", "report", "--json"]);
        expect(listed.code, listed.stderr).toBe(0);
        return (JSON.parse(listed.stdout) as { runs: { runId: string; state: string }[] }).runs.find((r) => r.runId === runId)?.state ?? "";
      },
      (s) => s === "success" || s === "failed",
      { timeoutMs: 45_000, intervalMs: 300, what: `run ${runId} to finish` },
    );
    expect(state).toBe("success");
    const logs = await remote(["logs", runId, "extract"]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain("extracting us");
  }, 60_000);

  it("pauses and unpauses a DAG", async () => {
    expect((await remote(["dags", "pause", "report"])).stdout).toContain("report paused");
    const listed = await cli(["audit", "--db", db, "--json", "--action", "dag.pause"]);
    expect(JSON.parse(listed.stdout)).toMatchObject({ entries: [{ actor: "admin (token ci)", action: "dag.pause", target: "report" }] });
    expect((await remote(["dags", "unpause", "report"])).code).toBe(0);
  });

  it("plans a backfill without creating anything (dry run)", async () => {
    const plan = await remote(["backfill", "hourly_sync", "--from", "2024-01-01", "--to", "2024-01-03", "--dry-run", "--json"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ dryRun: true, total: 3 });
  });

  it("exits 2 naming the field for a bad param, and for a wrong or missing token", async () => {
    const bad = await remote(["trigger", "report", "--param", "region=mars"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("region");
    const wrong = await remote(["runs", "list", "report"], "trb_not_a_token");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("invalid or revoked API token");
    const missing = await cli(["runs", "list", "report", "--server", url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("TRIBUTARY_TOKEN");
  });
});
