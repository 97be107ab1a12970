/**
 * The scheduler against a real SQLite store, with a clock the tests move by hand (no waiting):
 * catchup after downtime, endDate, pause, maxActiveRuns, pools, maxActiveTasks and priorities,
 * a restart in the middle of runs, schedulers racing on one file, zombies, a real worker; then the
 * real `tributary start` process, stopped with SIGTERM, restarted, and its stored history checked.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waitFor as waitUntil, waitForValue } from "../support/wait-for.js";
import { DagRegistry, type RegisteredDag } from "../../src/scheduler/dag-registry.js";
import { Scheduler } from "../../src/scheduler/scheduler.js";
import { planBackfill } from "../../src/scheduler/backfill.js";
import { driveBackfill, storedIntervals } from "../../src/scheduler/backfill-driver.js";
import { TributaryService } from "../../src/app/tributary-service.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { ClaimedTask, DagRunRecord, QueryListener, Store, TaskInstanceRecord } from "../../src/store/index.js";
import { TaskProcessPool } from "../../src/worker/process-pool.js";
import { Worker } from "../../src/worker/worker.js";

const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURES = resolve(import.meta.dirname, "../fixtures/scheduler-dags");
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The time as the scheduler sees it; only the test moves it. */
class Clock {
  now: Date;
  constructor(iso: string) {
    this.now = new Date(iso);
  }
  set(iso: string): void {
    this.now = new Date(iso);
  }
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
}

let dir: string;
let openStores: Store[] = [];
const children = new Set<ChildProcess>();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-scheduler-"));
  openStores = [];
});

afterEach(async () => {
  // Child processes first (even when the test failed), then the stores, then the folder.
  await Promise.all([...children].map((child) => stopChild(child)));
  children.clear();
  for (const store of openStores) await store.close();
  openStores = [];
  rmSync(dir, { recursive: true, force: true });
});

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}

/** A store on the test's database file; each call is a new connection (a new "process"). */
function openStore(options: { onQuery?: QueryListener } = {}): Store {
  const store = openSqliteStore({ path: join(dir, "t.db"), ...options });
  openStores.push(store);
  return store;
}

async function closeStore(store: Store): Promise<void> {
  openStores = openStores.filter((s) => s !== store);
  await store.close();
}

interface Env {
  readonly registry: DagRegistry;
  readonly scheduler: Scheduler;
  /** Whatever the scheduler reported through onError: a test expects none. */
  readonly errors: unknown[];
}

/**
 * Registries of the fixture folders, loaded once for the whole file: a load costs about a quarter of
 * a CPU-second (each file is imported in a checking thread first, dsl/import-check.ts), and the
 * DAGs are only read. A scheduler that stands for another process gets a registry of its own.
 */
const registries = new Map<string, Promise<DagRegistry>>();

async function loadRegistry(folder: string): Promise<DagRegistry> {
  const registry = new DagRegistry(join(FIXTURES, folder));
  await registry.refresh();
  return registry;
}

function sharedRegistry(folder: string): Promise<DagRegistry> {
  const loading = registries.get(folder) ?? loadRegistry(folder);
  registries.set(folder, loading);
  return loading;
}

/**
 * A registry of one fixture folder (recorded in the store, as the service does) and a scheduler on
 * the clock. `ownRegistry`: a newly loaded registry rather than the folder's shared one.
 */
async function schedulerOn(
  folder: string,
  store: Store,
  clock: Clock,
  options: { zombieAfterMs?: number; lostTryRetries?: number; ownRegistry?: boolean } = {},
): Promise<Env> {
  const registry = await (options.ownRegistry === true ? loadRegistry(folder) : sharedRegistry(folder));
  expect(registry.importErrors()).toEqual([]);
  for (const entry of registry.all().values()) {
    await store.upsertDag({ dagId: entry.dag.id, file: entry.file, graph: entry.dag.graph, now: clock.now });
  }
  const errors: unknown[] = [];
  const scheduler = new Scheduler({
    store,
    registry,
    now: () => clock.now,
    reloadMs: 0,
    zombieAfterMs: options.zombieAfterMs ?? 24 * HOUR,
    lostTryRetries: options.lostTryRetries,
    onError: (error) => errors.push(error),
  });
  return { registry, scheduler, errors };
}

