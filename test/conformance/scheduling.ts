/**
 * The Store conformance suite, scheduling operations: DAG pause flags, the runs a scheduler reads
 * and starts (latestLogicalDate, listRunsBetween, startQueuedRuns), clearing runs to run them
 * again, pools and per-DAG task limits when claiming, and heartbeats and zombies. store.test.ts
 * registers it for every factory in `STORES` (in the same file, so that it runs side by side with
 * the rest of the suite); each test gets an empty, migrated database and asserts what the store
 * recorded.
 */
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/core/errors.js";
import type { DagGraph } from "../../src/core/types.js";
import type { ClaimedTask, DagRunRecord, Store } from "../../src/store/index.js";
import { at, keyOf, RunDriver, runInput } from "./driver.js";
import { graph, wideGraph, type TaskFixture } from "./fixtures.js";
import type { StoreFactory } from "./stores.js";
import { useStore } from "./use-store.js";

/** Midnight UTC of 2024-01-`d`: the logical dates of daily runs. */
const day = (d: number): Date => new Date(Date.UTC(2024, 0, d));
const runIdsOf = (runs: readonly DagRunRecord[]): string[] => runs.map((r) => r.runId);

/** Creates a run of `g` for day `d` (`<dagId>-<d>`), queued unless `start`. */
async function dailyRun(
  store: Store,
  g: DagGraph,
  d: number,
  options: { runType?: "scheduled" | "backfill" | "manual" | "event"; start?: boolean; now?: Date } = {},
): Promise<DagRunRecord> {
  const { run } = await store.createRun(
    runInput(g, {
      runId: `${g.dagId}-${d}`,
      runType: options.runType ?? "scheduled",
      logicalDate: day(d),
      start: options.start ?? false,
      now: options.now ?? at(d),
    }),
  );
  return run;
}

/** Completes claimed tries (success unless told), with the graph of their DAG. */
async function completeAll(
  store: Store,
  graphs: readonly DagGraph[],
  claims: readonly ClaimedTask[],
  now: Date,
  outcome: "success" | "failed" = "success",
): Promise<void> {
  for (const c of claims) {
    const g = graphs.find((x) => x.dagId === c.instance.dagId);
    if (!g) throw new Error(`no graph for ${c.instance.dagId}`);
    const result = await store.completeTry({ taskInstanceId: c.instance.id, tryNumber: c.tryNumber, outcome, graph: g, now });
    expect(result.applied).toBe(true);
  }
}

/** Runs every task of the DAG's running runs to success, claiming and completing until none is queued. */
async function finishRunning(store: Store, g: DagGraph, now: Date): Promise<void> {
  for (;;) {
    const claims = await store.claimNextTasks({ workerId: "finisher", limit: 1_000, dagIds: [g.dagId], now });
    if (claims.length === 0) return;
    await completeAll(store, [g], claims, now);
  }
}

async function runningRunIds(store: Store, dagId: string): Promise<string[]> {
  return runIdsOf(await store.listRuns({ dagId, states: ["running"] })).sort();
}

