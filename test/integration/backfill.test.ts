/**
 * Backfills (docs/architecture.md §4) end to end: through the library (planBackfill, a stored backfill
 * from createBackfill, driven by runBackfill with a real SQLite store and the in-process worker)
 * and through the real command line (`node bin/tributary.js backfill ...`, built by `npm run
 * build`). Each test has its own store in a temporary folder. The DAGs' tasks run inline
 * (test/fixtures/backfill-inline-dags): what is checked is the backfill, and task processes cost
 * most of this file's CPU. Interrupting and resuming the command, on SQLite and PostgreSQL, is
 * backfill-cli-resume.test.ts (the command its Ctrl-C test interrupts runs task processes).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runBackfill } from "../../src/app/run-backfill.js";
import { planBackfill, type PlannedInterval, type ReprocessMode } from "../../src/scheduler/backfill.js";
import { storedIntervals } from "../../src/scheduler/backfill-driver.js";
import { register, type RegisteredDag } from "../../src/scheduler/dag-registry.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { BackfillProgressCounts, BackfillRecord, DagRunRecord, Store, TaskInstanceRecord } from "../../src/store/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tributary.js");
const FIXTURES = resolve(import.meta.dirname, "../fixtures/backfill-inline-dags");
const DAY = 24 * 3_600_000;

/** The whole of 2024 for a UTC @daily DAG: logical dates 2024-01-01 to 2024-12-31, both included. */
const YEAR_2024 = { from: new Date("2024-01-01T00:00:00Z"), to: new Date("2024-12-31T00:00:00Z") };

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-backfill-"));
  store = openSqliteStore({ path: join(dir, "t.db") });
  await store.migrate();
});