/** `target` with some of its methods replaced; the others called on `target` itself (its private fields need it). */
function withMethods<T extends object>(target: T, replaced: Partial<T>): T {
  return new Proxy(target, {
    get: (object, name) => {
      if (Object.hasOwn(replaced, name)) return replaced[name as keyof T];
      const value: unknown = Reflect.get(object, name, object);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

function registered(registry: DagRegistry, dagId: string): RegisteredDag {
  const entry = registry.get(dagId);
  if (!entry) throw new Error(`DAG ${dagId} is not loaded`);
  return entry;
}

/** A DAG's runs, oldest logical date first. */
async function runsOf(store: Store, dagId: string): Promise<DagRunRecord[]> {
  const runs = await store.listRuns({ dagId, limit: 100_000 });
  return runs.sort((a, b) => a.logicalDate.getTime() - b.logicalDate.getTime());
}

const days = (runs: readonly DagRunRecord[]) => runs.map((r) => r.logicalDate.toISOString().slice(0, 10));

/** Claims what the store lets a worker claim now, for every DAG of the registry. */
function claim(store: Store, registry: DagRegistry, workerId: string, now: Date, limit = 1_000): Promise<ClaimedTask[]> {
  const maxActiveTasks = new Map<string, number>();
  for (const [dagId, entry] of registry.all()) {
    if (entry.dag.options.maxActiveTasks !== undefined) maxActiveTasks.set(dagId, entry.dag.options.maxActiveTasks);
  }
  return store.claimNextTasks({ workerId, limit, dagIds: [...registry.all().keys()], maxActiveTasks, now });
}

/** Records a claimed try as a worker would, with the DAG's graph. */
function complete(store: Store, registry: DagRegistry, claimed: ClaimedTask, now: Date, outcome: "success" | "failed" = "success") {
  return store.completeTry({
    taskInstanceId: claimed.instance.id,
    tryNumber: claimed.tryNumber,
    outcome,
    result: outcome === "success" ? claimed.instance.taskId : undefined,
    error: outcome === "failed" ? "failed on purpose" : undefined,
    graph: registered(registry, claimed.instance.dagId).dag.graph,
    now,
  });
}

/** Claims and completes until nothing claimable is left (what becomes ready downstream included). */
async function workOff(store: Store, registry: DagRegistry, workerId: string, now: Date): Promise<number> {
  let done = 0;
  for (;;) {
    const claimed = await claim(store, registry, workerId, now);
    if (claimed.length === 0) return done;
    for (const c of claimed) await complete(store, registry, c, now);
    done += claimed.length;
  }
}

/** Starts a manual run of a DAG right away. */
async function trigger(store: Store, entry: RegisteredDag, now: Date): Promise<DagRunRecord> {
  const { run } = await store.createRun({
    runId: `${entry.dag.id}__manual__${now.toISOString()}`,
    runType: "manual",
    graph: entry.dag.graph,
    logicalDate: now,
    dataIntervalStart: now,
    dataIntervalEnd: now,
    params: {},
    start: true,
    now,
  });
  return run;
}

async function instancesOf(store: Store, runs: readonly DagRunRecord[]): Promise<TaskInstanceRecord[]> {
  const all: TaskInstanceRecord[] = [];
  for (const run of runs) all.push(...(await store.listTaskInstances(run.runId)));
  return all;
}

function expectUniqueLogicalDates(runs: readonly DagRunRecord[]): void {
  const dates = runs.map((r) => r.logicalDate.toISOString());
  expect(new Set(dates).size).toBe(dates.length);
}

describe("catchup after downtime", () => {
  it("catchup: true creates exactly the missed intervals, once each; catchup: false only the latest", async () => {
    const clock = new Clock("2024-01-01T12:00:00Z");
    const store = openStore();
    await store.migrate();
    const { scheduler, errors } = await schedulerOn("catchup", store, clock);

    // The first interval [01-01, 01-02) has not ended yet.
    expect(await scheduler.tick()).toMatchObject({ created: 0 });
    clock.set("2024-01-02T00:00:00Z");
    await scheduler.tick();
    expect(days(await runsOf(store, "daily_catchup"))).toEqual(["2024-01-01"]);
    expect(days(await runsOf(store, "daily_no_catchup"))).toEqual(["2024-01-01"]);

    // Down from 01-02 00:00 to 01-06 09:30: four intervals were missed.
    clock.set("2024-01-06T09:30:00Z");
    const afterDowntime = await scheduler.tick();
    const caughtUp = await runsOf(store, "daily_catchup");
    expect(days(caughtUp)).toEqual(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]);
    for (const run of caughtUp) {
      expect(run.runType).toBe("scheduled");
      expect(run.dataIntervalStart).toEqual(run.logicalDate);
      expect(run.dataIntervalEnd.getTime() - run.dataIntervalStart.getTime()).toBe(DAY);
      expect(run.createdAt.getTime()).toBeGreaterThanOrEqual(run.dataIntervalEnd.getTime());
    }
    expect(days(await runsOf(store, "daily_no_catchup"))).toEqual(["2024-01-01", "2024-01-05"]);
    expect(afterDowntime.created).toBe(4 + 1);

    // Ticking again (same time, later the same day) creates nothing.
    expect(await scheduler.tick()).toMatchObject({ created: 0 });
    clock.set("2024-01-06T23:59:59.999Z");
    expect(await scheduler.tick()).toMatchObject({ created: 0 });
    expect(await runsOf(store, "daily_catchup")).toHaveLength(5);

    // Another downtime: catchup false skips 01-06..01-08 and creates only 01-09.
    clock.set("2024-01-10T01:00:00Z");
    await scheduler.tick();
    expect(days(await runsOf(store, "daily_catchup"))).toEqual([
      "2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09",
    ]);
    expect(days(await runsOf(store, "daily_no_catchup"))).toEqual(["2024-01-01", "2024-01-05", "2024-01-09"]);
    expect(errors).toEqual([]);
  });
});

describe("params a schema computes", () => {
  it("a default computed by a function is computed for each run, in the DAG code thread: a catch-up's runs, a backfill pass's", async () => {
    const clock = new Clock("2024-01-05T00:30:00Z");
    const store = openStore();
    await store.migrate();
    const { registry, scheduler, errors } = await schedulerOn("computed-params", store, clock, { ownRegistry: true });
    try {
      // Four intervals are due at once: their params are worked out together, each run its own.
      await scheduler.tick();
      const caughtUp = await runsOf(store, "counted");
      expect(days(caughtUp)).toEqual(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]);
      expect(caughtUp.map((run) => run.params["made"])).toEqual([1, 2, 3, 4]);

      // A backfill pass creates up to its maxActiveRuns runs in the transaction that takes them.
      const entry = registered(registry, "counted");
      const range = { from: new Date("2023-12-01T00:00:00Z"), to: new Date("2023-12-03T00:00:00Z") };
      const plan = await planBackfill(store, entry, range, "skip");
      const backfill = await store.createBackfill({ dagId: "counted", ...range, reprocess: "skip", maxActiveRuns: 3, createdBy: "test", intervals: storedIntervals(plan), now: clock.now });
      expect(await driveBackfill(store, entry, backfill.id, clock.now)).toBe(3);
      const backfilled = (await runsOf(store, "counted")).filter((run) => run.runType === "backfill");
      expect(backfilled.map((run) => run.params["made"]).sort()).toEqual([5, 6, 7]);
      expect(errors).toEqual([]);
    } finally {
      await registry.close();
      await closeStore(store);
    }
  });

  it("a backfill that reruns failed runs goes on when new runs' params would not pass the schema", async () => {
    const clock = new Clock("2023-12-10T00:30:00Z");
    const store = openStore();
    await store.migrate();
    const { registry } = await schedulerOn("required-params", store, clock, { ownRegistry: true });
    try {
      const entry = registered(registry, "regional");
      // A run of 12-01 made with its params, which failed.
      const logicalDate = new Date("2023-12-01T00:00:00Z");
      const dataIntervalEnd = new Date("2023-12-02T00:00:00Z");
      const { run } = await store.createRun({ runId: "regional-1201", runType: "scheduled", graph: entry.dag.graph, logicalDate, dataIntervalStart: logicalDate, dataIntervalEnd, params: { region: "eu" }, start: true, now: clock.now });
      await store.markRun({ runId: run.runId, state: "failed", now: clock.now });
      // Reprocess failed runs: 12-01 is rerun with the params it has; no new run needs the schema.
      const range = { from: logicalDate, to: logicalDate };
      const plan = await planBackfill(store, entry, range, "failed");
      expect(plan.map((p) => p.action)).toEqual(["rerun_failed"]);
      const backfill = await store.createBackfill({ dagId: "regional", ...range, reprocess: "failed", maxActiveRuns: 2, createdBy: "test", intervals: storedIntervals(plan), now: clock.now });
      expect(await driveBackfill(store, entry, backfill.id, clock.now)).toBe(1);
    } finally {
      await registry.close();
      await closeStore(store);
    }
  });
});

describe("catching up a year", () => {
  it("creates the 365 missed runs of a @daily DAG in a few transactions, not one each", async () => {
    const clock = new Clock("2025-01-01T00:00:01Z");
    let transactions = 0;
    const store = openStore({ onQuery: (sql) => void (/^begin/i.test(sql) && transactions++) });
    await store.migrate();
    const { scheduler, errors } = await schedulerOn("catchup", store, clock);
    transactions = 0;
    const tick = await scheduler.tick();
    const runs = await runsOf(store, "daily_catchup");
    expect(runs).toHaveLength(366);
    expect(new Set(runs.map((run) => run.logicalDate.getTime())).size).toBe(366);
    expect(runs.every((run) => run.runType === "scheduled" && run.dataIntervalEnd.getTime() - run.dataIntervalStart.getTime() === DAY)).toBe(true);
    // catchup: false makes only the latest.
    expect(days(await runsOf(store, "daily_no_catchup"))).toEqual(["2024-12-31"]);
    expect(tick.created).toBe(366 + 1);
    expect(transactions).toBeLessThan(40);
    expect(errors).toEqual([]);
  });
});

describe("many DAGs due at once", () => {
  it("creates and starts the runs of 100 DAGs that come due in the same tick in a few transactions, not two per DAG", async () => {
    // Midnight, when every @daily DAG of a deployment comes due: a transaction per DAG to create
    // its run and another to start it made the tick's length grow with the number of DAGs.
    const folder = join(dir, "many");
    mkdirSync(folder);
    for (let n = 0; n < 100; n++) {
      // Every tenth allows one active run, and has one running already: its new run waits.
      const limit = n % 10 === 0 ? ", maxActiveRuns: 1" : "";
      writeFileSync(
        join(folder, `many_${n}.ts`),
        `import { dag } from ${JSON.stringify(join(ROOT, "src/dsl/index.js"))};
export default dag("many_${n}", { schedule: "@daily", startDate: "2024-01-01", catchup: false${limit} }, (d) => {
  const a = d.task("a", () => 1);
  d.task("b", { after: [a] }, () => 2);
});
`,
      );
    }
    const registry = new DagRegistry(folder);
    await registry.refresh();
    expect(registry.importErrors()).toEqual([]);
    let transactions = 0;
    let latestDateReads = 0;
    const store = openStore({
      onQuery: (sql) => {
        if (/^begin/i.test(sql)) transactions++;
        if (/^select .*max\("logical_date"\)/i.test(sql)) latestDateReads++;
      },
    });
    await store.migrate();
    const clock = new Clock("2024-01-03T00:00:01Z");
    for (const entry of registry.all().values()) await store.upsertDag({ dagId: entry.dag.id, file: entry.file, graph: entry.dag.graph, now: clock.now });
    for (let n = 0; n < 100; n += 10) {
      const graph = registered(registry, `many_${n}`).dag.graph;
      await store.createRun({ runId: `many_${n}_manual`, runType: "manual", graph, logicalDate: clock.now, dataIntervalStart: clock.now, dataIntervalEnd: clock.now, params: {}, start: true, now: clock.now });
    }
    const errors: unknown[] = [];
    const scheduler = new Scheduler({ store, registry, now: () => clock.now, reloadMs: 0, onError: (error) => errors.push(error) });
    transactions = 0;
    latestDateReads = 0;
    const tick = await scheduler.tick();
    expect(errors).toEqual([]);
    expect(tick).toMatchObject({ created: 100, started: 90 });
    expect(transactions).toBeLessThan(20);
    // Each DAG's latest logical date (where its schedule goes on from), read together: 64 a statement.
    expect(latestDateReads).toBe(2);
    for (let n = 0; n < 100; n++) {
      const runs = (await runsOf(store, `many_${n}`)).filter((run) => run.runType === "scheduled");
      expect(days(runs)).toEqual(["2024-01-02"]);
      expect(runs[0]?.state).toBe(n % 10 === 0 ? "queued" : "running");
    }
  });
});

describe("a DAG reload that ends during a tick", () => {
  it("leaves a catch-up DAG going on from its latest run, not from its start date", async () => {
    // x has runs for hours 48-99 only (it was catchup: false while the scheduler was down before
    // that). A reload swaps its registry entry while the tick reads the other DAGs' latest dates:
    // had the tick gone on with the live registry, x would have counted as never run and been
    // caught up from hour 0.
    const folder = join(dir, "reloaded");
    mkdirSync(folder);
    const write = (id: string, options: string) =>
      writeFileSync(
        join(folder, `${id}.ts`),
        `import { dag } from ${JSON.stringify(join(ROOT, "src/dsl/index.js"))};
export default dag("${id}", { schedule: "@hourly", ${options} }, (d) => { d.task("a", () => 1); });
`,
      );
    write("x", `startDate: "2024-01-01", catchup: true`);
    write("y", `startDate: "2024-01-05", catchup: false`);
    const loaded = new DagRegistry(folder);
    await loaded.refresh();
    const byId = new Map(loaded.all());
    const registry = withMethods(loaded, { all: () => byId, get: (dagId: string) => byId.get(dagId) });
    const real = openStore();
    await real.migrate();
    const hour = (h: number) => new Date(Date.parse("2024-01-01T00:00:00Z") + h * HOUR);
    for (const entry of byId.values()) await real.upsertDag({ dagId: entry.dag.id, file: entry.file, graph: entry.dag.graph, now: hour(0) });
    const x = registered(loaded, "x");
    await real.createRuns(Array.from({ length: 52 }, (_, i) => ({ runId: `x_${48 + i}`, runType: "scheduled" as const, graph: x.dag.graph, logicalDate: hour(48 + i), dataIntervalStart: hour(48 + i), dataIntervalEnd: hour(49 + i), params: {}, start: false, now: hour(100) })));
    let reloadDuringRead = false;
    const store = withMethods(real, {
      latestLogicalDates: async (dagIds) => {
        const result = await real.latestLogicalDates(dagIds);
        if (reloadDuringRead) byId.set("x", { ...x });
        reloadDuringRead = false;
        return result;
      },
    });
    const clock = new Clock(new Date(hour(100).getTime() + 30_000).toISOString());
    const errors: unknown[] = [];
    const scheduler = new Scheduler({ store, registry, now: () => clock.now, reloadMs: 0, onError: (error) => errors.push(error) });
    await scheduler.tick(); // x: hour 99 has its run; next due at 101:00
    clock.advance(10 * MINUTE);
    // y is looked at again (a new entry), x's entry is replaced while y's latest date is read.
    byId.set("y", { ...registered(loaded, "y") });
    reloadDuringRead = true;
    await scheduler.tick();
    expect(errors).toEqual([]);
    const hours = (await runsOf(real, "x")).map((run) => (run.logicalDate.getTime() - hour(0).getTime()) / HOUR);
    expect(Math.min(...hours)).toBe(48);
    expect(hours).toHaveLength(52);
  });
});

describe("starting many queued runs", () => {
  it("starts them in transactions that queue at most 2,000 task instances each", async () => {
    // Eight DAGs of 20 root tasks with 16 queued runs each (after a downtime): a DAG's start
    // queues 320 instances, so a transaction takes at most six of them (four: a power of two).
    const folder = join(dir, "wide");
    mkdirSync(folder);
    for (let n = 0; n < 8; n++) {
      writeFileSync(
        join(folder, `wide_${n}.ts`),
        `import { dag } from ${JSON.stringify(join(ROOT, "src/dsl/index.js"))};
export default dag("wide_${n}", { schedule: null, maxActiveRuns: 16 }, (d) => {
  for (let i = 0; i < 20; i++) d.task(\`t\${i}\`, () => i);
});
`,
      );
    }
    const registry = new DagRegistry(folder);
    await registry.refresh();
    const real = openStore();
    await real.migrate();
    const clock = new Clock("2024-03-01T00:00:00Z");
    for (const entry of registry.all().values()) {
      await real.upsertDag({ dagId: entry.dag.id, file: entry.file, graph: entry.dag.graph, now: clock.now });
      const runs = Array.from({ length: 16 }, (_, k) => new Date(Date.UTC(2024, 0, 1 + k)));
      await real.createRuns(runs.map((day, k) => ({ runId: `${entry.dag.id}_${k}`, runType: "backfill" as const, graph: entry.dag.graph, logicalDate: day, dataIntervalStart: day, dataIntervalEnd: day, params: {}, start: false, now: clock.now })));
    }
    const calls: number[] = [];
    const store = withMethods(real, {
      startQueuedRunsOfDags: (inputs) => {
        calls.push(inputs.length);
        return real.startQueuedRunsOfDags(inputs);
      },
    });
    const errors: unknown[] = [];
    const scheduler = new Scheduler({ store, registry, now: () => clock.now, reloadMs: 0, onError: (error) => errors.push(error) });
    expect(await scheduler.tick()).toMatchObject({ started: 8 * 16 });
    expect(errors).toEqual([]);
    expect(calls).toEqual([4, 4]);
  });
});

describe("a catch-up whose transaction fails in the middle", () => {
  it("creates nothing after the failed batch in that tick, and the next tick fills in every interval, none skipped", async () => {
    // A DAG 100 hours behind: its runs are created 64, 32 and 4 to a transaction. Had later
    // batches gone on after the second failed, its latest logical date would have jumped past
    // the missing hours, and no tick would have made them.
    const folder = join(dir, "behind");
    mkdirSync(folder);
    writeFileSync(
      join(folder, "hourly.ts"),
      `import { dag } from ${JSON.stringify(join(ROOT, "src/dsl/index.js"))};
export default dag("hourly", { schedule: "@hourly", startDate: "2024-01-01", catchup: true }, (d) => {
  const a = d.task("a", () => 1);
  d.task("b", { after: [a] }, () => 2);
});
`,
    );
    const registry = new DagRegistry(folder);
    await registry.refresh();
    const real = openStore();
    await real.migrate();
    const clock = new Clock("2024-01-05T04:00:30Z");
    for (const entry of registry.all().values()) await real.upsertDag({ dagId: entry.dag.id, file: entry.file, graph: entry.dag.graph, now: clock.now });
    // The second transaction fails, and so does its retry of the DAG's share (a busy database).
    let calls = 0;
    const store = withMethods(real, {
      createRuns: async (inputs) => {
        calls++;
        if (calls === 2 || calls === 3) throw new Error("database is locked");
        return real.createRuns(inputs);
      },
    });
    const errors: unknown[] = [];
    const scheduler = new Scheduler({ store, registry, now: () => clock.now, reloadMs: 0, onError: (error) => errors.push(error) });
    expect((await scheduler.tick()).created).toBe(64);
    expect(errors.map((e) => (e as Error).message)).toEqual(['DAG "hourly": database is locked']);
    clock.advance(60_000);
    expect((await scheduler.tick()).created).toBe(36);
    const hours = (await runsOf(real, "hourly")).map((run) => (run.logicalDate.getTime() - Date.parse("2024-01-01T00:00:00Z")) / HOUR);
    expect(hours.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, h) => h));
  });
});