/** Running task instances of the given runs, counted by a key (pool, DAG, ...). */
async function runningBy(store: Store, runIds: readonly string[], key: (ti: { pool: string | null; dagId: string }) => string) {
  const counts = new Map<string, number>();
  for (const runId of runIds) {
    for (const ti of await store.listTaskInstances(runId)) {
      if (ti.state !== "running") continue;
      counts.set(key(ti), (counts.get(key(ti)) ?? 0) + 1);
    }
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** Claims what is queued of the DAG (all of it in run `runId`) and completes it successfully; returns the keys, sorted. */
async function claimAndSucceed(store: Store, g: DagGraph, runId: string, now: Date): Promise<string[]> {
  const claims = await store.claimNextTasks({ workerId: "w", limit: 100, dagIds: [g.dagId], now });
  for (const c of claims) if (c.run.runId !== runId) throw new Error(`claimed an instance of ${c.run.runId}`);
  await completeAll(store, [g], claims, now);
  return claims.map((c) => keyOf(c.instance)).sort();
}

const ids = (claims: readonly ClaimedTask[]): number[] => claims.map((c) => c.instance.id);

const tasks = (prefix: string, count: number, fixture: Omit<TaskFixture, "id"> = {}): TaskFixture[] =>
  Array.from({ length: count }, (_, i) => ({ ...fixture, id: `${prefix}${String(i).padStart(2, "0")}` }));

/** Registers the scheduling tests for one store, each group's tests one after another. */
export function describeSchedulingConformance(factory: StoreFactory): void {
  const ctx = useStore(factory, { migrate: true });

  describe.sequential("DAGs", () => {
    it("listDags lists every DAG by id; setDagPaused sets the flag, false for an unknown DAG; upsertDag keeps it", async () => {
      const s = ctx.store;
      expect(await s.listDags()).toEqual([]);
      const gb = graph("b", [{ id: "x" }]);
      const ga = graph("a", [{ id: "y" }]);
      await s.upsertDag({ dagId: "b", file: "dags/b.ts", graph: gb, now: at(0) });
      await s.upsertDag({ dagId: "a", file: "dags/a.ts", graph: ga, now: at(1) });
      expect(await s.listDags()).toEqual([
        { dagId: "a", file: "dags/a.ts", isPaused: false, graph: ga, updatedAt: at(1) },
        { dagId: "b", file: "dags/b.ts", isPaused: false, graph: gb, updatedAt: at(0) },
      ]);

      expect(await s.setDagPaused("b", true, at(2))).toBe(true);
      expect(await s.getDag("b")).toMatchObject({ isPaused: true });
      expect(await s.getDag("a")).toMatchObject({ isPaused: false });
      expect(await s.listPausedDagIds()).toEqual(["b"]);

      // Refreshing the DAG's file and structure (every scheduler start does) keeps it paused.
      const gb2 = graph("b", [{ id: "x" }, { id: "z", upstream: ["x"] }]);
      await s.upsertDag({ dagId: "b", file: "dags/b2.ts", graph: gb2, now: at(3) });
      expect(await s.getDag("b")).toEqual({ dagId: "b", file: "dags/b2.ts", isPaused: true, graph: gb2, updatedAt: at(3) });

      expect(await s.setDagPaused("b", true, at(4))).toBe(true);
      expect(await s.setDagPaused("b", false, at(5))).toBe(true);
      await s.upsertDag({ dagId: "b", file: "dags/b2.ts", graph: gb2, now: at(6) });
      expect((await s.listDags()).map((d) => [d.dagId, d.isPaused])).toEqual([
        ["a", false],
        ["b", false],
      ]);
      expect(await s.listPausedDagIds()).toEqual([]);

      expect(await s.setDagPaused("nope", true, at(7))).toBe(false);
      expect(await s.getDag("nope")).toBeUndefined();
      expect((await s.listDags()).map((d) => d.dagId)).toEqual(["a", "b"]);
    });

    it("upsertDags records many DAGs at once, as upsertDag does each: new ones unpaused, known ones keep their paused flag", async () => {
      const s = ctx.store;
      await s.upsertDag({ dagId: "b", file: "dags/b.ts", graph: graph("b", [{ id: "x" }]), now: at(0) });
      await s.setDagPaused("b", true, at(1));
      await s.upsertDags({ dags: [], now: at(2) });
      // More than one statement's worth of rows, so that batching is exercised.
      const many = Array.from({ length: 450 }, (_, n) => ({ dagId: `many_${String(n).padStart(3, "0")}`, file: `dags/many_${n}.ts`, graph: graph(`many_${n}`, [{ id: "t" }]) }));
      const gb2 = graph("b", [{ id: "x" }, { id: "z", upstream: ["x"] }]);
      const ga = graph("a", [{ id: "y" }]);
      await s.upsertDags({ dags: [{ dagId: "b", file: "dags/b2.ts", graph: gb2 }, { dagId: "a", file: "dags/a.ts", graph: ga }, ...many], now: at(3) });
      expect(await s.getDag("b")).toEqual({ dagId: "b", file: "dags/b2.ts", isPaused: true, graph: gb2, updatedAt: at(3) });
      expect(await s.getDag("a")).toEqual({ dagId: "a", file: "dags/a.ts", isPaused: false, graph: ga, updatedAt: at(3) });
      expect(await s.getDag("many_449")).toEqual({ dagId: "many_449", file: "dags/many_449.ts", isPaused: false, graph: graph("many_449", [{ id: "t" }]), updatedAt: at(3) });
      expect(await s.listDags()).toHaveLength(452);
      expect(await s.listPausedDagIds()).toEqual(["b"]);
    });
  });

  describe.sequential("runs a scheduler reads", () => {
    it("latestLogicalDate: the latest scheduled or backfill run of the DAG; manual and event runs do not count", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a" }]);
      expect(await s.latestLogicalDate("d")).toBeUndefined();
      await dailyRun(s, g, 9, { runType: "manual" });
      await dailyRun(s, g, 10, { runType: "event" });
      expect(await s.latestLogicalDate("d")).toBeUndefined();

      await dailyRun(s, g, 3);
      expect(await s.latestLogicalDate("d")).toEqual(day(3));
      await dailyRun(s, g, 5, { runType: "backfill" });
      await dailyRun(s, g, 4, { start: true });
      expect(await s.latestLogicalDate("d")).toEqual(day(5));
      await dailyRun(s, g, 7);
      expect(await s.latestLogicalDate("d")).toEqual(day(7));

      // Other DAGs' runs do not count either.
      await dailyRun(s, graph("other", [{ id: "a" }]), 20);
      expect(await s.latestLogicalDate("d")).toEqual(day(7));
      expect(await s.latestLogicalDate("other")).toEqual(day(20));
      expect(await s.latestLogicalDate("unknown")).toBeUndefined();
      // Many DAGs at once, as a tick asks: only those with scheduled or backfill runs are in the map.
      await dailyRun(s, graph("only_manual", [{ id: "a" }]), 30, { runType: "manual" });
      const latest = await s.latestLogicalDates(["other", "d", "unknown", "only_manual", "d"]);
      expect([...latest].sort(([a], [b]) => a.localeCompare(b))).toEqual([
        ["d", day(7)],
        ["other", day(20)],
      ]);
      expect(await s.latestLogicalDates([])).toEqual(new Map());
    });

    it("listRunsBetween: scheduled and backfill runs with logical dates in [from, to], both ends included, oldest first", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a" }]);
      for (const d of [4, 1, 5, 3]) await dailyRun(s, g, d);
      await dailyRun(s, g, 2, { runType: "backfill", start: true });
      await dailyRun(s, g, 12, { runType: "manual" });
      await dailyRun(s, g, 13, { runType: "event" });
      await s.createRun(runInput(g, { runId: "manual-3", runType: "manual", logicalDate: day(3) }));
      await dailyRun(s, graph("other", [{ id: "a" }]), 3);

      const between = await s.listRunsBetween("d", day(2), day(4));
      expect(runIdsOf(between)).toEqual(["d-2", "d-3", "d-4"]);
      expect(between.map((r) => r.runType)).toEqual(["backfill", "scheduled", "scheduled"]);
      expect(between[0]).toEqual(await s.getRun("d-2"));

      expect(runIdsOf(await s.listRunsBetween("d", day(1), day(5)))).toEqual(["d-1", "d-2", "d-3", "d-4", "d-5"]);
      expect(runIdsOf(await s.listRunsBetween("d", day(3), day(3)))).toEqual(["d-3"]);
      const justInside = await s.listRunsBetween("d", new Date(day(2).getTime() + 1), new Date(day(4).getTime() - 1));
      expect(runIdsOf(justInside)).toEqual(["d-3"]);
      expect(await s.listRunsBetween("d", day(6), day(30))).toEqual([]);
      expect(await s.listRunsBetween("d", day(4), day(2))).toEqual([]);
      expect(runIdsOf(await s.listRunsBetween("other", day(1), day(31)))).toEqual(["other-3"]);
    });
  });

  describe.sequential("listing runs", () => {
    it("listRuns filters by state, run type and logical dates and pages with limit/offset; countRuns counts the same", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a" }]);
      for (const d of [1, 2, 3, 4, 5]) await dailyRun(s, g, d);
      await dailyRun(s, g, 6, { runType: "manual" });
      await dailyRun(s, graph("other", [{ id: "a" }]), 3);
      expect(runIdsOf(await s.listRuns({ dagId: "d", limit: 2 }))).toEqual(["d-6", "d-5"]);
      expect(runIdsOf(await s.listRuns({ dagId: "d", limit: 2, offset: 2 }))).toEqual(["d-4", "d-3"]);
      expect(runIdsOf(await s.listRuns({ dagId: "d", runTypes: ["manual"] }))).toEqual(["d-6"]);
      expect(runIdsOf(await s.listRuns({ dagId: "d", from: day(2), to: day(3) }))).toEqual(["d-3", "d-2"]);
      expect(await s.countRuns({ dagId: "d" })).toBe(6);
      expect(await s.countRuns({ dagId: "d", runTypes: ["scheduled"], from: day(4) })).toBe(2);
      expect(await s.countRuns({})).toBe(7);
    });

    it("listRecentRuns gives each DAG's latest runs, latest first", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a" }]);
      for (const d of [1, 2, 3, 4]) await dailyRun(s, g, d);
      await dailyRun(s, graph("other", [{ id: "a" }]), 3);
      const recent = await s.listRecentRuns(2);
      expect([...recent.keys()].sort()).toEqual(["d", "other"]);
      expect(runIdsOf(recent.get("d") ?? [])).toEqual(["d-4", "d-3"]);
      expect(runIdsOf(recent.get("other") ?? [])).toEqual(["other-3"]);
      expect(recent.get("d")?.[0]).toEqual(await s.getRun("d-4"));
    });
  });

  describe.sequential("startQueuedRuns", () => {
    const g = graph("d", [{ id: "a" }, { id: "b", upstream: ["a"] }]);

    it("starts queued runs oldest logical date first while fewer than maxActiveRuns are running", async () => {
      const s = ctx.store;
      await s.upsertDag({ dagId: "d", file: "d.ts", graph: g, now: at(0) });
      for (const d of [3, 1, 4, 2]) await dailyRun(s, g, d);
      // A running run counts against the limit.
      await dailyRun(s, g, 5, { start: true });
      await s.createRun(runInput(graph("other", [{ id: "a" }]), { runId: "other-1", start: false }));

      const started = await s.startQueuedRuns({ dagId: "d", graph: g, maxActiveRuns: 3, now: at(10) });
      expect(runIdsOf(started)).toEqual(["d-1", "d-2"]);
      for (const run of started) expect(run).toMatchObject({ dagId: "d", state: "running", startedAt: at(10), endedAt: null });
      expect(await runningRunIds(s, "d")).toEqual(["d-1", "d-2", "d-5"]);
      // A started run's root tasks are queued, as by startRun.
      expect((await s.listTaskInstances("d-1")).map((ti) => [ti.taskId, ti.state, ti.queuedAt])).toEqual([
        ["a", "queued", at(10)],
        ["b", "scheduled", null],
      ]);
      expect((await s.listTaskInstances("d-3")).map((ti) => ti.state)).toEqual(["scheduled", "scheduled"]);
      expect(await s.getRun("d-3")).toMatchObject({ state: "queued", startedAt: null });

      // No free slot: nothing starts, whatever the limit below the running count.
      for (const maxActiveRuns of [3, 2, 0]) {
        expect(await s.startQueuedRuns({ dagId: "d", graph: g, maxActiveRuns, now: at(11) })).toEqual([]);
      }
      expect(await s.getRun("d-3")).toMatchObject({ state: "queued" });

      // Runs that finish free their slots.
      await finishRunning(s, g, at(12));
      expect(await runningRunIds(s, "d")).toEqual([]);
      expect(runIdsOf(await s.startQueuedRuns({ dagId: "d", graph: g, maxActiveRuns: 1, now: at(13) }))).toEqual(["d-3"]);
      expect(runIdsOf(await s.startQueuedRuns({ dagId: "d", graph: g, maxActiveRuns: 1, now: at(14) }))).toEqual([]);
      expect(runIdsOf(await s.startQueuedRuns({ dagId: "d", graph: g, maxActiveRuns: 5, now: at(15) }))).toEqual(["d-4"]);
      expect(await s.startQueuedRuns({ dagId: "d", graph: g, maxActiveRuns: 5, now: at(16) })).toEqual([]);
      // Only the DAG's own runs.
      expect(await s.getRun("other-1")).toMatchObject({ state: "queued" });
    });

    it("starts every queued run when maxActiveRuns is undefined", async () => {
      const s = ctx.store;
      for (const d of [5, 2, 4, 1, 3]) await dailyRun(s, g, d);
      await dailyRun(s, g, 6, { start: true });
      const other = graph("other", [{ id: "a" }]);
      await dailyRun(s, other, 1);

      const started = await s.startQueuedRuns({ dagId: "d", graph: g, maxActiveRuns: undefined, now: at(10) });
      expect(runIdsOf(started)).toEqual(["d-1", "d-2", "d-3", "d-4", "d-5"]);
      expect(await runningRunIds(s, "d")).toEqual(["d-1", "d-2", "d-3", "d-4", "d-5", "d-6"]);
      expect(await s.startQueuedRuns({ dagId: "d", graph: g, maxActiveRuns: undefined, now: at(11) })).toEqual([]);
      expect(await s.getRun("other-1")).toMatchObject({ state: "queued" });
      expect(await s.startQueuedRuns({ dagId: "unknown", graph: g, maxActiveRuns: undefined, now: at(11) })).toEqual([]);
    });

    it("startQueuedRunsOfDags starts each DAG's queued runs within its own maxActiveRuns, in one transaction, results in the order asked", async () => {
      const s = ctx.store;
      const other = graph("other", [{ id: "a" }]);
      const third = graph("third", [{ id: "a" }]);
      for (const d of [2, 1, 3]) await dailyRun(s, g, d);
      await dailyRun(s, other, 1);
      await dailyRun(s, other, 2, { start: true });
      await dailyRun(s, other, 3);
      const started = await s.startQueuedRunsOfDags([
        { dagId: "other", graph: other, maxActiveRuns: 2, now: at(10) },
        { dagId: "d", graph: g, maxActiveRuns: undefined, now: at(10) },
        { dagId: "third", graph: third, maxActiveRuns: undefined, now: at(10) },
      ]);
      expect(started.map(runIdsOf)).toEqual([["other-1"], ["d-1", "d-2", "d-3"], []]);
      expect(await runningRunIds(s, "other")).toEqual(["other-1", "other-2"]);
      expect(await s.getRun("other-3")).toMatchObject({ state: "queued" });
      expect((await s.listTaskInstances("d-2")).map((ti) => [ti.taskId, ti.state])).toEqual([
        ["a", "queued"],
        ["b", "scheduled"],
      ]);
      expect(await s.startQueuedRunsOfDags([])).toEqual([]);
    });

    /** Races one startQueuedRuns call per store, twice: each time exactly `limit` runs start, the oldest. */
    async function raceStarts(stores: readonly Store[], limit: number): Promise<void> {
      const s = ctx.store;
      const one = graph("d", [{ id: "a" }]);
      // The scheduler records a DAG before it schedules it.
      await s.upsertDag({ dagId: "d", file: "d.ts", graph: one, now: at(0) });
      for (let d = 1; d <= 2 * limit + 1; d++) await dailyRun(s, one, d);
      const startedEver: string[] = [];
      for (let round = 0; round < 2; round++) {
        const now = at(100 + round * 10);
        const results = await Promise.all(stores.map((x) => x.startQueuedRuns({ dagId: "d", graph: one, maxActiveRuns: limit, now })));
        const started = results.flatMap(runIdsOf);
        // Each run was started by one caller, the oldest first, and never more than the limit.
        expect(started.sort()).toEqual(Array.from({ length: limit }, (_, i) => `d-${round * limit + i + 1}`));
        expect(await runningRunIds(s, "d")).toEqual([...started].sort());
        startedEver.push(...started);
        await finishRunning(s, one, new Date(now.getTime() + 1_000));
      }
      expect(new Set(startedEver).size).toBe(2 * limit);
      expect(await s.getRun(`d-${2 * limit + 1}`)).toMatchObject({ state: "queued" });
      for (const runId of startedEver) {
        const history = (await s.listStateHistory(runId)).filter((h) => h.taskId === null).map((h) => h.toState);
        expect(history).toEqual(["queued", "running", "success"]);
      }
    }

    it("concurrent calls on one store never start more than maxActiveRuns", async () => {
      await raceStarts([ctx.store, ctx.store, ctx.store], 3);
    });

    it("concurrent calls from two store objects on one database never start more than maxActiveRuns", async () => {
      const other = ctx.openAnother();
      await raceStarts([ctx.store, other, ctx.store, other], 2);
    });
  });

  describe.sequential("clearRun", () => {
    it("clears every task instance: all scheduled again, the run queued; it then runs again from its roots", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a" }, { id: "b", upstream: ["a"] }, { id: "c", upstream: ["b"] }]);
      const run = await RunDriver.start(s, g, { runId: "r1", now: at(0) });
      await run.claim(at(1));
      await run.succeed("a", "A", at(2));
      await run.claim(at(3));
      expect(await run.fail("b", at(4))).toMatchObject({ runState: "failed" });
      const historyBefore = await s.listStateHistory("r1");
      const triesOfA = await s.listTries(run.claimOf("a").instance.id);

      const cleared = await s.clearRun({ runId: "r1", graph: g, onlyFailed: false, now: at(10) });
      expect(cleared).toMatchObject({ runId: "r1", state: "queued", endedAt: null });
      expect(await s.getRun("r1")).toEqual(cleared);
      const instances = await s.listTaskInstances("r1");
      expect(instances.map((ti) => [ti.taskId, ti.state, ti.tryNumber])).toEqual([
        ["a", "scheduled", 1],
        ["b", "scheduled", 1],
        ["c", "scheduled", 0],
      ]);
      for (const ti of instances) {
        expect(ti).toMatchObject({ queuedAt: null, startedAt: null, endedAt: null, workerId: null, result: null, error: null, nextRetryAt: null });
      }
      expect((await s.getTaskResults("r1", ["a"])).get("a")).toBeNull();

      // History and tries are kept; the clear is recorded.
      const history = await s.listStateHistory("r1");
      expect(history.slice(0, historyBefore.length)).toEqual(historyBefore);
      expect(history.slice(historyBefore.length).map((h) => [h.taskId, h.fromState, h.toState, h.reason, h.at])).toEqual([
        ["a", "success", "scheduled", "cleared", at(10)],
        ["b", "failed", "scheduled", "cleared", at(10)],
        ["c", "upstream_failed", "scheduled", "cleared", at(10)],
        [null, "failed", "queued", "cleared", at(10)],
      ]);
      expect(await s.listTries(run.claimOf("a").instance.id)).toEqual(triesOfA);

      // Started again, it queues its roots and runs to the end; tries continue their numbering.
      expect(await s.startRun("r1", g, at(11))).toMatchObject({ state: "running", startedAt: at(11), endedAt: null });
      expect(await run.states()).toEqual({ a: "queued", b: "scheduled", c: "scheduled" });
      expect(await run.claim(at(12))).toEqual(["a"]);
      expect(run.claimOf("a").tryNumber).toBe(2);
      await run.succeed("a", "A2", at(13));
      expect(await run.claim(at(14))).toEqual(["b"]);
      expect(run.claimOf("b").tryNumber).toBe(2);
      await run.succeed("b", "B", at(15));
      expect(await run.claim(at(16))).toEqual(["c"]);
      expect(run.claimOf("c").tryNumber).toBe(1);
      expect(await run.succeed("c", "C", at(17))).toMatchObject({ runState: "success" });
      expect(await s.getRun("r1")).toMatchObject({ state: "success", endedAt: at(17) });
      const tries = await s.listTries(run.claimOf("b").instance.id);
      expect(tries.map((t) => [t.tryNumber, t.outcome])).toEqual([
        [1, "failed"],
        [2, "success"],
      ]);
      expect((await s.getTaskResults("r1", ["a"])).get("a")).toBe("A2");
      expect(
        (await s.listStateHistory("r1")).filter((h) => h.taskId === null).map((h) => h.toState),
      ).toEqual(["queued", "running", "failed", "queued", "running", "success"]);
    });

    it("onlyFailed keeps successful instances and re-runs the failed ones, queued as soon as the run starts", async () => {
      const s = ctx.store;
      const g = graph("d", [
        { id: "a" },
        { id: "b", upstream: ["a"] },
        { id: "c", upstream: ["b"] },
        { id: "d", upstream: ["c"] },
        { id: "side", upstream: ["a"] },
        { id: "cleanup", upstream: ["b"], triggerRule: "all_done" },
      ]);
      const run = await RunDriver.start(s, g, { runId: "r1", now: at(0) });
      await run.claim(at(1));
      await run.succeed("a", "A", at(2));
      expect(await run.claim(at(3))).toEqual(["b", "side"]);
      await run.succeed("side", "S", at(4));
      await run.fail("b", at(5));
      expect(await run.claim(at(6))).toEqual(["cleanup"]);
      expect(await run.succeed("cleanup", null, at(7))).toMatchObject({ runState: "failed" });
      const before = await run.instances();
      const historyLength = (await s.listStateHistory("r1")).length;

      expect(await s.clearRun({ runId: "r1", graph: g, onlyFailed: true, now: at(10) })).toMatchObject({
        state: "queued",
        endedAt: null,
      });
      expect(await run.states()).toEqual({
        a: "success",
        b: "scheduled",
        c: "scheduled",
        d: "scheduled",
        side: "success",
        cleanup: "success",
      });
      // Successful instances are untouched: same state, try, result and times.
      for (const key of ["a", "side", "cleanup"]) expect(await run.instance(key)).toEqual(before.get(key));
      const changes = (await s.listStateHistory("r1")).slice(historyLength);
      expect(changes.map((h) => [h.taskId, h.fromState, h.toState, h.reason])).toEqual([
        ["b", "failed", "scheduled", "cleared"],
        ["c", "upstream_failed", "scheduled", "cleared"],
        ["d", "upstream_failed", "scheduled", "cleared"],
        [null, "failed", "queued", "failed tasks cleared"],
      ]);

      // b's upstream already succeeded: it is queued when the run starts, not when a (which
      // will not run again) completes. Its downstream wait for it, then run.
      await s.startRun("r1", g, at(11));
      expect(await run.states()).toMatchObject({ a: "success", b: "queued", c: "scheduled", d: "scheduled" });
      expect(await run.claim(at(12))).toEqual(["b"]);
      expect(run.claimOf("b").tryNumber).toBe(2);
      expect(await run.succeed("b", "B", at(13))).toMatchObject({ queued: 1, runState: "running" });
      expect(await run.claim(at(14))).toEqual(["c"]);
      await run.succeed("c", null, at(15));
      expect(await run.claim(at(16))).toEqual(["d"]);
      expect(await run.succeed("d", null, at(17))).toMatchObject({ runState: "success" });
      expect((await s.listTries(run.claimOf("b").instance.id)).map((t) => [t.tryNumber, t.outcome])).toEqual([
        [1, "failed"],
        [2, "success"],
      ]);
      expect((await s.listTries(run.claimOf("a").instance.id)).map((t) => [t.tryNumber, t.outcome])).toEqual([[1, "success"]]);
      expect(await run.instance("a")).toEqual(before.get("a"));
    });

    it("onlyFailed on a run without failures changes nothing", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a" }]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await run.claim();
      await run.succeed("a", 1, at(2));
      const before = { run: await s.getRun("r1"), instances: await s.listTaskInstances("r1"), history: await s.listStateHistory("r1") };
      expect(await s.clearRun({ runId: "r1", graph: g, onlyFailed: true, now: at(10) })).toEqual(before.run);
      expect(await s.listTaskInstances("r1")).toEqual(before.instances);
      expect(await s.listStateHistory("r1")).toEqual(before.history);
    });

    it("onlyFailed keeps the tasks a branch did not choose skipped", async () => {
      const s = ctx.store;
      const g = graph("d", [
        { id: "pick", kind: "branch" },
        { id: "b", upstream: ["pick"] },
        { id: "c", upstream: ["pick"] },
        { id: "after_c", upstream: ["c"] },
        { id: "join", upstream: ["b", "c"], triggerRule: "none_failed_min_one_success" },
      ]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await run.claim(at(1));
      await run.succeed("pick", ["b"], at(2));
      await run.claim(at(3));
      expect(await run.fail("b", at(4))).toMatchObject({ runState: "failed" });
      expect(await run.states()).toEqual({ pick: "success", b: "failed", c: "skipped", after_c: "skipped", join: "upstream_failed" });

      await s.clearRun({ runId: "r1", graph: g, onlyFailed: true, now: at(10) });
      expect(await run.states()).toEqual({ pick: "success", b: "scheduled", c: "skipped", after_c: "skipped", join: "scheduled" });
      await s.startRun("r1", g, at(11));
      expect(await run.claim(at(12))).toEqual(["b"]);
      await run.succeed("b", null, at(13));
      expect(await run.claim(at(14))).toEqual(["join"]);
      expect(await run.succeed("join", null, at(15))).toMatchObject({ runState: "success" });
      expect(await run.states()).toEqual({ pick: "success", b: "success", c: "skipped", after_c: "skipped", join: "success" });
    });

    describe("mapped tasks", () => {
      const mapGraph = graph("d", [{ id: "src" }, { id: "m", mapOver: "src" }, { id: "sum", upstream: ["m"] }]);

      it("a cleared mapped task collapses to one placeholder and expands afresh", async () => {
        const s = ctx.store;
        const run = await RunDriver.start(s, mapGraph, { runId: "r1" });
        await run.claim(at(1));
        await run.succeed("src", [1, 2, 3], at(2));
        expect(await run.claim(at(3))).toEqual(["m[0]", "m[1]", "m[2]"]);
        const m0 = run.claimOf("m[0]").instance.id;
        for (const key of ["m[0]", "m[1]", "m[2]"]) await run.succeed(key, key, at(4));
        await run.claim(at(5));
        expect(await run.succeed("sum", null, at(6))).toMatchObject({ runState: "success" });

        await s.clearRun({ runId: "r1", graph: mapGraph, onlyFailed: false, now: at(10) });
        const instances = await s.listTaskInstances("r1");
        expect(instances.map((ti) => [keyOf(ti), ti.state])).toEqual([
          ["src", "scheduled"],
          ["m", "scheduled"],
          ["sum", "scheduled"],
        ]);
        expect(instances.find((ti) => ti.taskId === "m")).toMatchObject({ mapIndex: null, result: null });

        await s.startRun("r1", mapGraph, at(11));
        await run.claim(at(12));
        expect(await run.succeed("src", ["x", "y"], at(13))).toMatchObject({ queued: 2 });
        expect(await run.states()).toEqual({ src: "success", "m[0]": "queued", "m[1]": "queued", sum: "scheduled" });
        expect(await run.claim(at(14))).toEqual(["m[0]", "m[1]"]);
        // The placeholder is the old m[0]: its tries go on from where they were.
        expect(run.claimOf("m[0]").instance.id).toBe(m0);
        expect(run.claimOf("m[0]").tryNumber).toBe(2);
        expect(run.claimOf("m[1]").tryNumber).toBe(1);
        await run.succeed("m[1]", "Y", at(15));
        await run.succeed("m[0]", "X", at(15));
        expect((await s.getTaskResults("r1", ["m"])).get("m")).toEqual(["X", "Y"]);
        await run.claim(at(16));
        expect(await run.succeed("sum", null, at(17))).toMatchObject({ runState: "success" });
        expect((await s.listTries(m0)).map((t) => [t.tryNumber, t.outcome])).toEqual([
          [1, "success"],
          [2, "success"],
        ]);
      });

      it("onlyFailed re-runs only the failed map indexes of a mapped task and keeps the others' results", async () => {
        const s = ctx.store;
        const run = await RunDriver.start(s, mapGraph, { runId: "r1" });
        await run.claim(at(1));
        await run.succeed("src", [1, 2, 3], at(2));
        await run.claim(at(3));
        await run.succeed("m[0]", "A", at(4));
        await run.fail("m[1]", at(4));
        expect(await run.succeed("m[2]", "C", at(5))).toMatchObject({ runState: "failed" });
        const before = await run.instances();

        await s.clearRun({ runId: "r1", graph: mapGraph, onlyFailed: true, now: at(10) });
        expect(await run.states()).toEqual({ src: "success", "m[0]": "success", "m[1]": "scheduled", "m[2]": "success", sum: "scheduled" });
        for (const key of ["src", "m[0]", "m[2]"]) expect(await run.instance(key)).toEqual(before.get(key));

        await s.startRun("r1", mapGraph, at(11));
        expect(await run.states()).toMatchObject({ "m[1]": "queued", sum: "scheduled" });
        expect(await run.claim(at(12))).toEqual(["m[1]"]);
        expect(run.claimOf("m[1]").tryNumber).toBe(2);
        expect(await run.succeed("m[1]", "B", at(13))).toMatchObject({ queued: 1 });
        expect((await s.getTaskResults("r1", ["m"])).get("m")).toEqual(["A", "B", "C"]);
        await run.claim(at(14));
        expect(await run.succeed("sum", null, at(15))).toMatchObject({ runState: "success" });
      });

      it("getTaskResultsOfRuns reads several runs' results at once, each run's as getTaskResults gives them", async () => {
        const s = ctx.store;
        // (One run at a time: a driver claims whatever of the DAG is queued.)
        const one = await RunDriver.start(s, mapGraph, { runId: "r1" });
        await one.claim(at(1));
        await one.succeed("src", [1, 2], at(2));
        await one.claim(at(3));
        await one.succeed("m[1]", { b: 2 }, at(4));
        await one.succeed("m[0]", { a: 1 }, at(4));
        await one.claim(at(5));
        const two = await RunDriver.start(s, mapGraph, { runId: "r2", logicalDate: at(1) });
        await two.claim(at(1));
        await two.succeed("src", ["only"], at(2));
        const results = await s.getTaskResultsOfRuns([
          { runId: "r1", taskIds: ["src", "m", "nope"] },
          { runId: "r2", taskIds: ["src"] },
          { runId: "r1", taskIds: ["sum"] },
          { runId: "missing", taskIds: ["src"] },
          { runId: "r2", taskIds: [] },
        ]);
        expect([...results.keys()].sort()).toEqual(["missing", "r1", "r2"]);
        expect(Object.fromEntries(results.get("r1") ?? [])).toEqual({ src: [1, 2], m: [{ a: 1 }, { b: 2 }], sum: null });
        // r2's m is not asked for (r1's is): it is left out.
        expect(Object.fromEntries(results.get("r2") ?? [])).toEqual({ src: ["only"] });
        expect(results.get("missing")?.size).toBe(0);
        expect(results.get("r1")).toEqual(await s.getTaskResults("r1", ["src", "m", "nope", "sum"]));
        expect(results.get("r2")).toEqual(await s.getTaskResults("r2", ["src"]));
        expect((await s.getTaskResultsOfRuns([])).size).toBe(0);
      });

      it("completeTries records several outcomes in one transaction, in input order, and claims what they queued", async () => {
        const s = ctx.store;
        const g = graph("d", [{ id: "a" }, { id: "b" }, { id: "c", upstream: ["a", "b"] }]);
        const run = await RunDriver.start(s, g, { runId: "r1" });
        expect(await run.claim(at(1))).toEqual(["a", "b"]);
        const input = (key: string, outcome: "success" | "failed") => ({
          taskInstanceId: run.claimOf(key).instance.id,
          tryNumber: run.claimOf(key).tryNumber,
          outcome,
          result: outcome === "success" ? key.toUpperCase() : undefined,
          error: outcome === "failed" ? "no" : undefined,
          graph: g,
          now: at(2),
        });
        const { results, claimed } = await s.completeTries([input("b", "success"), input("a", "success")], {
          workerId: "worker-2",
          limit: 5,
          dagIds: ["d"],
          now: at(3),
        });
        expect(results.map((r) => [r.state, r.applied])).toEqual([
          ["success", true],
          ["success", true],
        ]);
        // c was queued by the second outcome and claimed in the same transaction.
        expect(claimed.map((c) => [c.instance.taskId, c.instance.workerId, c.tryNumber, c.run.runId])).toEqual([["c", "worker-2", 1, "r1"]]);
        expect((await s.getTaskResults("r1", ["a", "b"])).get("b")).toBe("B");
        // A stale outcome in a batch is not applied, and does not stop the others.
        const again = await s.completeTries([input("a", "failed")]);
        expect(again).toMatchObject({ results: [{ applied: false, state: "success" }], claimed: [] });
      });

      it("getMappedItems gives elements of a list result, or mapped instances' results, as getTaskResults would", async () => {
        const s = ctx.store;
        const run = await RunDriver.start(s, mapGraph, { runId: "r1" });
        expect(await s.getMappedItems("r1", "src", [0])).toEqual(new Map());
        await run.claim(at(1));
        const list = [{ z: 1, a: [2, "x"] }, "two", null, 4.5, [true]];
        await run.succeed("src", list, at(2));
        const items = await s.getMappedItems("r1", "src", [4, 0, 1, 2, 3, list.length]);
        for (let i = 0; i < list.length; i++) {
          expect(items.has(i)).toBe(true);
          expect(items.get(i)).toEqual(list[i]);
          // Key order as stored, as JSON.parse of the whole list gives it.
          expect(JSON.stringify(items.get(i))).toBe(JSON.stringify(list[i]));
        }
        // Past the end: absent.
        expect(items.has(list.length)).toBe(false);
        expect(await s.getMappedItems("r1", "src", [])).toEqual(new Map());
        await run.claim(at(3));
        for (let i = 0; i < list.length; i++) await run.succeed(`m[${i}]`, `r${i}`, at(4));
        expect(await s.getMappedItems("r1", "m", [3, 9, 0])).toEqual(new Map([[3, "r3"], [0, "r0"]]));
      });

      it("getMappedItems reads the list as it is now: an element changed by its reader, or a list run again, is not given out stale", async () => {
        const s = ctx.store;
        const run = await RunDriver.start(s, mapGraph, { runId: "r1" });
        await run.claim(at(1));
        await run.succeed("src", [{ n: 1 }, { n: 2 }, { n: 3 }], at(2));
        const first = await s.getMappedItems("r1", "src", [0, 2]);
        expect(first).toEqual(new Map([[0, { n: 1 }], [2, { n: 3 }]]));
        // An inline task may change its item: a retry of it (the same index) must get the stored one.
        (first.get(0) as { n: number }).n = 99;
        expect(await s.getMappedItems("r1", "src", [0, 1])).toEqual(new Map([[0, { n: 1 }], [1, { n: 2 }]]));

        // The run finished, cleared and run again, all within the same millisecond, with a list of the same length.
        expect(await run.claim(at(2))).toEqual(["m[0]", "m[1]", "m[2]"]);
        for (const key of ["m[0]", "m[1]", "m[2]"]) await run.succeed(key, null, at(2));
        await run.claim(at(2));
        expect(await run.succeed("sum", null, at(2))).toMatchObject({ runState: "success" });
        await s.clearRun({ runId: "r1", graph: mapGraph, onlyFailed: false, now: at(2) });
        await s.startRun("r1", mapGraph, at(2));
        expect(await run.claim(at(2))).toEqual(["src"]);
        await run.succeed("src", [{ n: 7 }, { n: 8 }, { n: 9 }], at(2));
        expect(await s.getMappedItems("r1", "src", [0, 2])).toEqual(new Map([[0, { n: 7 }], [2, { n: 9 }]]));
      });
    });

    it("follows the DAG's current structure: a new task gets an instance, a removed one is left as it was", async () => {
      const s = ctx.store;
      const before = graph("d", [{ id: "a" }, { id: "old", upstream: ["a"] }]);
      const run = await RunDriver.start(s, before, { runId: "r1" });
      await run.claim(at(1));
      await run.succeed("a", null, at(2));
      await run.claim(at(3));
      expect(await run.fail("old", at(4))).toMatchObject({ runState: "failed" });

      const after = graph("d", [{ id: "a" }, { id: "new", upstream: ["a"] }, { id: "last", upstream: ["new"] }]);
      expect(await s.clearRun({ runId: "r1", graph: after, onlyFailed: false, now: at(10) })).toMatchObject({ state: "queued" });
      expect(await run.states()).toEqual({ a: "scheduled", old: "failed", new: "scheduled", last: "scheduled" });
      const added = await run.instance("new");
      expect(added).toMatchObject({ tryNumber: 0, mapIndex: null, dagId: "d" });
      const history = await s.listStateHistory("r1");
      expect(history.filter((h) => h.taskId === "new").map((h) => [h.fromState, h.toState, h.at])).toEqual([[null, "scheduled", at(10)]]);

      await s.startRun("r1", after, at(11));
      expect(await claimAndSucceed(s, after, "r1", at(12))).toEqual(["a"]);
      expect(await claimAndSucceed(s, after, "r1", at(13))).toEqual(["new"]);
      expect(await claimAndSucceed(s, after, "r1", at(14))).toEqual(["last"]);
      // The removed task's old failure does not fail the run: it is no longer part of the DAG.
      expect(await s.getRun("r1")).toMatchObject({ state: "success", endedAt: at(14) });
    });

    it("a cleared task gets its retries again", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a", retries: 1, retryDelayMs: 1_000 }]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await run.claim(at(1));
      expect(await run.fail("a", at(2))).toMatchObject({ state: "retrying", nextRetryAt: at(3) });
      await s.queueDueRetries(at(3));
      await run.claim(at(4));
      expect(await run.fail("a", at(5))).toMatchObject({ state: "failed", runState: "failed" });

      await s.clearRun({ runId: "r1", graph: g, onlyFailed: true, now: at(10) });
      expect(await run.instance("a")).toMatchObject({ state: "scheduled", tryNumber: 2, maxTries: 4 });
      await s.startRun("r1", g, at(11));
      await run.claim(at(12));
      expect(run.claimOf("a").tryNumber).toBe(3);
      // Try 3 is the first of this run: one retry left, after the first retry delay.
      expect(await run.fail("a", at(13))).toMatchObject({ state: "retrying", nextRetryAt: at(14) });
      await s.queueDueRetries(at(14));
      await run.claim(at(15));
      expect(await run.fail("a", at(16))).toMatchObject({ state: "failed", runState: "failed" });
      expect((await s.listTries(run.claimOf("a").instance.id)).map((t) => t.tryNumber)).toEqual([1, 2, 3, 4]);
    });

    it("a run that is not finished is not cleared; an unknown run is an error", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a" }, { id: "b" }]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await run.claim(at(1));
      await run.fail("a", at(2));
      const before = { run: await s.getRun("r1"), instances: await s.listTaskInstances("r1"), history: await s.listStateHistory("r1") };
      for (const onlyFailed of [false, true]) {
        expect(await s.clearRun({ runId: "r1", graph: g, onlyFailed, now: at(3) })).toEqual(before.run);
      }
      expect(await s.listTaskInstances("r1")).toEqual(before.instances);
      expect(await s.listStateHistory("r1")).toEqual(before.history);
      // The run still finishes normally.
      expect(await run.succeed("b", null, at(4))).toMatchObject({ runState: "failed" });

      await expect(s.clearRun({ runId: "missing", graph: g, onlyFailed: false, now: at(5) })).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe.sequential("pools", () => {
    it("setPool creates or replaces a pool; listPools lists them by name; deletePool removes one", async () => {
      const s = ctx.store;
      expect(await s.listPools()).toEqual([]);
      await s.setPool({ name: "db", slots: 2, description: "the warehouse", now: at(0) });
      await s.setPool({ name: "api", slots: 5, now: at(0) });
      expect(await s.listPools()).toEqual([
        { name: "api", slots: 5, description: null },
        { name: "db", slots: 2, description: "the warehouse" },
      ]);
      await s.setPool({ name: "db", slots: 3, description: "bigger", now: at(1) });
      await s.setPool({ name: "api", slots: 0, now: at(1) });
      expect(await s.listPools()).toEqual([
        { name: "api", slots: 0, description: null },
        { name: "db", slots: 3, description: "bigger" },
      ]);
      expect(await s.deletePool("api")).toBe(true);
      expect(await s.deletePool("api")).toBe(false);
      expect(await s.deletePool("nope")).toBe(false);
      expect(await s.listPools()).toEqual([{ name: "db", slots: 3, description: "bigger" }]);
    });

    it("claims never take more running instances of a pool than its slots, across DAGs; a pool that is not configured is unlimited", async () => {
      const s = ctx.store;
      await s.setPool({ name: "db", slots: 3, now: at(0) });
      await s.setPool({ name: "none", slots: 0, now: at(0) });
      const d = graph("d", [...tasks("db", 4, { pool: "db" }), ...tasks("free", 3, { pool: "unknown" }), ...tasks("plain", 2)]);
      const e = graph("e", [...tasks("db", 3, { pool: "db" }), ...tasks("zero", 2, { pool: "none" })]);
      await s.createRun(runInput(d, { runId: "rd" }));
      await s.createRun(runInput(e, { runId: "re" }));
      const runs = ["rd", "re"];
      const request = { workerId: "w", limit: 100, dagIds: ["d", "e"], now: at(1) };

      const first = await s.claimNextTasks(request);
      expect(first).toHaveLength(3 + 3 + 2);
      expect(await runningBy(s, runs, (ti) => ti.pool ?? "-")).toEqual({ "-": 2, db: 3, unknown: 3 });
      expect(await s.claimNextTasks(request)).toEqual([]);

      // A finished instance frees its slot for exactly one more.
      const dbClaim = first.find((c) => c.instance.pool === "db");
      if (!dbClaim) throw new Error("no db claim");
      await completeAll(s, [d, e], [dbClaim], at(2));
      const next = await s.claimNextTasks(request);
      expect(next.map((c) => c.instance.pool)).toEqual(["db"]);
      expect(await s.claimNextTasks(request)).toEqual([]);

      // More slots, more claims; a deleted pool no longer limits anything.
      await s.setPool({ name: "db", slots: 4, now: at(3) });
      expect((await s.claimNextTasks(request)).map((c) => c.instance.pool)).toEqual(["db"]);
      expect(await s.claimNextTasks(request)).toEqual([]);
      await s.deletePool("db");
      expect((await s.claimNextTasks(request)).map((c) => c.instance.pool)).toEqual(["db", "db"]);
      expect(await runningBy(s, runs, (ti) => ti.pool ?? "-")).toEqual({ "-": 2, db: 6, unknown: 3 });
      // A pool with no slots runs nothing.
      expect((await s.listTaskInstances("re")).filter((ti) => ti.pool === "none").map((ti) => ti.state)).toEqual(["queued", "queued"]);
    });

    it("instances of a full pool do not hold up claimable instances behind them in priority order", async () => {
      const s = ctx.store;
      await s.setPool({ name: "db", slots: 1, now: at(0) });
      // Many more queued instances of the pool than a claim reads at a time.
      const g = graph("d", [...tasks("db", 30, { pool: "db", priority: 10 }), ...tasks("low", 4, { priority: 1 })]);
      const { run } = await s.createRun(runInput(g));
      const request = { workerId: "w", limit: 3, dagIds: ["d"], now: at(1) };

      // The pool has one free slot: one of its instances, then the next ones by priority.
      const first = await s.claimNextTasks(request);
      expect(first.map((c) => c.instance.taskId)).toEqual(["db00", "low00", "low01"]);
      // Now the pool is full.
      const second = await s.claimNextTasks(request);
      expect(second.map((c) => c.instance.taskId)).toEqual(["low02", "low03"]);
      expect(await s.claimNextTasks(request)).toEqual([]);
      expect((await s.listTaskInstances(run.runId)).filter((ti) => ti.state === "running")).toHaveLength(5);
    });

    it("a claim riding along with outcomes counts a configured pool's slots too", async () => {
      // Such a claim reads its candidates before it counts pools (sql/tries/claim.ts): the
      // candidates here are all in a pool with one slot, so it must count and read again.
      const s = ctx.store;
      await s.setPool({ name: "db", slots: 1, now: at(0) });
      const g = graph("d", [{ id: "first", priority: 10 }, ...tasks("db", 3, { pool: "db", priority: 1 })]);
      const { run } = await s.createRun(runInput(g));
      const request = (limit: number, now: Date) => ({ workerId: "w", limit, dagIds: ["d"], now });
      const [first] = await s.claimNextTasks(request(1, at(1)));
      expect(first?.instance.taskId).toBe("first");
      if (!first) return;
      const { claimed } = await s.completeTries(
        [{ taskInstanceId: first.instance.id, tryNumber: first.tryNumber, outcome: "success", result: null, graph: g, now: at(2) }],
        request(3, at(2)),
      );
      expect(claimed.map((c) => c.instance.pool)).toEqual(["db"]);
      expect((await s.listTaskInstances(run.runId)).filter((ti) => ti.pool === "db").map((ti) => ti.state).sort()).toEqual(["queued", "queued", "running"]);
    });

    it("concurrent claims on one store and from two store objects never exceed a pool's slots", async () => {
      const s = ctx.store;
      await s.setPool({ name: "db", slots: 3, now: at(0) });
      const g = graph("d", [...tasks("db", 12, { pool: "db" })]);
      const { run } = await s.createRun(runInput(g));
      const other = ctx.openAnother();
      const stores = [s, s, other, other];
      let done = 0;
      for (let round = 0; done < 12; round++) {
        expect(round).toBeLessThan(30);
        const results = await Promise.all(
          stores.map((x, i) => x.claimNextTasks({ workerId: `w${i}`, limit: 2, dagIds: ["d"], now: at(round) })),
        );
        const claims = results.flat();
        expect(new Set(ids(claims)).size).toBe(claims.length);
        const running = (await s.listTaskInstances(run.runId)).filter((ti) => ti.state === "running");
        expect(running.length).toBeLessThanOrEqual(3);
        // The pool is filled whenever enough is queued.
        expect(running.length).toBe(Math.min(3, 12 - done));
        await completeAll(s, [g], claims, at(round));
        done += claims.length;
      }
    });
  });

  describe.sequential("maxActiveTasks", () => {
    it("limits a DAG's running instances; DAGs without a limit are unlimited; a full DAG does not hold up others", async () => {
      const s = ctx.store;
      const busy = graph("busy", tasks("t", 6, { priority: 9 }));
      const calm = graph("calm", tasks("t", 4, { priority: 5 }));
      const free = graph("free", tasks("t", 3, { priority: 1 }));
      for (const g of [busy, calm, free]) await s.createRun(runInput(g, { runId: g.dagId }));
      const runs = ["busy", "calm", "free"];
      const maxActiveTasks = new Map([
        ["busy", 2],
        ["calm", 1],
      ]);
      const request = { workerId: "w", limit: 4, dagIds: runs, maxActiveTasks, now: at(1) };

      // By priority: busy up to its limit, then calm up to its, then free.
      const first = await s.claimNextTasks(request);
      expect(first.map((c) => c.instance.dagId)).toEqual(["busy", "busy", "calm", "free"]);
      expect(await runningBy(s, runs, (ti) => ti.dagId)).toEqual({ busy: 2, calm: 1, free: 1 });
      expect((await s.claimNextTasks(request)).map((c) => c.instance.dagId)).toEqual(["free", "free"]);
      expect(await s.claimNextTasks(request)).toEqual([]);

      const busyClaim = first.find((c) => c.instance.dagId === "busy");
      if (!busyClaim) throw new Error("no busy claim");
      await completeAll(s, [busy], [busyClaim], at(2));
      expect((await s.claimNextTasks(request)).map((c) => c.instance.dagId)).toEqual(["busy"]);
      // Without the limits (another worker's view), the rest can run.
      expect(await s.claimNextTasks({ ...request, maxActiveTasks: undefined, limit: 100 })).toHaveLength(3 + 3);
      // A limit of 0 runs nothing.
      await s.createRun(runInput(busy, { runId: "busy-2" }));
      expect(await s.claimNextTasks({ ...request, maxActiveTasks: new Map([["busy", 0]]), dagIds: ["busy"] })).toEqual([]);
    });

    it("concurrent claims on one store and from two store objects never exceed a DAG's maxActiveTasks", async () => {
      const s = ctx.store;
      const g = wideGraph("d", 12);
      // Every caller records a DAG before it creates runs of it (a DAG's limit is kept by locking its row).
      await s.upsertDag({ dagId: "d", file: "d.ts", graph: g, now: at(0) });
      const { run } = await s.createRun(runInput(g));
      const other = ctx.openAnother();
      const stores = [s, other, s, other];
      const maxActiveTasks = new Map([["d", 3]]);
      let done = 0;
      for (let round = 0; done < 12; round++) {
        expect(round).toBeLessThan(30);
        const results = await Promise.all(
          stores.map((x, i) => x.claimNextTasks({ workerId: `w${i}`, limit: 2, dagIds: ["d"], maxActiveTasks, now: at(round) })),
        );
        const claims = results.flat();
        const running = (await s.listTaskInstances(run.runId)).filter((ti) => ti.state === "running");
        expect(running.length).toBe(Math.min(3, 12 - done));
        await completeAll(s, [g], claims, at(round));
        done += claims.length;
      }
    });
  });

  describe.sequential("heartbeats and zombies", () => {
    it("findZombies: running instances whose last heartbeat is before the cutoff", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "t0" }, { id: "t1" }, { id: "t2" }, { id: "t3" }, { id: "done" }, { id: "retry", retries: 1 }]);
      const { run } = await s.createRun(runInput(g, { runId: "r1", now: at(0) }));
      const claims = await s.claimNextTasks({ workerId: "w1", limit: 10, dagIds: ["d"], now: at(10) });
      const byTask = new Map(claims.map((c) => [c.instance.taskId, c]));
      const claimOf = (taskId: string): ClaimedTask => {
        const c = byTask.get(taskId);
        if (!c) throw new Error(`${taskId} not claimed`);
        return c;
      };
      const idOf = (taskId: string): number => claimOf(taskId).instance.id;
      await completeAll(s, [g], [claimOf("done")], at(11));
      await completeAll(s, [g], [claimOf("retry")], at(11), "failed");
      expect((await s.listTaskInstances(run.runId)).map((ti) => [ti.taskId, ti.state])).toEqual([
        ["t0", "running"],
        ["t1", "running"],
        ["t2", "running"],
        ["t3", "running"],
        ["done", "success"],
        ["retry", "retrying"],
      ]);
      const zombies = async (before: Date): Promise<string[]> =>
        (await s.findZombies(before))
          .map((z) => {
            const c = claims.find((x) => x.instance.id === z.taskInstanceId);
            return `${c?.instance.taskId ?? "?"}:${z.tryNumber}:${z.dagId}:${z.workerId ?? "-"}`;
          })
          .sort();

      // Claiming is the first heartbeat; the cutoff is exclusive.
      expect(await zombies(at(10))).toEqual([]);
      expect(await zombies(new Date(at(10).getTime() + 1))).toEqual(["t0:1:d:w1", "t1:1:d:w1", "t2:1:d:w1", "t3:1:d:w1"]);

      await s.heartbeat("w1", [idOf("t0"), idOf("t1")], at(20));
      expect(await zombies(at(15))).toEqual(["t2:1:d:w1", "t3:1:d:w1"]);
      expect(await zombies(at(20))).toEqual(["t2:1:d:w1", "t3:1:d:w1"]);
      expect(await zombies(at(21))).toEqual(["t0:1:d:w1", "t1:1:d:w1", "t2:1:d:w1", "t3:1:d:w1"]);
      await s.heartbeat("w1", [], at(30));
      expect(await zombies(at(15))).toEqual(["t2:1:d:w1", "t3:1:d:w1"]);
    });

    it("heartbeat only refreshes the worker's own running instances", async () => {
      const s = ctx.store;
      const g = wideGraph("d", 4);
      const { run } = await s.createRun(runInput(g, { runId: "r1", now: at(0) }));
      const [a] = await s.claimNextTasks({ workerId: "wa", limit: 1, dagIds: ["d"], now: at(10) });
      const [b] = await s.claimNextTasks({ workerId: "wb", limit: 1, dagIds: ["d"], now: at(10) });
      const [c] = await s.claimNextTasks({ workerId: "wa", limit: 1, dagIds: ["d"], now: at(10) });
      if (!a || !b || !c) throw new Error("claims missing");
      await completeAll(s, [g], [c], at(11));
      const queued = (await s.listTaskInstances(run.runId)).find((ti) => ti.state === "queued");
      if (!queued) throw new Error("nothing queued");
      const zombieIds = async (before: Date): Promise<number[]> => (await s.findZombies(before)).map((z) => z.taskInstanceId).sort((x, y) => x - y);

      // wa names every instance: only its own running one is refreshed, and reported as still its own.
      expect(await s.heartbeat("wa", [a.instance.id, b.instance.id, c.instance.id, queued.id, 999_999], at(50))).toEqual([a.instance.id]);
      expect(await zombieIds(at(40))).toEqual([b.instance.id]);
      expect(await s.heartbeat("wb", [b.instance.id], at(60))).toEqual([b.instance.id]);
      expect(await s.heartbeat("wb", [], at(60))).toEqual([]);
      expect(await zombieIds(at(55))).toEqual([a.instance.id]);
      expect(await zombieIds(at(61))).toEqual([a.instance.id, b.instance.id].sort((x, y) => x - y));
      // The finished and the queued instances were left alone.
      expect((await s.listTaskInstances(run.runId)).filter((ti) => ti.id === c.instance.id || ti.id === queued.id).map((ti) => ti.state).sort()).toEqual([
        "queued",
        "success",
      ]);
    });

    it("a zombie completed as failed (errorKind zombie) is retried at once without counting against the task's retries", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a", retries: 1, retryDelayMs: 5_000 }, { id: "b" }, { id: "after_b", upstream: ["b"] }]);
      const { run } = await s.createRun(runInput(g, { runId: "r1", now: at(0) }));
      await s.claimNextTasks({ workerId: "lost", limit: 10, dagIds: ["d"], now: at(1) });
      const zombies = await s.findZombies(at(100));
      expect(zombies).toHaveLength(2);
      const tiById = new Map((await s.listTaskInstances(run.runId)).map((ti) => [ti.id, ti]));
      const results = new Map<string, unknown>();
      for (const z of zombies) {
        expect(z).toMatchObject({ tryNumber: 1, dagId: "d", workerId: "lost" });
        const result = await s.completeTry({
          taskInstanceId: z.taskInstanceId,
          tryNumber: z.tryNumber,
          outcome: "failed",
          error: "zombie: worker lost stopped heartbeating",
          errorKind: "zombie",
          graph: g,
          now: at(100),
        });
        results.set(tiById.get(z.taskInstanceId)?.taskId ?? "?", result);
      }
      // b has no retries of its own, a has one: both get another try at once, and keep their retries.
      expect(results.get("a")).toMatchObject({ applied: true, state: "retrying", nextRetryAt: at(100), runState: "running" });
      expect(results.get("b")).toMatchObject({ applied: true, state: "retrying", nextRetryAt: at(100) });
      expect(await s.findZombies(at(1_000))).toEqual([]);

      const instances = new Map((await s.listTaskInstances(run.runId)).map((ti) => [ti.taskId, ti]));
      expect(instances.get("after_b")?.state).toBe("scheduled");
      expect([instances.get("a")?.maxTries, instances.get("b")?.maxTries]).toEqual([3, 2]);
      for (const taskId of ["a", "b"]) {
        const tries = await s.listTries(instances.get(taskId)?.id ?? -1);
        expect(tries.map((t) => [t.tryNumber, t.outcome, t.errorKind, t.workerId])).toEqual([[1, "failed", "zombie", "lost"]]);
      }
      expect(await s.listDeadLetters({ open: true })).toEqual([]);
      const history = await s.listStateHistory(run.runId);
      expect(history.find((h) => h.taskId === "b" && h.toState === "retrying")?.reason).toBe(
        "try lost to infrastructure (zombie): retry 1 of 3 that does not count against the task's retries",
      );

      // The retry runs on another worker; the lost worker's late report of try 1 is not applied.
      expect(await s.queueDueRetries(at(100))).toBe(2);
      const retries = await s.claimNextTasks({ workerId: "w2", limit: 10, dagIds: ["d"], now: at(106) });
      const retry = retries.find((c) => c.instance.taskId === "a");
      expect(retry).toMatchObject({ tryNumber: 2, instance: { taskId: "a", workerId: "w2" } });
      // Try 2 of a fails on its own: a still has its one retry.
      const bRetry = retries.find((c) => c.instance.taskId === "b");
      expect(bRetry?.tryNumber).toBe(2);
      const late = await s.completeTry({ taskInstanceId: retry?.instance.id ?? -1, tryNumber: 1, outcome: "success", graph: g, now: at(107) });
      expect(late.applied).toBe(false);
      // The lost worker's heartbeats no longer count for the instance: it must stop its try.
      expect(await s.heartbeat("lost", [retry?.instance.id ?? -1], at(200))).toEqual([]);
      expect(await s.findZombies(at(106))).toEqual([]);
      expect((await s.findZombies(at(107))).map((z) => [z.taskInstanceId, z.tryNumber, z.workerId]).sort()).toEqual(
        [[retry?.instance.id, 2, "w2"], [bRetry?.instance.id, 2, "w2"]].sort(),
      );
      const ownFailure = await s.completeTry({ taskInstanceId: retry?.instance.id ?? -1, tryNumber: 2, outcome: "failed", error: "boom", errorKind: "error", graph: g, now: at(108) });
      expect(ownFailure).toMatchObject({ state: "retrying", nextRetryAt: at(113) });
    });

    it("lost tries are retried for free up to the bound, then count like any failed try and dead-letter with a message saying why", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a" }]);
      const { run } = await s.createRun(runInput(g, { runId: "r1", now: at(0) }));
      const lose = async (second: number, kind: "zombie" | "lost") => {
        const [claimed] = await s.claimNextTasks({ workerId: "w", limit: 10, dagIds: ["d"], now: at(second) });
        return s.completeTry({ taskInstanceId: claimed?.instance.id ?? -1, tryNumber: claimed?.tryNumber ?? -1, outcome: "failed", error: `lost ${second}`, errorKind: kind, graph: g, now: at(second), lostTryRetries: 2 });
      };
      expect(await lose(1, "lost")).toMatchObject({ state: "retrying", nextRetryAt: at(1) });
      expect(await s.queueDueRetries(at(1))).toBe(1);
      expect(await lose(2, "zombie")).toMatchObject({ state: "retrying", nextRetryAt: at(2) });
      expect(await s.queueDueRetries(at(2))).toBe(1);
      expect(await lose(3, "lost")).toMatchObject({ state: "failed", runState: "failed" });
      const [ti] = await s.listTaskInstances(run.runId);
      expect(ti).toMatchObject({ state: "failed", tryNumber: 3, maxTries: 3 });
      const expected =
        "the task's tries were lost to infrastructure more than 2 times (the limit of retries that do not count, TRIBUTARY_LOST_TRY_RETRIES) and it has no retries of its own left; last: lost 3";
      expect(ti?.error).toBe(expected);
      expect((await s.listDeadLetters({ open: true })).map((d) => [d.taskId, d.tryNumber, d.error])).toEqual([["a", 3, expected]]);
      expect((await s.listTries(ti?.id ?? -1)).map((t) => [t.tryNumber, t.errorKind, t.error])).toEqual([
        [1, "lost", "lost 1"],
        [2, "zombie", "lost 2"],
        [3, "lost", "lost 3"],
      ]);
    });

    it("a try that crashes its own process counts against the task's retries", async () => {
      const s = ctx.store;
      const g = graph("d", [{ id: "a" }]);
      const { run } = await s.createRun(runInput(g, { runId: "r1", now: at(0) }));
      const [claimed] = await s.claimNextTasks({ workerId: "w", limit: 10, dagIds: ["d"], now: at(1) });
      const result = await s.completeTry({ taskInstanceId: claimed?.instance.id ?? -1, tryNumber: 1, outcome: "failed", error: "the task process exited with code 1", errorKind: "crash", graph: g, now: at(2) });
      expect(result).toMatchObject({ state: "failed", runState: "failed" });
      expect((await s.listDeadLetters({ open: true })).map((d) => [d.runId, d.error])).toEqual([[run.runId, "the task process exited with code 1"]]);
    });
  });
}
