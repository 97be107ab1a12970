/**
 * `tributary backfill` drives a stored backfill (docs/backfills.md), the same record the REST API
 * creates: visible through the store and the API with its progress while and after it runs;
 * Ctrl-C pauses it, and the same command (or `--resume <id>`) continues it without running
 * finished runs again. The real command line (`node bin/tributary.js`, built by `npm run build`)
 * on SQLite and on PostgreSQL, each test with a store of its own and an API server on it. The
 * commands' DAGs run their tasks inline (test/fixtures/backfill-inline-dags): what is checked is
 * the backfill, and a task process per slot would cost more than the rest of a command. The Ctrl-C
 * test's commands are the exception: the signal reaches their task processes too, which must let
 * their tries finish.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { runBuiltCli, type CliResult } from "../support/built-cli.js";
import { waitFor } from "../support/wait-for.js";
import { STORES, type StoreFactory } from "../conformance/stores.js";
import { startHarness, type ApiHarness } from "./api/api-harness.js";
import type { TaskInstanceRecord } from "../../src/store/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tributary.js");
const FIXTURES = resolve(import.meta.dirname, "../fixtures/backfill-inline-dags");
/** The same DAGs with their tasks in task processes (the default isolation). */
const PROCESS_FIXTURES = resolve(import.meta.dirname, "../fixtures/backfill-dags");

const BackfillJson = z.object({
  backfillId: z.number().int(),
  resumed: z.boolean(),
  state: z.enum(["running", "paused", "completed", "cancelled"]),
  dagId: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  interrupted: z.boolean(),
  durationMs: z.number(),
  runs: z.array(z.object({ runId: z.string(), logicalDate: z.iso.datetime(), state: z.enum(["queued", "running", "success", "failed"]) })),
});

const StoredBackfill = z.object({
  id: z.number(),
  dagId: z.string(),
  state: z.string(),
  maxActiveRuns: z.number(),
  createdBy: z.string().nullable(),
  progress: z.object({ total: z.number(), done: z.number(), succeeded: z.number(), failed: z.number(), skipped: z.number(), running: z.number() }),
});

/** The store's address as `--db` takes it. */
function dbFlag(factory: StoreFactory, address: string): string {
  if (factory.name === "sqlite") return address;
  const { url, schema } = JSON.parse(address) as { url: string; schema: string };
  const withSchema = new URL(url);
  withSchema.searchParams.set("schema", schema);
  return withSchema.toString();
}

function parseJsonLine(result: CliResult): z.infer<typeof BackfillJson> {
  const lines = result.stdout.trim().split("\n");
  expect(lines, `stdout should be one JSON line; stderr:\n${result.stderr}`).toHaveLength(1);
  return BackfillJson.parse(JSON.parse(lines[0] ?? ""));
}