describe("timezones", () => {
  it("a 02:00 Europe/Berlin DAG gets one run per local day across both DST changes, each created once its interval ended", async () => {
    const clock = new Clock("2024-03-28T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { scheduler, errors } = await schedulerOn("timezone", store, clock);
    // Tick every two hours through both weeks: runs appear as their intervals end, never early.
    for (const [from, to] of [["2024-03-28T00:00:00Z", "2024-04-02T12:00:00Z"], ["2024-10-24T00:00:00Z", "2024-10-29T12:00:00Z"]] as const) {
      for (clock.set(from); clock.now.getTime() <= new Date(to).getTime(); clock.advance(2 * HOUR)) await scheduler.tick();
    }
    const spring = await runsOf(store, "berlin_spring");
    // 02:00 CET is 01:00Z; on 03-31 02:00 does not exist and the run is at 03:00 CEST (01:00Z); then 02:00 CEST is 00:00Z.
    expect(spring.map((r) => r.logicalDate.toISOString())).toEqual([
      "2024-03-29T01:00:00.000Z", "2024-03-30T01:00:00.000Z", "2024-03-31T01:00:00.000Z", "2024-04-01T00:00:00.000Z",
    ]);
    expect(spring.map((r) => (r.dataIntervalEnd.getTime() - r.dataIntervalStart.getTime()) / HOUR)).toEqual([24, 24, 23, 24]);
    const fall = await runsOf(store, "berlin_fall");
    const localDays = fall.map((r) => r.logicalDate.toLocaleDateString("sv-SE", { timeZone: "Europe/Berlin" }));
    // The repeated 02:00 of 10-27 fires once.
    expect(localDays).toEqual(["2024-10-25", "2024-10-26", "2024-10-27", "2024-10-28"]);
    for (const run of [...spring, ...fall]) {
      expect(run.createdAt.getTime()).toBeGreaterThanOrEqual(run.dataIntervalEnd.getTime());
      expect(run.createdAt.getTime() - run.dataIntervalEnd.getTime()).toBeLessThan(2 * HOUR);
    }
    expect(errors).toEqual([]);
  });
});

describe("endDate", () => {
  it("no run has a logical date after endDate, ticking day by day or jumping far ahead", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { scheduler, errors } = await schedulerOn("end-date", store, clock);
    for (let day = 1; day <= 10; day++) {
      clock.advance(DAY);
      await scheduler.tick();
    }
    clock.set("2024-06-01T00:00:00Z");
    await scheduler.tick();
    expect(days(await runsOf(store, "ended_catchup"))).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    expect(days(await runsOf(store, "ended_no_catchup"))).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    expect(errors).toEqual([]);
  });

  it("a scheduler first started after endDate: catchup creates the runs up to endDate; without catchup nothing", async () => {
    const clock = new Clock("2024-02-01T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { scheduler, errors } = await schedulerOn("end-date", store, clock);
    await scheduler.tick();
    clock.advance(30 * DAY);
    await scheduler.tick();
    expect(days(await runsOf(store, "ended_catchup"))).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    // The latest interval (2024-02-29 by now) is past endDate, so there is nothing to create (as in Airflow).
    expect(days(await runsOf(store, "ended_no_catchup"))).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe("pause", () => {
  it("a paused DAG gets no new runs; unpaused, catchup creates the missed ones and no catchup only the latest", async () => {
    const clock = new Clock("2024-01-03T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { scheduler, errors } = await schedulerOn("pause", store, clock);
    await scheduler.tick();
    expect(days(await runsOf(store, "pausable"))).toEqual(["2024-01-01", "2024-01-02"]);
    expect(days(await runsOf(store, "pausable_no_catchup"))).toEqual(["2024-01-02"]);

    expect(await store.setDagPaused("pausable", true, clock.now)).toBe(true);
    expect(await store.setDagPaused("pausable_no_catchup", true, clock.now)).toBe(true);
    expect(await store.setDagPaused("no_such_dag", true, clock.now)).toBe(false);
    for (let i = 0; i < 4; i++) {
      clock.advance(DAY);
      expect(await scheduler.tick()).toMatchObject({ created: 0 });
    }
    expect(await runsOf(store, "pausable")).toHaveLength(2);
    expect(await runsOf(store, "pausable_no_catchup")).toHaveLength(1);

    // Unpaused at 01-07 00:00: 01-03..01-06 were missed.
    await store.setDagPaused("pausable", false, clock.now);
    await store.setDagPaused("pausable_no_catchup", false, clock.now);
    expect((await store.getDag("pausable"))?.isPaused).toBe(false);
    await scheduler.tick();
    expect(days(await runsOf(store, "pausable"))).toEqual([
      "2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06",
    ]);
    expect(days(await runsOf(store, "pausable_no_catchup"))).toEqual(["2024-01-02", "2024-01-06"]);
    expect(await scheduler.tick()).toMatchObject({ created: 0 });
    expect(errors).toEqual([]);
  });

  it("a queued run of a paused DAG is not started until it is unpaused", async () => {
    const clock = new Clock("2024-01-02T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { scheduler, registry } = await schedulerOn("pause", store, clock);
    const entry = registered(registry, "pausable");
    await store.setDagPaused("pausable", true, clock.now);
    // A run that exists while the DAG is paused (created by hand, not started).
    await store.createRun({
      runId: "pausable__manual__queued",
      runType: "manual",
      graph: entry.dag.graph,
      logicalDate: clock.now,
      dataIntervalStart: clock.now,
      dataIntervalEnd: clock.now,
      params: {},
      start: false,
      now: clock.now,
    });
    await scheduler.tick();
    expect((await store.getRun("pausable__manual__queued"))?.state).toBe("queued");
    await store.setDagPaused("pausable", false, clock.now);
    await scheduler.tick();
    expect((await store.getRun("pausable__manual__queued"))?.state).toBe("running");
  });
});

describe("maxActiveRuns", () => {
  it("never more than 2 runs at once while 10 due runs are worked off; they start in logical-date order", async () => {
    const clock = new Clock("2024-01-11T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { scheduler, registry, errors } = await schedulerOn("active-runs", store, clock);
    expect(await scheduler.tick()).toEqual({ created: 10, started: 2, zombies: 0 });

    let mostRunning = 0;
    for (let step = 0; step < 100; step++) {
      const running = await store.listRuns({ dagId: "limited_runs", states: ["running"] });
      expect(running.length).toBeLessThanOrEqual(2);
      mostRunning = Math.max(mostRunning, running.length);
      const runs = await runsOf(store, "limited_runs");
      if (runs.every((r) => r.state === "success")) break;
      clock.advance(MINUTE);
      // One task at a time, so runs finish at different moments.
      const [claimed] = await claim(store, registry, "w", clock.now, 1);
      if (claimed) await complete(store, registry, claimed, clock.now);
      await scheduler.tick();
    }
    const runs = await runsOf(store, "limited_runs");
    expect(runs.map((r) => r.state)).toEqual(Array<string>(10).fill("success"));
    expect(mostRunning).toBe(2);
    // Started in logical-date order: each run started no earlier than the one before it.
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]?.startedAt?.getTime()).toBeGreaterThanOrEqual(runs[i - 1]?.startedAt?.getTime() ?? Infinity);
    }
    // From the recorded times: at every run's start, fewer than 2 other runs were still running.
    for (const run of runs) {
      const t = run.startedAt?.getTime() ?? -1;
      const overlapping = runs.filter((r) => (r.startedAt?.getTime() ?? Infinity) <= t && (r.endedAt?.getTime() ?? Infinity) > t);
      expect(overlapping.length).toBeLessThanOrEqual(2);
    }
    expect(errors).toEqual([]);
  });
});

describe("pools, maxActiveTasks and priority under load", () => {
  /**
   * Works off every queued task instance of `runs` with `claimers` claiming at the same time from
   * two connections, completing one running instance per round (also at the same time), and
   * returns the most that were ever running together among those `counted`.
   */
  async function contend(
    stores: readonly [Store, Store],
    registry: DagRegistry,
    runs: readonly DagRunRecord[],
    counted: (ti: TaskInstanceRecord) => boolean,
    limit: number,
    clock: Clock,
  ): Promise<{ most: number; claims: ClaimedTask[] }> {
    const claims: ClaimedTask[] = [];
    const running: ClaimedTask[] = [];
    let most = 0;
    for (let round = 0; round < 200; round++) {
      clock.advance(SECOND);
      const finishing = running.shift();
      const results = await Promise.all([
        finishing ? complete(stores[round % 2 === 0 ? 1 : 0], registry, finishing, clock.now).then(() => []) : Promise.resolve([]),
        claim(stores[0], registry, "worker-a1", clock.now, 10),
        claim(stores[1], registry, "worker-b1", clock.now, 10),
        claim(stores[0], registry, "worker-a2", clock.now, 10),
        claim(stores[1], registry, "worker-b2", clock.now, 10),
      ]);
      const claimed = results.flat();
      claims.push(...claimed);
      running.push(...claimed);
      const instances = await instancesOf(stores[0], runs);
      const now = instances.filter((ti) => ti.state === "running" && counted(ti)).length;
      expect(now).toBeLessThanOrEqual(limit);
      expect(running.filter((c) => counted(c.instance)).length).toBe(now);
      most = Math.max(most, now);
      if (instances.every((ti) => ti.state === "success")) break;
    }
    return { most, claims };
  }

  it("a pool with 2 slots never has more than 2 running, across DAGs, with concurrent claimers on two connections", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const a = openStore();
    await a.migrate();
    const b = openStore();
    const { registry } = await schedulerOn("pools", a, clock);
    await a.setPool({ name: "narrow", slots: 2, now: clock.now });
    const runs = [await trigger(a, registered(registry, "pooled"), clock.now), await trigger(b, registered(registry, "pooled_too"), clock.now)];

    const { most, claims } = await contend([a, b], registry, runs, (ti) => ti.pool === "narrow", 2, clock);
    expect(most).toBe(2);
    // Every instance was claimed exactly once, and everything finished.
    expect(claims).toHaveLength(15);
    expect(new Set(claims.map((c) => c.instance.id)).size).toBe(15);
    expect(claims.every((c) => c.tryNumber === 1)).toBe(true);
    for (const run of runs) expect((await a.getRun(run.runId))?.state).toBe("success");
  });

  it("a pool's slots can be changed while it is in use: fewer slots, no new claims until below the limit", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { registry } = await schedulerOn("pools", store, clock);
    await store.setPool({ name: "narrow", slots: 4, now: clock.now });
    await trigger(store, registered(registry, "pooled"), clock.now);
    const first = await claim(store, registry, "w", clock.now);
    expect(first).toHaveLength(4);
    await store.setPool({ name: "narrow", slots: 2, now: clock.now });
    expect(await claim(store, registry, "w", clock.now)).toEqual([]);
    for (const c of first.slice(0, 2)) await complete(store, registry, c, clock.now);
    expect(await claim(store, registry, "w", clock.now)).toEqual([]);
    const [third] = first.slice(2, 3);
    if (third) await complete(store, registry, third, clock.now);
    expect(await claim(store, registry, "w", clock.now)).toHaveLength(1);
  });

  it("maxActiveTasks: 3 holds with concurrent claimers on two connections", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const a = openStore();
    await a.migrate();
    const b = openStore();
    const { registry } = await schedulerOn("pools", a, clock);
    const runs = [await trigger(a, registered(registry, "capped"), clock.now)];
    const { most, claims } = await contend([a, b], registry, runs, () => true, 3, clock);
    expect(most).toBe(3);
    expect(new Set(claims.map((c) => c.instance.id)).size).toBe(10);
    expect((await a.getRun(runs[0]?.runId ?? ""))?.state).toBe("success");
  });

  it("maxActiveTasks counts the DAG's running tasks across all its runs", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { registry } = await schedulerOn("pools", store, clock);
    await trigger(store, registered(registry, "capped"), clock.now);
    clock.advance(SECOND);
    await trigger(store, registered(registry, "capped"), clock.now);
    const claimed = [...(await claim(store, registry, "w1", clock.now)), ...(await claim(store, registry, "w2", clock.now))];
    expect(claimed).toHaveLength(3);
  });

  it("higher priority is claimed first", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { registry } = await schedulerOn("pools", store, clock);
    await trigger(store, registered(registry, "prioritised"), clock.now);
    const order: string[] = [];
    for (;;) {
      const [claimed] = await claim(store, registry, "w", clock.now, 1);
      if (!claimed) break;
      order.push(claimed.instance.taskId);
    }
    expect(order).toEqual(["high", "mid", "low", "unset", "negative"]);

    // Within one claim, too: the first claimed are the highest.
    clock.advance(SECOND);
    await trigger(store, registered(registry, "prioritised"), clock.now);
    const batch = await claim(store, registry, "w", clock.now, 2);
    expect(batch.map((c) => c.instance.taskId).sort()).toEqual(["high", "mid"]);
  });

  it("a full pool or DAG does not hold up claimable work queued behind it", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { registry } = await schedulerOn("pools", store, clock);
    await store.setPool({ name: "narrow", slots: 1, now: clock.now });
    await trigger(store, registered(registry, "pooled"), clock.now);
    clock.advance(SECOND);
    await trigger(store, registered(registry, "capped"), clock.now);
    clock.advance(SECOND);
    await trigger(store, registered(registry, "prioritised"), clock.now);
    // Ten pooled tasks are queued first, but the pool has one slot; then the capped DAG fills its three.
    const one = await claim(store, registry, "w", clock.now, 1);
    expect(one.map((c) => c.instance.dagId)).toEqual(["prioritised"]);
    const claimed: ClaimedTask[] = [];
    for (let i = 0; i < 20; i++) claimed.push(...(await claim(store, registry, "w", clock.now, 1)));
    const count = (dagId: string) => claimed.filter((c) => c.instance.dagId === dagId).length;
    expect([count("pooled"), count("capped"), count("prioritised")]).toEqual([1, 3, 4]);
  });
});