afterEach(async () => {
  delete process.env["BACKFILL_FIXED_MARKER"];
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function loadFixture(file: string, dagId: string): Promise<RegisteredDag> {
  const entry = register(findDag(await loadDagFile(join(FIXTURES, file)), dagId));
  await store.upsertDag({ dagId, file: entry.file, graph: entry.dag.graph, now: new Date() });
  return entry;
}

/** Records a plan as a stored backfill, as the command and the API do. */
async function storeBackfill(entry: RegisteredDag, plan: readonly PlannedInterval[], range: { from: Date; to: Date }, reprocess: ReprocessMode, maxActiveRuns: number): Promise<BackfillRecord> {
  return store.createBackfill({ dagId: entry.dag.id, ...range, reprocess, maxActiveRuns, createdBy: "test", intervals: storedIntervals(plan), now: new Date() });
}

function actions(plan: readonly PlannedInterval[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of plan) counts[p.action] = (counts[p.action] ?? 0) + 1;
  return counts;
}

async function allRuns(dagId: string): Promise<DagRunRecord[]> {
  return store.listRuns({ dagId, limit: 10_000 });
}

/** Every task instance of every run of a DAG, by run id. */
async function instancesByRun(dagId: string): Promise<Map<string, TaskInstanceRecord[]>> {
  const out = new Map<string, TaskInstanceRecord[]>();
  for (const run of await allRuns(dagId)) out.set(run.runId, await store.listTaskInstances(run.runId));
  return out;
}

/**
 * The largest number of runs in state `running` at one instant, from the stored history of every
 * run's own state changes. A backfill starts a run only after it saw another one end, so at equal
 * timestamps the end is counted first.
 */
async function peakRunningFromHistory(runs: readonly DagRunRecord[]): Promise<number> {
  const events: { at: number; delta: number }[] = [];
  for (const run of runs) {
    const history = (await store.listStateHistory(run.runId)).filter((h) => h.taskId === null);
    const started = history.find((h) => h.toState === "running");
    const ended = history.find((h) => h.fromState === "running" && (h.toState === "success" || h.toState === "failed"));
    expect(started, `${run.runId} has a recorded start`).toBeDefined();
    expect(ended, `${run.runId} has a recorded end`).toBeDefined();
    events.push({ at: started?.at.getTime() ?? 0, delta: 1 }, { at: ended?.at.getTime() ?? 0, delta: -1 });
  }
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let peak = 0;
  for (const event of events) {
    running += event.delta;
    peak = Math.max(peak, running);
  }
  return peak;
}

// ---------------------------------------------------------------------------------------------
// A year of daily runs

describe("a backfill of 2024 for a @daily DAG", () => {
  it("creates exactly 366 backfill runs, all successful, with at most 8 running at once", async () => {
    const entry = await loadFixture("noop.ts", "backfill_noop");
    const plan = await planBackfill(store, entry, YEAR_2024, "skip");
    expect(plan).toHaveLength(366);
    expect(actions(plan)).toEqual({ create: 366 });
    expect(plan[0]?.interval.start.toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(plan.at(-1)?.interval.start.toISOString()).toBe("2024-12-31T00:00:00.000Z");
    expect(plan.at(-1)?.interval.end.toISOString()).toBe("2025-01-01T00:00:00.000Z");

    const reports: BackfillProgressCounts[] = [];
    const samples: Promise<number>[] = [];
    const started = Date.now();
    const created = await storeBackfill(entry, plan, YEAR_2024, "skip", 8);
    const result = await runBackfill({
      store,
      entry,
      backfillId: created.id,
      concurrency: 8,
      onProgress: (b) => {
        reports.push(b.progress);
        samples.push(store.listRuns({ dagId: "backfill_noop", states: ["running"], limit: 1_000 }).then((r) => r.length));
      },
    });
    const elapsedMs = Date.now() - started;
    console.info(`backfill of 366 daily runs (2 tasks each), 8 runs / 8 tries at once: ${elapsedMs} ms`);

    expect(result).toMatchObject({ interrupted: false, backfill: { id: created.id, state: "completed", progress: { total: 366, done: 366, succeeded: 366, failed: 0, skipped: 0, running: 0 } } });
    expect(result.runs).toHaveLength(366);
    expect(elapsedMs).toBeLessThan(60_000);

    const runs = await allRuns("backfill_noop");
    expect(runs).toHaveLength(366);
    expect(runs.every((r) => r.state === "success" && r.runType === "backfill")).toBe(true);
    const logicalDates = new Set(runs.map((r) => r.logicalDate.getTime()));
    expect(logicalDates.size).toBe(366);
    for (let i = 0; i < 366; i++) expect(logicalDates.has(YEAR_2024.from.getTime() + i * DAY), `day ${i}`).toBe(true);
    for (const run of runs) expect(run.dataIntervalEnd.getTime() - run.dataIntervalStart.getTime()).toBe(DAY);
    const instances = await instancesByRun("backfill_noop");
    for (const list of instances.values()) {
      expect(list.map((ti) => [ti.taskId, ti.state, ti.tryNumber])).toEqual([
        ["extract", "success", 1],
        ["load", "success", 1],
      ]);
    }

    // Never more than 8 runs running at once: by the backfill's own count, by sampling the store,
    // and from the stored state history.
    expect(reports.length).toBeGreaterThan(10);
    expect(Math.max(...reports.map((p) => p.running))).toBeLessThanOrEqual(8);
    const sampled = await Promise.all(samples);
    expect(Math.max(...sampled)).toBeLessThanOrEqual(8);
    expect(Math.max(...sampled)).toBeGreaterThan(1);
    const peak = await peakRunningFromHistory(runs);
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);

    // Progress only moves forward and ends complete.
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]?.done ?? 0).toBeGreaterThanOrEqual(reports[i - 1]?.done ?? 0);
      expect(reports[i]?.succeeded ?? 0).toBeGreaterThanOrEqual(reports[i - 1]?.succeeded ?? 0);
    }
    expect(reports.every((p) => p.total === 366 && p.done + p.running <= 366)).toBe(true);
    expect(reports.at(-1)).toMatchObject({ done: 366, succeeded: 366, running: 0 });

    // The same backfill again has nothing to do.
    const again = await planBackfill(store, entry, YEAR_2024, "skip");
    expect(actions(again)).toEqual({ skip: 366 });
  }, 90_000);

  it("without a progress display, reads the stored backfill only after a pass that started no run", async () => {
    const entry = await loadFixture("noop.ts", "backfill_noop");
    const range = { from: YEAR_2024.from, to: new Date(YEAR_2024.from.getTime() + 29 * DAY) };
    const created = await storeBackfill(entry, await planBackfill(store, entry, range, "skip"), range, "skip", 4);
    const calls = { takeBackfillIntervals: 0, takenSome: 0, getBackfill: 0 };
    const counted: Store = new Proxy(store, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (key === "getBackfill") calls.getBackfill++;
          if (key === "takeBackfillIntervals") {
            calls.takeBackfillIntervals++;
            void (result as Promise<unknown[]>).then((taken) => void (taken.length > 0 && calls.takenSome++), () => undefined);
          }
          return result;
        };
      },
    });
    const result = await runBackfill({ store: counted, entry, backfillId: created.id, concurrency: 4 });
    expect(result.backfill).toMatchObject({ state: "completed", progress: { done: 30, succeeded: 30 } });
    // A pass that started runs found the backfill running: the state is read after the others,
    // and once more at the end.
    expect(calls.takenSome).toBeGreaterThan(1);
    expect(calls.getBackfill).toBe(calls.takeBackfillIntervals - calls.takenSome + 1);
  }, 60_000);

  it("can be interrupted, leaves the store consistent, and resumes without a duplicate", async () => {
    const entry = await loadFixture("noop.ts", "backfill_noop");
    const plan = await planBackfill(store, entry, YEAR_2024, "skip");
    const created = await storeBackfill(entry, plan, YEAR_2024, "skip", 8);
    const controller = new AbortController();
    let doneAtAbort = -1;
    const first = await runBackfill({
      store,
      entry,
      backfillId: created.id,
      concurrency: 8,
      signal: controller.signal,
      onProgress: (b) => {
        if (!controller.signal.aborted && b.progress.done >= 40) {
          doneAtAbort = b.progress.done;
          controller.abort();
        }
      },
    });
    expect(doneAtAbort).toBeGreaterThanOrEqual(40);
    expect(first.interrupted).toBe(true);
    // Paused: no driver starts its runs until it is resumed.
    expect(first.backfill.state).toBe("paused");
    expect(first.backfill.progress.total).toBe(366);
    expect(first.backfill.progress.done).toBeGreaterThanOrEqual(doneAtAbort);
    expect(first.backfill.progress.done).toBeLessThan(366);
    expect(first.backfill.progress.failed).toBe(0);

    // Consistent: no try left half-done, and every unfinished run is waiting with queued work.
    const afterStop = await allRuns("backfill_noop");
    expect(afterStop.length).toBeLessThan(366);
    expect(new Set(afterStop.map((r) => r.logicalDate.getTime())).size).toBe(afterStop.length);
    const instances = await instancesByRun("backfill_noop");
    for (const run of afterStop) {
      const list = instances.get(run.runId) ?? [];
      expect(list.some((ti) => ti.state === "running"), `${run.runId} has a running task instance`).toBe(false);
      if (run.state === "success") {
        expect(list.every((ti) => ti.state === "success")).toBe(true);
      } else {
        expect(["queued", "running"]).toContain(run.state);
        expect(list.every((ti) => ["success", "queued", "scheduled"].includes(ti.state)), JSON.stringify(list.map((ti) => ti.state))).toBe(true);
        expect(list.some((ti) => ti.state === "queued" || ti.state === "scheduled")).toBe(true);
      }
      for (const ti of list) {
        const tries = await store.listTries(ti.id);
        expect(tries.every((t) => t.outcome !== "running")).toBe(true);
      }
    }
    const finished = afterStop.filter((r) => r.state === "success");
    const unfinished = afterStop.filter((r) => r.state !== "success");
    console.info(`interrupted after ${doneAtAbort} done: ${finished.length} runs finished, ${unfinished.length} unfinished, ${366 - afterStop.length} not created`);
    expect(finished.length).toBe(first.backfill.progress.succeeded);
    // Stopping did not wait for the active runs to end: some are left for the resume.
    expect(unfinished.length).toBeGreaterThan(0);

    // A new plan of the range now (what a dry run shows) agrees with what is left to do.
    const resumePlan = await planBackfill(store, entry, YEAR_2024, "skip");
    expect(actions(resumePlan)).toEqual({
      skip: finished.length,
      create: 366 - afterStop.length,
      ...(unfinished.length > 0 ? { resume: unfinished.length } : {}),
    });
    const finishedIds = new Set(finished.map((r) => r.runId));
    for (const p of resumePlan) {
      if (p.existing === undefined) expect(p.action).toBe("create");
      else expect(p.action).toBe(finishedIds.has(p.existing.runId) ? "skip" : "resume");
    }
    // Resuming the stored backfill continues it.
    expect(await store.resumeBackfill({ id: created.id, now: new Date() })).toMatchObject({ state: "running" });
    const second = await runBackfill({ store, entry, backfillId: created.id, concurrency: 8 });
    expect(second).toMatchObject({ interrupted: false, backfill: { state: "completed", progress: { total: 366, done: 366, succeeded: 366, failed: 0, skipped: 0 } } });
    expect((await store.listBackfills({})).map((b) => b.id)).toEqual([created.id]);

    const runs = await allRuns("backfill_noop");
    expect(runs).toHaveLength(366);
    expect(runs.every((r) => r.state === "success" && r.runType === "backfill")).toBe(true);
    expect(new Set(runs.map((r) => r.logicalDate.getTime())).size).toBe(366);
    // Runs finished before the interruption were not run again.
    const final = await instancesByRun("backfill_noop");
    for (const run of finished) expect(final.get(run.runId)?.map((ti) => ti.tryNumber)).toEqual([1, 1]);
  }, 90_000);
});