for (const factory of STORES) {
  describe.sequential(`tributary backfill drives a stored backfill (${factory.name})`, () => {
    let dir: string;
    let api: ApiHarness;
    let db: string;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "tributary-backfill-cli-"));
      // The DAGs as the Ctrl-C test's commands load them: its backfill sees one version of its DAG.
      api = await startHarness(factory, { dagsDir: PROCESS_FIXTURES });
      db = dbFlag(factory, api.storeAddress);
    });

    afterEach(async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const backfillCli = (args: readonly string[], dags = FIXTURES): Promise<CliResult> => runBuiltCli(["backfill", ...args, "--dags", dags, "--db", db], dir);

    async function storedThroughApi(id: number): Promise<z.infer<typeof StoredBackfill>> {
      const response = await api.request("GET", `/api/v1/backfills/${id}`, { as: "viewer" });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return StoredBackfill.parse(response.body);
    }

    /** Every task instance of the DAG's runs, by run id, for runs in the given states. */
    async function instancesOf(dagId: string, states: readonly ("success" | "failed" | "queued" | "running")[]): Promise<Map<string, TaskInstanceRecord[]>> {
      const out = new Map<string, TaskInstanceRecord[]>();
      for (const run of await api.store.listRuns({ dagId, states: [...states], limit: 1_000 })) out.set(run.runId, await api.store.listTaskInstances(run.runId));
      return out;
    }

    it("leaves a stored backfill with its progress, visible through the store and the API, created by the command's user", async () => {
      const result = await backfillCli(["backfill_noop", "--from", "2024-01-01", "--to", "2024-01-05", "--max-active-runs", "2", "--json"]);
      expect(result.code, result.stderr).toBe(0);
      const out = parseJsonLine(result);
      expect(out).toMatchObject({ resumed: false, state: "completed", total: 5, succeeded: 5, failed: 0, interrupted: false });

      const stored = await api.store.getBackfill(out.backfillId);
      expect(stored).toMatchObject({
        dagId: "backfill_noop",
        from: new Date("2024-01-01T00:00:00Z"),
        reprocess: "skip",
        maxActiveRuns: 2,
        state: "completed",
        progress: { total: 5, done: 5, succeeded: 5, failed: 0, skipped: 0, running: 0 },
      });
      expect(stored?.createdBy).toMatch(/^cli \(/);
      const intervals = await api.store.listBackfillIntervals(out.backfillId);
      expect(intervals.map((i) => [i.start.toISOString().slice(0, 10), i.runState])).toEqual([1, 2, 3, 4, 5].map((d) => [`2024-01-0${d}`, "success"]));
      expect(out.runs.map((r) => r.runId)).toEqual(intervals.map((i) => i.runId));

      expect(await storedThroughApi(out.backfillId)).toMatchObject({ dagId: "backfill_noop", state: "completed", progress: { total: 5, done: 5, succeeded: 5 } });
      const listed = await api.request("GET", "/api/v1/backfills?dagId=backfill_noop", { as: "viewer" });
      expect((listed.body as { backfills: { id: number }[] }).backfills.map((b) => b.id)).toEqual([out.backfillId]);
      const audit = await api.store.access.listAudit({ action: "backfill.create" });
      expect(audit.map((e) => [e.actor.startsWith("cli ("), e.target])).toEqual([[true, `backfill_noop#${out.backfillId}`]]);
    });

    it("Ctrl-C pauses the stored backfill (exit 130); the same command resumes it, without running finished runs again", async () => {
      const args = ["backfill", "backfill_noop", "--from", "2024-01-01", "--to", "2024-02-29", "--json", "--dags", PROCESS_FIXTURES, "--db", db];
      // In its own process group, so that Ctrl-C can be sent the way a terminal sends it: to the
      // CLI and to its task processes at once.
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], detached: true });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const pid = child.pid;
      if (pid === undefined) throw new Error("the backfill process did not start");
      const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
      try {
        // The stored backfill shows its progress while the command runs; interrupt once a few runs finished.
        await waitFor(
          async () => {
            if (child.exitCode !== null) throw new Error(`the backfill ended before Ctrl-C; stderr:\n${stderr}`);
            const [running] = await api.store.listBackfills({ dagId: "backfill_noop", states: ["running"] });
            return (running?.progress.succeeded ?? 0) >= 5;
          },
          { timeoutMs: 30_000, what: "5 runs of the backfill to succeed" },
        );
        process.kill(-pid, "SIGINT");
        expect(await exited, stderr).toBe(130);
      } finally {
        if (child.exitCode === null) process.kill(-pid, "SIGKILL");
      }
      const interrupted = BackfillJson.parse(JSON.parse(stdout.trim()));
      expect(interrupted).toMatchObject({ resumed: false, state: "paused", total: 60, interrupted: true, failed: 0 });
      expect(interrupted.succeeded).toBeLessThan(60);

      // Paused in the store, as the API shows it; nothing left running, nothing started meanwhile.
      const paused = await storedThroughApi(interrupted.backfillId);
      expect(paused).toMatchObject({ state: "paused", progress: { total: 60, succeeded: interrupted.succeeded, running: interrupted.runs.length - interrupted.succeeded } });
      const afterStop = await api.store.listRuns({ dagId: "backfill_noop", limit: 1_000 });
      expect(afterStop.length).toBe(interrupted.runs.length);
      for (const run of afterStop) expect((await api.store.listTaskInstances(run.runId)).map((ti) => ti.state)).not.toContain("running");
      const finishedBefore = await instancesOf("backfill_noop", ["success"]);
      expect(finishedBefore.size).toBe(interrupted.succeeded);

      const resumed = await backfillCli(["backfill_noop", "--from", "2024-01-01", "--to", "2024-02-29", "--json"], PROCESS_FIXTURES);
      expect(resumed.code, resumed.stderr).toBe(0);
      const out = parseJsonLine(resumed);
      expect(out).toMatchObject({ backfillId: interrupted.backfillId, resumed: true, state: "completed", total: 60, succeeded: 60, failed: 0, interrupted: false });
      expect((await api.store.listBackfills({})).map((b) => b.id)).toEqual([interrupted.backfillId]);
      const runs = await api.store.listRuns({ dagId: "backfill_noop", limit: 1_000 });
      expect(runs).toHaveLength(60);
      expect(new Set(runs.map((r) => r.logicalDate.getTime())).size).toBe(60);
      expect(runs.every((r) => r.state === "success" && r.runType === "backfill")).toBe(true);
      // Runs finished before Ctrl-C were not run again: the same tries, ended at the same times.
      const after = await instancesOf("backfill_noop", ["success"]);
      for (const [runId, instances] of finishedBefore) {
        expect(after.get(runId)?.map((ti) => [ti.taskId, ti.tryNumber, ti.endedAt])).toEqual(instances.map((ti) => [ti.taskId, ti.tryNumber, ti.endedAt]));
      }
      const audit = await api.store.access.listAudit({});
      expect(audit.filter((e) => e.action.startsWith("backfill.")).map((e) => e.action).sort()).toEqual(["backfill.create", "backfill.pause", "backfill.resume"]);
    }, 90_000);
  });
}