describe("restart", () => {
  it("a new scheduler, registry and store on the same file continue: no duplicate and no lost run", async () => {
    // First started at 06:00, so six hours are due at once (three run, the rest wait).
    const clock = new Clock("2024-01-01T06:00:00Z");
    const first = openStore();
    await first.migrate();
    const one = await schedulerOn("restart", first, clock);
    // A slow worker: one task per step, finished one step later, heartbeating meanwhile.
    const inFlight: ClaimedTask[] = [];
    for (let step = 0; step < 8; step++) {
      await first.heartbeat("w1", inFlight.map((c) => c.instance.id), clock.now);
      await one.scheduler.tick();
      for (const c of inFlight.splice(0)) expect((await complete(first, one.registry, c, clock.now)).applied).toBe(true);
      inFlight.push(...(await claim(first, one.registry, "w1", clock.now, 1)));
      clock.advance(15 * MINUTE);
    }
    // The process dies in the middle of runs: tries in flight, runs running and queued.
    expect(inFlight.length).toBeGreaterThan(0);
    const before = await runsOf(first, "hourly");
    expect(before.some((r) => r.state === "running")).toBe(true);
    expect(before.some((r) => r.state === "queued")).toBe(true);
    expect(before.some((r) => r.state === "success")).toBe(true);
    await closeStore(first);

    const second = openStore();
    expect((await second.migrate()).applied).toEqual([]);
    const two = await schedulerOn("restart", second, clock, { zombieAfterMs: 5 * MINUTE, ownRegistry: true });
    let zombies = 0;
    for (let step = 0; step < 24; step++) {
      clock.advance(15 * MINUTE);
      zombies += (await two.scheduler.tick()).zombies;
      await second.queueDueRetries(clock.now);
      await workOff(second, two.registry, "w2", clock.now);
    }
    // Work off the backlog without reaching the next hour.
    for (let i = 0; i < 50; i++) {
      const runs = await runsOf(second, "hourly");
      if (runs.every((r) => r.state === "success")) break;
      clock.advance(SECOND);
      await two.scheduler.tick();
      await second.queueDueRetries(clock.now);
      await workOff(second, two.registry, "w2", clock.now);
    }

    // Stopped at 08:00, restarted, now 14:00 and a bit: one run for each hour from 00:00 to
    // 13:00 (every interval that has ended), each exactly once, all done.
    expect(clock.now.getTime()).toBeLessThan(Date.UTC(2024, 0, 1, 15));
    const runs = await runsOf(second, "hourly");
    expectUniqueLogicalDates(runs);
    const expected = Array.from({ length: 14 }, (_, h) => new Date(Date.UTC(2024, 0, 1, h)).toISOString());
    expect(runs.map((r) => r.logicalDate.toISOString())).toEqual(expected);
    expect(runs.map((r) => r.state)).toEqual(Array<string>(14).fill("success"));
    expect(runs.map((r) => r.runId)).toEqual(expected.map((iso) => `hourly__scheduled__${iso}`));

    // The tries the first process left running were failed as zombies and retried.
    expect(zombies).toBe(inFlight.length);
    for (const c of inFlight) {
      const tries = await second.listTries(c.instance.id);
      expect(tries.map((t) => [t.outcome, t.errorKind])).toEqual([["failed", "zombie"], ["success", null]]);
    }
    expect(one.errors).toEqual([]);
    expect(two.errors).toEqual([]);
  });
});