describe("a backfill driven by this process and changed elsewhere", () => {
  it("stops driving when another process pauses it; the runs it started are left consistent", async () => {
    const entry = await loadFixture("noop.ts", "backfill_noop");
    const range = { from: new Date("2024-01-01T00:00:00Z"), to: new Date("2024-01-31T00:00:00Z") };
    const created = await storeBackfill(entry, await planBackfill(store, entry, range, "skip"), range, "skip", 2);
    const other = openSqliteStore({ path: join(dir, "t.db") });
    let pausing: Promise<unknown> | undefined;
    try {
      const result = await runBackfill({
        store,
        entry,
        backfillId: created.id,
        concurrency: 2,
        // Another process (the API, say) pauses it once a few runs are done.
        onProgress: (b) => {
          if (pausing === undefined && b.progress.done >= 3) pausing = other.pauseBackfill(created.id, new Date());
        },
      });
      await pausing;
      expect(result.interrupted).toBe(false);
      expect(result.backfill.state).toBe("paused");
      expect(result.backfill.progress.done).toBeLessThan(31);
      // Every run is one of its intervals, and no task instance is left running.
      const runs = await allRuns("backfill_noop");
      expect(runs.length).toBe(result.runs.length);
      for (const run of runs) expect((await store.listTaskInstances(run.runId)).map((ti) => ti.state)).not.toContain("running");
    } finally {
      await other.close();
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// What happens to existing runs

describe("reprocess modes", () => {
  /** 2024-01-01 to 2024-01-15: `transform` fails on the 3rd and the 13th until fixed. */
  const RANGE = { from: new Date("2024-01-01T00:00:00Z"), to: new Date("2024-01-15T00:00:00Z") };
  const FAILING_DAYS = ["2024-01-03T00:00:00.000Z", "2024-01-13T00:00:00.000Z"];

  async function backfill(entry: RegisteredDag, reprocess: ReprocessMode) {
    const plan = await planBackfill(store, entry, RANGE, reprocess);
    const created = await storeBackfill(entry, plan, RANGE, reprocess, 4);
    const { backfill: stored } = await runBackfill({ store, entry, backfillId: created.id, concurrency: 4 });
    expect(stored.state).toBe("completed");
    return { plan, result: stored.progress };
  }

  /** Task id -> [state, tryNumber] for each run, by logical date. */
  async function snapshot(): Promise<Map<string, Record<string, [string, number]>>> {
    const out = new Map<string, Record<string, [string, number]>>();
    for (const run of await allRuns("backfill_flaky")) {
      const list = await store.listTaskInstances(run.runId);
      out.set(run.logicalDate.toISOString(), Object.fromEntries(list.map((ti) => [ti.taskId, [ti.state, ti.tryNumber]])));
    }
    return out;
  }

  function failingDay(logicalDate: string): boolean {
    return FAILING_DAYS.includes(logicalDate);
  }

  it("skip leaves failed runs failed; failed re-runs only the failed tasks; all re-runs everything", async () => {
    const marker = join(dir, "fixed");
    // The fixture's tasks run inline: they read this process's environment.
    process.env["BACKFILL_FIXED_MARKER"] = marker;
    const entry = await loadFixture("flaky.ts", "backfill_flaky");

    // First pass: two runs fail.
    const initial = await backfill(entry, "skip");
    expect(actions(initial.plan)).toEqual({ create: 15 });
    expect(initial.result).toMatchObject({ total: 15, succeeded: 13, failed: 2 });
    const afterInitial = await snapshot();
    expect(afterInitial.size).toBe(15);
    for (const [day, tasks] of afterInitial) {
      expect(tasks).toEqual(
        failingDay(day)
          ? { extract: ["success", 1], transform: ["failed", 1], load: ["upstream_failed", 0] }
          : { extract: ["success", 1], transform: ["success", 1], load: ["success", 1] },
      );
    }

    // skip: nothing runs, the failed runs stay failed.
    const skipped = await backfill(entry, "skip");
    expect(actions(skipped.plan)).toEqual({ skip: 15 });
    expect(skipped.result).toMatchObject({ total: 15, done: 15, succeeded: 13, failed: 2, skipped: 15 });
    expect(await snapshot()).toEqual(afterInitial);
    const failedRuns = (await allRuns("backfill_flaky")).filter((r) => r.state === "failed");
    expect(failedRuns.map((r) => r.logicalDate.toISOString()).sort()).toEqual(FAILING_DAYS);

    // failed: with the data fixed, only the failed tasks of the failed runs run again.
    writeFileSync(marker, "fixed");
    const rerunFailed = await backfill(entry, "failed");
    expect(actions(rerunFailed.plan)).toEqual({ skip: 13, rerun_failed: 2 });
    for (const p of rerunFailed.plan) {
      expect(p.action).toBe(failingDay(p.interval.start.toISOString()) ? "rerun_failed" : "skip");
    }
    expect(rerunFailed.result).toMatchObject({ total: 15, succeeded: 15, failed: 0, skipped: 13 });
    const afterFailed = await snapshot();
    for (const [day, tasks] of afterFailed) {
      expect(tasks).toEqual(
        failingDay(day)
          ? { extract: ["success", 1], transform: ["success", 2], load: ["success", 1] }
          : { extract: ["success", 1], transform: ["success", 1], load: ["success", 1] },
      );
    }
    const runsAfterFailed = await allRuns("backfill_flaky");
    expect(runsAfterFailed).toHaveLength(15);
    expect(runsAfterFailed.every((r) => r.state === "success")).toBe(true);

    // all: every run is cleared and every task instance runs once more.
    const rerunAll = await backfill(entry, "all");
    expect(actions(rerunAll.plan)).toEqual({ rerun: 15 });
    expect(rerunAll.result).toMatchObject({ total: 15, succeeded: 15, failed: 0, skipped: 0 });
    const afterAll = await snapshot();
    expect(afterAll.size).toBe(15);
    for (const [day, tasks] of afterAll) {
      const before = afterFailed.get(day) ?? {};
      for (const [taskId, [state, tryNumber]] of Object.entries(tasks)) {
        expect(state, `${day} ${taskId}`).toBe("success");
        expect(tryNumber, `${day} ${taskId}`).toBe((before[taskId]?.[1] ?? -10) + 1);
      }
    }
    const finalRuns = await allRuns("backfill_flaky");
    expect(finalRuns).toHaveLength(15);
    expect(new Set(finalRuns.map((r) => r.runId)).size).toBe(15);
    expect(finalRuns.every((r) => r.state === "success" && r.runType === "backfill")).toBe(true);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// The command line

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env: { ...process.env, ...env }, timeout: 50_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          reject(new Error(`tributary ${args.join(" ")} did not exit normally: ${error.message}\n${stderr}`));
          return;
        }
        resolvePromise({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

function backfillCli(dagId: string, args: readonly string[]): Promise<CliResult> {
  return cli(["backfill", dagId, "--dags", FIXTURES, "--db", join(dir, "t.db"), ...args]);
}

/** The single JSON line a `--json` command prints. */
function parseJsonLine<T>(result: CliResult, schema: z.ZodType<T>): T {
  const lines = result.stdout.trim().split("\n");
  expect(lines, `stdout should be one JSON line; stderr:\n${result.stderr}`).toHaveLength(1);
  return schema.parse(JSON.parse(lines[0] ?? ""));
}

const DryRunJson = z.object({
  dagId: z.string(),
  dryRun: z.literal(true),
  total: z.number().int(),
  intervals: z.array(
    z.object({
      logicalDate: z.iso.datetime(),
      ds: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      start: z.iso.datetime(),
      end: z.iso.datetime(),
      existing: z.object({ runId: z.string(), state: z.string() }).nullable(),
      action: z.enum(["create", "skip", "rerun", "rerun_failed", "resume"]),
    }),
  ),
});

const BackfillJson = z.object({
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

describe("tributary backfill", () => {
  it("--dry-run lists the 366 days of 2024 and creates nothing", async () => {
    const result = await backfillCli("backfill_noop", ["--from", "2024-01-01", "--to", "2024-12-31", "--dry-run", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const out = parseJsonLine(result, DryRunJson);
    expect(out.total).toBe(366);
    expect(out.intervals).toHaveLength(366);
    expect(out.intervals.every((i) => i.action === "create" && i.existing === null)).toBe(true);
    expect(new Set(out.intervals.map((i) => i.ds)).size).toBe(366);
    expect(out.intervals[0]).toMatchObject({ ds: "2024-01-01", start: "2024-01-01T00:00:00.000Z", end: "2024-01-02T00:00:00.000Z" });
    expect(out.intervals.at(-1)).toMatchObject({ ds: "2024-12-31", start: "2024-12-31T00:00:00.000Z", end: "2025-01-01T00:00:00.000Z" });
    expect(out.intervals.find((i) => i.ds === "2024-02-29")).toBeDefined();
    expect(await allRuns("backfill_noop")).toEqual([]);
  });

  it("--dry-run includes the whole --to day for a 0 6 * * * Europe/Berlin DAG", async () => {
    const result = await backfillCli("berlin_six_am", ["--from", "2024-01-01", "--to", "2024-12-31", "--dry-run", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const out = parseJsonLine(result, DryRunJson);
    expect(out.total).toBe(366);
    // 06:00 in Berlin: 05:00 UTC in winter, 04:00 UTC in summer.
    expect(out.intervals[0]).toMatchObject({ ds: "2024-01-01", start: "2024-01-01T05:00:00.000Z", end: "2024-01-02T05:00:00.000Z" });
    expect(out.intervals.at(-1)).toMatchObject({ ds: "2024-12-31", start: "2024-12-31T05:00:00.000Z", end: "2025-01-01T05:00:00.000Z" });
    expect(out.intervals.find((i) => i.ds === "2024-07-01")?.start).toBe("2024-07-01T04:00:00.000Z");
    expect(out.intervals.every((i) => i.action === "create")).toBe(true);

    // A short range: both ends included, the --to day's 06:00 run listed.
    const short = parseJsonLine(
      await backfillCli("berlin_six_am", ["--from", "2024-03-30", "--to", "2024-03-31", "--dry-run", "--json"]),
      DryRunJson,
    );
    expect(short.intervals.map((i) => [i.ds, i.start, i.end])).toEqual([
      ["2024-03-30", "2024-03-30T05:00:00.000Z", "2024-03-31T04:00:00.000Z"],
      ["2024-03-31", "2024-03-31T04:00:00.000Z", "2024-04-01T04:00:00.000Z"],
    ]);
    expect(await allRuns("berlin_six_am")).toEqual([]);
  });

  it("runs a backfill and prints one JSON object; exit 0 when every run succeeded", async () => {
    const result = await backfillCli("backfill_noop", ["--from", "2024-01-01", "--to", "2024-01-05", "--max-active-runs", "2", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const out = parseJsonLine(result, BackfillJson);
    expect(out).toMatchObject({ dagId: "backfill_noop", total: 5, succeeded: 5, failed: 0, skipped: 0, interrupted: false });
    expect(out.runs.map((r) => [r.logicalDate, r.state])).toEqual(
      [1, 2, 3, 4, 5].map((d) => [`2024-01-0${d}T00:00:00.000Z`, "success"]),
    );
    const runs = await allRuns("backfill_noop");
    expect(runs).toHaveLength(5);
    expect(runs.every((r) => r.runType === "backfill" && r.state === "success")).toBe(true);

    // The same command again skips everything and still succeeds.
    const again = parseJsonLine(await backfillCli("backfill_noop", ["--from", "2024-01-01", "--to", "2024-01-05", "--json"]), BackfillJson);
    expect(again).toMatchObject({ total: 5, succeeded: 5, skipped: 5 });
    expect(await allRuns("backfill_noop")).toHaveLength(5);
  });

  it("exits 1 when a run fails", async () => {
    const result = await backfillCli("backfill_failing", ["--from", "2024-01-01", "--to", "2024-01-02", "--json"]);
    expect(result.code, result.stderr).toBe(1);
    const out = parseJsonLine(result, BackfillJson);
    expect(out).toMatchObject({ total: 2, succeeded: 0, failed: 2, interrupted: false });
    expect(out.runs.every((r) => r.state === "failed")).toBe(true);
  });

  it("exits 2 for a bad --reprocess, naming the flag", async () => {
    const result = await backfillCli("backfill_noop", ["--from", "2024-01-01", "--to", "2024-01-02", "--reprocess", "everything"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/reprocess/);
    expect(result.stderr).toContain("everything");
    expect(result.stdout).toBe("");
  });

  it("exits 2 for a DAG without a time schedule", async () => {
    const result = await backfillCli("manual_only", ["--from", "2024-01-01", "--to", "2024-01-02", "--json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/manual_only/);
    expect(result.stderr).toMatch(/schedule/);
    expect(await allRuns("manual_only")).toEqual([]);
  });

  it("exits 2 for --to before --from, a bad date, or a missing --from", async () => {
    const reversed = await backfillCli("backfill_noop", ["--from", "2024-02-01", "--to", "2024-01-01"]);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/--to/);
    const badDate = await backfillCli("backfill_noop", ["--from", "yesterday", "--to", "2024-01-01"]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/from/);
    const missing = await backfillCli("backfill_noop", ["--to", "2024-01-01"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--from/);
  });
});