describe("tributary backfill --resume", () => {
  const sqlite = STORES.find((f) => f.name === "sqlite") as StoreFactory;
  let dir: string;
  let api: ApiHarness;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "tributary-backfill-cli-"));
    api = await startHarness(sqlite, { dagsDir: FIXTURES });
  });

  afterEach(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: readonly string[]): Promise<CliResult> => runBuiltCli([...args, "--dags", FIXTURES, "--db", api.storeAddress], dir);

  /** A backfill created through the API (no scheduler runs here), then paused. */
  async function pausedBackfill(): Promise<number> {
    const created = await api.request("POST", "/api/v1/dags/backfill_noop/backfills", { as: "operator", body: { from: "2024-01-01", to: "2024-01-10", maxActiveRuns: 1 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id } = created.body as { id: number };
    await api.store.pauseBackfill(id, new Date());
    return id;
  }

  it("continues a paused backfill by id with a new --max-active-runs; a backfill over an overlapping range is refused, naming it", async () => {
    const id = await pausedBackfill();

    const overlapping = await cli(["backfill", "backfill_noop", "--from", "2024-01-05", "--to", "2024-01-20"]);
    expect(overlapping.code).toBe(2);
    expect(overlapping.stderr).toContain(`tributary backfill --resume ${id}`);
    expect(await api.store.listBackfills({})).toHaveLength(1);

    const resumed = await cli(["backfill", "--resume", String(id), "--max-active-runs", "3", "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(parseJsonLine(resumed)).toMatchObject({ backfillId: id, resumed: true, state: "completed", dagId: "backfill_noop", total: 10, succeeded: 10 });
    expect(await api.store.getBackfill(id)).toMatchObject({ state: "completed", maxActiveRuns: 3, progress: { done: 10, succeeded: 10 } });

    // A completed backfill cannot be resumed: exit 2, saying so.
    const again = await cli(["backfill", "--resume", String(id)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("completed");
  }, 60_000);

  it("exits 2 for --resume with a range, with --dry-run, of an unknown backfill, or of another DAG", async () => {
    const id = await pausedBackfill();
    const withRange = await cli(["backfill", "--resume", String(id), "--from", "2024-01-01"]);
    expect(withRange.code).toBe(2);
    expect(withRange.stderr).toMatch(/--resume/);
    expect(withRange.stderr).toMatch(/--from/);
    const dryRun = await cli(["backfill", "--resume", String(id), "--dry-run"]);
    expect(dryRun.code).toBe(2);
    expect(dryRun.stderr).toMatch(/--dry-run/);
    const unknown = await cli(["backfill", "--resume", "999"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("backfill 999 not found");
    const otherDag = await cli(["backfill", "backfill_failing", "--resume", String(id)]);
    expect(otherDag.code).toBe(2);
    expect(otherDag.stderr).toContain("backfill_noop");
    expect(await api.store.getBackfill(id)).toMatchObject({ state: "paused", progress: { running: 0, done: 0 } });
  });
});