describe("schedulers racing on one database", () => {
  it("two schedulers ticking at the same moments (two connections) never create a duplicate", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const a = openStore();
    await a.migrate();
    const b = openStore();
    const one = await schedulerOn("restart", a, clock);
    // A registry of its own, as a scheduler in another process has (the next test runs one).
    const two = await schedulerOn("restart", b, clock, { ownRegistry: true });
    let created = 0;
    for (let round = 0; round < 12; round++) {
      clock.advance(3 * HOUR + 17 * MINUTE);
      const ticks = await Promise.all([one.scheduler.tick(), two.scheduler.tick(), one.scheduler.tick(), two.scheduler.tick()]);
      created += ticks.reduce((n, t) => n + t.created, 0);
      expect((await a.listRuns({ dagId: "hourly", states: ["running"] })).length).toBeLessThanOrEqual(3);
      await Promise.all([workOff(a, one.registry, "wa", clock.now), workOff(b, two.registry, "wb", clock.now)]);
    }
    const runs = await runsOf(a, "hourly");
    expectUniqueLogicalDates(runs);
    // 12 rounds of 3h17m: 39h24m, so the intervals from 00:00 up to 14:00 the next day have ended.
    expect(runs).toHaveLength(39);
    expect(created).toBe(39);
    expect(runs.at(-1)?.logicalDate.toISOString()).toBe("2024-01-02T14:00:00.000Z");
    expect(one.errors).toEqual([]);
    expect(two.errors).toEqual([]);
  });

  it("a scheduler in another process ticking at the same moments as this one never creates a duplicate", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const local = await schedulerOn("catchup", store, clock);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "scheduler-child.ts"), join(dir, "t.db"), join(FIXTURES, "catchup")],
      { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] },
    );
    children.add(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const pending: ((line: string) => void)[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => pending.shift()?.(line));
    const nextLine = () =>
      Promise.race([
        new Promise<string>((resolve) => pending.push(resolve)),
        exited.then((code) => Promise.reject(new Error(`scheduler child exited with ${code}: ${stderr}`))),
      ]);
    expect(await nextLine()).toBe("ready");

    // Both tick at the same clock values, round by round (a barrier per round), racing each time.
    let createdHere = 0;
    let createdThere = 0;
    for (let round = 1; round <= 40; round++) {
      clock.advance(6 * HOUR);
      const reply = nextLine();
      const tellChild = () => child.stdin.write(`tick ${clock.now.toISOString()}\n`);
      // Alternate who starts first, by a varying margin.
      const lead = new Promise((resolve) => setTimeout(resolve, round % 3));
      const [mine, theirs] =
        round % 2 === 0
          ? await Promise.all([lead.then(() => local.scheduler.tick()), (tellChild(), reply)])
          : await Promise.all([local.scheduler.tick(), lead.then(tellChild).then(() => reply)]);
      const remote = JSON.parse(theirs) as { created: number; errors: string[] };
      expect(remote.errors).toEqual([]);
      createdHere += mine.created;
      createdThere += remote.created;
    }
    child.stdin.end();
    expect(await exited, stderr).toBe(0);

    // 40 rounds of 6h end at 01-11 00:00: 01-01..01-10, each once, with or without catchup (every day was ticked).
    const caughtUp = await runsOf(store, "daily_catchup");
    const latestOnly = await runsOf(store, "daily_no_catchup");
    expectUniqueLogicalDates(caughtUp);
    expectUniqueLogicalDates(latestOnly);
    expect(days(caughtUp)).toEqual(days(latestOnly));
    expect(caughtUp).toHaveLength(10);
    expect(createdHere + createdThere).toBe(20);
    expect(local.errors).toEqual([]);
  });
});

describe("zombies", () => {
  it("a try whose worker stopped heartbeating is failed as a zombie after zombieAfterMs and retried at once, without counting against its retries", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { scheduler, registry, errors } = await schedulerOn("zombies", store, clock, { zombieAfterMs: MINUTE });
    const run = await trigger(store, registered(registry, "zombie_prone"), clock.now);
    await claim(store, registry, "alive", clock.now, 1);
    await claim(store, registry, "ghost", clock.now);
    clock.advance(61 * SECOND);
    expect((await scheduler.tick()).zombies).toBe(3);
    const instances = new Map((await store.listTaskInstances(run.runId)).map((ti) => [ti.taskId, ti]));
    // fragile has no retries: its lost try is retried anyway, and flaky keeps its one retry.
    expect(instances.get("fragile")).toMatchObject({ state: "retrying", nextRetryAt: clock.now, maxTries: 2 });
    expect(instances.get("flaky")).toMatchObject({ state: "retrying", nextRetryAt: clock.now, maxTries: 3 });
    expect(await store.listDeadLetters({ open: true })).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("with TRIBUTARY_LOST_TRY_RETRIES=0 a zombie try counts like any failed try: retried only if it has retries left", async () => {
    const clock = new Clock("2024-01-01T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { scheduler, registry, errors } = await schedulerOn("zombies", store, clock, { zombieAfterMs: MINUTE, lostTryRetries: 0 });
    const run = await trigger(store, registered(registry, "zombie_prone"), clock.now);
    // A live worker takes the highest-priority task, a worker that will vanish takes the rest.
    const [steady] = await claim(store, registry, "alive", clock.now, 1);
    expect(steady?.instance.taskId).toBe("steady");
    const ghost = await claim(store, registry, "ghost", clock.now);
    expect(ghost.map((c) => c.instance.taskId).sort()).toEqual(["flaky", "fragile"]);

    clock.advance(30 * SECOND);
    await store.heartbeat("alive", [steady?.instance.id ?? -1], clock.now);
    expect((await scheduler.tick()).zombies).toBe(0);
    clock.advance(31 * SECOND);
    // 61 s since the ghost's claim, 31 s since the live worker's heartbeat.
    expect((await scheduler.tick()).zombies).toBe(2);
    const zombieAt = clock.now;

    const byTask = async () => new Map((await store.listTaskInstances(run.runId)).map((ti) => [ti.taskId, ti]));
    let instances = await byTask();
    expect(instances.get("steady")?.state).toBe("running");
    expect(instances.get("flaky")).toMatchObject({ state: "retrying", nextRetryAt: new Date(zombieAt.getTime() + 30 * SECOND) });
    expect(instances.get("fragile")?.state).toBe("failed");
    for (const taskId of ["flaky", "fragile"]) {
      const tries = await store.listTries(instances.get(taskId)?.id ?? -1);
      expect(tries).toHaveLength(1);
      expect(tries[0]).toMatchObject({ outcome: "failed", errorKind: "zombie", workerId: "ghost" });
      expect(tries[0]?.error).toMatch(/zombie.*ghost/);
    }
    expect((await store.listDeadLetters({ open: true })).map((d) => d.taskId)).toEqual(["fragile"]);
    // Failing them again is not possible: a second sweep finds nothing, the ghost's late report is ignored.
    expect((await scheduler.tick()).zombies).toBe(0);
    const flakyClaim = ghost.find((c) => c.instance.taskId === "flaky");
    if (!flakyClaim) throw new Error("flaky was not claimed");
    expect((await complete(store, registry, flakyClaim, clock.now)).applied).toBe(false);

    // The retry comes due after its delay; a healthy worker runs it.
    expect(await store.queueDueRetries(new Date(zombieAt.getTime() + 29 * SECOND))).toBe(0);
    clock.set(new Date(zombieAt.getTime() + 30 * SECOND).toISOString());
    expect(await store.queueDueRetries(clock.now)).toBe(1);
    const [retry] = await claim(store, registry, "healthy", clock.now, 1);
    expect(retry).toMatchObject({ tryNumber: 2, instance: { taskId: "flaky" } });
    if (retry) await complete(store, registry, retry, clock.now);
    if (steady) await complete(store, registry, steady, clock.now);
    await workOff(store, registry, "healthy", clock.now);

    instances = await byTask();
    expect(instances.get("flaky")).toMatchObject({ state: "success", tryNumber: 2 });
    expect(instances.get("after_flaky")?.state).toBe("success");
    // fragile had no retry left: the run fails.
    expect((await store.getRun(run.runId))?.state).toBe("failed");
    expect(errors).toEqual([]);
  });
});

describe("with a real worker", () => {
  it("catchup runs execute through the process pool, each with the ds of its own data interval", async () => {
    const clock = new Clock("2024-01-06T00:00:00Z");
    const store = openStore();
    await store.migrate();
    const { registry, errors } = await schedulerOn("execution", store, clock);
    const pool = new TaskProcessPool({ size: 2, killGraceMs: 200 });
    const worker = new Worker({ store, pool, dags: () => registry.all(), concurrency: 2, now: () => clock.now, pollIntervalMs: 50 });
    const scheduler = new Scheduler({ store, registry, now: () => clock.now, reloadMs: 0, onWork: () => worker.wake(), onError: (e) => errors.push(e) });
    worker.start();
    try {
      // Ticks by hand until every run is done, checking maxActiveRuns after each.
      await waitForValue(
        async () => {
          await scheduler.tick();
          expect((await store.listRuns({ dagId: "ds_daily", states: ["running"] })).length).toBeLessThanOrEqual(2);
          return (await runsOf(store, "ds_daily")).map((r) => r.state);
        },
        (states) => states.length === 5 && states.every((s) => s === "success"),
        { timeoutMs: 20_000, what: "the 5 runs to succeed" },
      );
    } finally {
      await worker.stop();
      await pool.close();
    }
    const runs = await runsOf(store, "ds_daily");
    expect(days(runs)).toEqual(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]);
    for (const run of runs) {
      const ds = run.logicalDate.toISOString().slice(0, 10);
      const instances = new Map((await store.listTaskInstances(run.runId)).map((ti) => [ti.taskId, ti]));
      expect(instances.get("report")?.result).toEqual({ ds, start: run.logicalDate.toISOString() });
      expect(instances.get("check")?.result).toBe(`checked ${ds}`);
    }
    expect(errors).toEqual([]);
  });
});

describe("the service in one process", () => {
  it("a try that runs longer than zombieAfterMs on a live worker is not taken for a zombie", async () => {
    mkdirSync(join(dir, "dags"));
    writeFileSync(
      join(dir, "dags", "long.ts"),
      `import { dag } from ${JSON.stringify(join(ROOT, "src/dsl/index.js"))};

// In a task process (the default), not inline: an inline try's DAG file is imported into this
// process, and under load that import held up the heartbeats past the test's 1 s zombieAfterMs.
// Twice zombieAfterMs (2 s, so that a loop held up for a second and a half by the whole suite's
// load does not miss a heartbeat's turn).
export default dag("long", { schedule: null }, (d) => {
  d.task("sleepy", { retries: 1, retryDelay: "10ms" }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    return "awake";
  });
});
`,
    );
    const store = openStore();
    await store.migrate();
    const lines: string[] = [];
    // Only zombieAfterMs is set (as `tributary start --zombie-after N` does): heartbeats must keep up with it.
    const service = new TributaryService({ store, dagsDir: join(dir, "dags"), concurrency: 1, tickMs: 100, zombieAfterMs: 2_000, log: (l) => lines.push(l) });
    await service.start();
    try {
      const entry = registered(service.registry, "long");
      const run = await trigger(store, entry, new Date());
      await waitUntil(async () => (await store.getRun(run.runId))?.state !== "running", {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: () => `the run to finish:\n${lines.join("\n")}`,
      });
      const [instance] = await store.listTaskInstances(run.runId);
      const tries = await store.listTries(instance?.id ?? -1);
      expect(tries.map((t) => [t.outcome, t.errorKind])).toEqual([["success", null]]);
      expect(instance).toMatchObject({ state: "success", tryNumber: 1, result: "awake" });
    } finally {
      await service.stop(5_000);
    }
  });
});

describe("the real `tributary start` process", () => {
  const BIN = join(ROOT, "bin/tributary.js");

  interface Service {
    readonly child: ChildProcess;
    readonly lines: string[];
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    output(): string;
  }

  function startService(tmp: string, extraArgs: readonly string[] = []): Service {
    const child = spawn(
      process.execPath,
      // --port 0: a free port, so nothing else on the machine (an `npm start` on 8080) gets in the way.
      [BIN, "start", "--dags", join(tmp, "dags"), "--db", join(tmp, "t.db"), "--tick-ms", "200", "--workers", "2", "--port", "0", ...extraArgs],
      { cwd: tmp, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.add(child);
    const lines: string[] = [];
    let stderr = "";
    createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    return { child, lines, exited, output: () => `${lines.join("\n")}\n${stderr}` };
  }

  function waitFor(service: Service, what: string, done: () => boolean, timeoutMs: number, refresh?: () => Promise<void>): Promise<void> {
    return waitUntil(
      async () => {
        await refresh?.();
        if (done()) return true;
        if (service.child.exitCode !== null) throw new Error(`tributary start exited while waiting for ${what}:\n${service.output()}`);
        return false;
      },
      { timeoutMs, what: () => `${what}:\n${service.output()}` },
    );
  }

  async function terminate(service: Service): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const sent = Date.now();
    service.child.kill("SIGTERM");
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no exit within 15 s of SIGTERM:\n${service.output()}`)), 15_000).unref(),
    );
    const result = await Promise.race([service.exited, timeout]);
    return { ...result, ms: Date.now() - sent };
  }

  /** Run ids whose last task (b) succeeded, from the service's log lines. */
  const succeeded = (service: Service) =>
    new Set(service.lines.flatMap((line) => /success quick\.b try \d+ \((\S+)\)/.exec(line)?.[1] ?? []));

  it("runs an every-2s DAG, stops on SIGTERM with exit 0, restarts, and leaves a clean history", async () => {
    expect(existsSync(join(ROOT, "dist/cli/main.js")), "run `npm run build` first").toBe(true);
    mkdirSync(join(dir, "dags"));
    writeFileSync(
      join(dir, "dags", "quick.ts"),
      `import { dag } from ${JSON.stringify(join(ROOT, "src/dsl/index.js"))};

// Inline: the subject is the service's life and the history it leaves, not where tasks run, and
// task processes would cost more than the runs.
export default dag("quick", { schedule: { every: "2s" }, catchup: false, defaults: { isolation: "inline" } }, (d) => {
  const a = d.task("a", () => 1);
  d.task("b", { after: [a] }, () => 2);
});
`,
    );

    const first = startService(dir);
    await waitFor(first, "two successful runs", () => succeeded(first).size >= 2, 40_000);
    const firstRuns = succeeded(first);
    const stopped = await terminate(first);
    expect(stopped, first.output()).toMatchObject({ code: 0, signal: null });
    expect(first.lines.at(-1)).toMatch(/tributary stopped$/);

    const restartedAt = Date.now();
    const second = startService(dir);
    // Running again: runs of this lifetime succeed, one after the other.
    await waitFor(second, "two runs of the second lifetime", () => [...succeeded(second)].filter((id) => !firstRuns.has(id)).length >= 2, 40_000);
    const stoppedAgain = await terminate(second);
    expect(stoppedAgain, second.output()).toMatchObject({ code: 0, signal: null });

    const store = openStore();
    const runs = await runsOf(store, "quick");
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expectUniqueLogicalDates(runs);
    // Every run is done but, at most, the very latest (its tasks may not have been claimed yet).
    for (const [i, run] of runs.entries()) {
      if (i === runs.length - 1) expect(["success", "queued", "running"]).toContain(run.state);
      else expect(run.state, `${run.runId} is ${run.state}`).toBe("success");
      expect(run.runType).toBe("scheduled");
      expect(run.runId).toBe(`quick__scheduled__${run.logicalDate.toISOString()}`);
      expect(run.logicalDate.getTime() % 2_000).toBe(0);
      expect(run.dataIntervalEnd.getTime() - run.dataIntervalStart.getTime()).toBe(2_000);
      // Created only once its interval had ended.
      expect(run.createdAt.getTime()).toBeGreaterThanOrEqual(run.dataIntervalEnd.getTime());
    }
    // The runs span both lifetimes.
    expect(runs.some((r) => r.createdAt.getTime() < restartedAt)).toBe(true);
    expect(runs.some((r) => r.createdAt.getTime() >= restartedAt && r.state === "success")).toBe(true);

    const done = runs.filter((r) => r.state === "success");
    for (const run of done) {
      const instances = await store.listTaskInstances(run.runId);
      expect(instances.map((ti) => [ti.taskId, ti.state, ti.tryNumber])).toEqual([["a", "success", 1], ["b", "success", 1]]);
      const history = (await store.listStateHistory(run.runId)).filter((h) => h.taskId === null);
      expect(history.map((h) => [h.fromState, h.toState])).toEqual([[null, "queued"], ["queued", "running"], ["running", "success"]]);
    }
    // No task was left running or failed by the shutdowns.
    expect(await store.listDeadLetters({})).toEqual([]);
  }, 150_000);

  it("killed with SIGKILL in the middle of a try: the restarted process fails it as a zombie and retries it", async () => {
    expect(existsSync(join(ROOT, "dist/cli/main.js")), "run `npm run build` first").toBe(true);
    mkdirSync(join(dir, "dags"));
    const marker = join(dir, "stuck-once");
    writeFileSync(
      join(dir, "dags", "crashy.ts"),
      `import { existsSync, writeFileSync } from "node:fs";
import { dag } from ${JSON.stringify(join(ROOT, "src/dsl/index.js"))};

// The very first try hangs (until its process is killed); every later one is quick. Inline: the
// process killed in the middle of the try is the service itself.
export default dag("crashy", { schedule: { every: "2s" }, catchup: false, maxActiveRuns: 1, defaults: { isolation: "inline" } }, (d) => {
  d.task("stuck_once", { retries: 1, retryDelay: "100ms" }, async () => {
    if (!existsSync(${JSON.stringify(marker)})) {
      writeFileSync(${JSON.stringify(marker)}, "");
      await new Promise((resolve) => setTimeout(resolve, 30_000));
    }
    return "done";
  });
});
`,
    );

    const first = startService(dir, ["--zombie-after", "1"]);
    await waitFor(first, "the first try to hang", () => existsSync(marker), 40_000);
    first.child.kill("SIGKILL");
    expect(await first.exited).toMatchObject({ signal: "SIGKILL" });

    const restartedAt = Date.now();
    const second = startService(dir, ["--zombie-after", "1"]);
    const store = openStore();
    const stuckRun = async () => {
      const [oldest] = await runsOf(store, "crashy");
      const [instance] = oldest ? await store.listTaskInstances(oldest.runId) : [];
      return { run: oldest, instance };
    };
    let retried = false;
    await waitFor(second, "the hung try to be retried", () => retried, 40_000, async () => {
      retried = (await stuckRun()).instance?.state === "success";
    });
    const stopped = await terminate(second);
    expect(stopped, second.output()).toMatchObject({ code: 0, signal: null });

    const { run, instance } = await stuckRun();
    expect(run?.state).toBe("success");
    expect(instance).toMatchObject({ state: "success", tryNumber: 2, result: "done" });
    const tries = await store.listTries(instance?.id ?? -1);
    expect(tries.map((t) => [t.outcome, t.errorKind])).toEqual([["failed", "zombie"], ["success", null]]);
    // Failed by the second process (the first one was heartbeating it until it died), then retried there.
    expect(tries[0]?.endedAt?.getTime()).toBeGreaterThanOrEqual(restartedAt);
    expect(tries[1]?.workerId).not.toBe(tries[0]?.workerId);
    const runs = await runsOf(store, "crashy");
    expectUniqueLogicalDates(runs);
    // Nothing failed; runs created while the first one hung may still be waiting their turn (maxActiveRuns: 1).
    expect(runs.filter((r) => !["success", "queued", "running"].includes(r.state))).toEqual([]);
  }, 150_000);
});
