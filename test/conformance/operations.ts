/**
 * The Store conformance suite, operator actions and stored backfills: cancelling a run, marking a
 * task instance success or failed, clearing chosen tasks (and their downstream), and the backfill
 * records the scheduler drives (create, read with progress, reserve intervals, cancel).
 * store.test.ts registers it for every factory in `STORES`; each test gets an empty, migrated
 * database and asserts what the store recorded.
 */
import { describe, expect, it } from "vitest";
import { ConflictError, InvalidInputError, NotFoundError } from "../../src/core/errors.js";
import type { DagGraph } from "../../src/core/types.js";
import type { PlannedBackfillInterval } from "../../src/store/index.js";
import type { Store } from "../../src/store/index.js";
import { at, RunDriver, runInput } from "./driver.js";
import { graph } from "./fixtures.js";
import type { StoreFactory } from "./stores.js";
import { useStore } from "./use-store.js";

const DAY = 86_400_000;
/** Midnight UTC of 2024-01-`d`. */
const day = (d: number): Date => new Date(Date.UTC(2024, 0, d));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** The run's own state changes: [from, to, reason]. */
async function runHistory(store: Store, runId: string): Promise<[string | null, string, string | null][]> {
  return (await store.listStateHistory(runId)).filter((c) => c.taskId === null).map((c) => [c.fromState, c.toState, c.reason]);
}

/** Claims and succeeds everything queued of the DAG until nothing is. */
async function finishAll(store: Store, g: DagGraph, now: Date): Promise<void> {
  for (;;) {
    const claims = await store.claimNextTasks({ workerId: "finisher", limit: 1_000, dagIds: [g.dagId], now });
    if (claims.length === 0) return;
    for (const c of claims) {
      await store.completeTry({ taskInstanceId: c.instance.id, tryNumber: c.tryNumber, outcome: "success", result: [1, 2, 3], graph: g, now });
    }
  }
}

export function describeOperationsConformance(factory: StoreFactory): void {
  const ctx = useStore(factory, { migrate: true });

  describe.sequential("cancelRun", () => {
    it("fails the running instance (try closed as cancelled), skips the unstarted ones, fails the run; no dead letters", async () => {
      const s = ctx.store;
      const g = graph("c", [
        { id: "a" },
        { id: "b", upstream: ["a"] },
        { id: "x" },
        { id: "e", upstream: ["x"] },
        { id: "r", retries: 2, retryDelayMs: 600_000 },
      ]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      expect(await run.claim(at(1))).toEqual(["a", "r", "x"]);
      await run.succeed("x", 1, at(2));
      expect(await run.fail("r", at(2))).toMatchObject({ state: "retrying" });
      expect(await run.states()).toEqual({ a: "running", b: "scheduled", x: "success", e: "queued", r: "retrying" });

      const cancelled = await s.cancelRun({ runId: "r1", graph: g, now: at(5), reason: "wrong params" });
      expect(cancelled).toMatchObject({ runId: "r1", state: "failed", endedAt: at(5) });
      expect(await run.states()).toEqual({ a: "failed", b: "skipped", x: "success", e: "skipped", r: "skipped" });
      const a = await run.instance("a");
      expect(a).toMatchObject({ workerId: null, endedAt: at(5), error: "cancelled: wrong params" });
      expect((await s.listTries(a.id)).map((t) => [t.outcome, t.errorKind, t.endedAt])).toEqual([["failed", "cancelled", at(5)]]);
      expect(await s.listDeadLetters({})).toEqual([]);
      expect((await runHistory(s, "r1")).at(-1)).toEqual(["running", "failed", "cancelled: wrong params"]);

      // The worker running `a` learns from its heartbeat that the try is no longer its own; its late completion changes nothing.
      expect(await s.heartbeat("worker-1", [a.id], at(6))).toEqual([]);
      const late = await s.completeTry({ taskInstanceId: a.id, tryNumber: 1, outcome: "success", graph: g, now: at(7) });
      expect(late.applied).toBe(false);
      expect(await run.states()).toMatchObject({ a: "failed" });
      // Nothing is queued any more: no worker picks up anything of the cancelled run.
      expect(await s.claimNextTasks({ workerId: "w2", limit: 10, dagIds: ["c"], now: at(8) })).toEqual([]);
      expect(await s.queueDueRetries(at(10_000))).toBe(0);
    });

    it("a queued run: every instance skipped, the run failed with reason cancelled", async () => {
      const s = ctx.store;
      const g = graph("c", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
      const { run } = await s.createRun(runInput(g, { runId: "q1", start: false }));
      expect(run.state).toBe("queued");
      expect(await s.cancelRun({ runId: "q1", graph: g, now: at(3) })).toMatchObject({ state: "failed", startedAt: null, endedAt: at(3) });
      expect((await s.listTaskInstances("q1")).map((ti) => ti.state)).toEqual(["skipped", "skipped"]);
      expect(await runHistory(s, "q1")).toEqual([
        [null, "queued", null],
        ["queued", "failed", "cancelled"],
      ]);
    });

    it("a finished run is a conflict; an unknown run is not found", async () => {
      const s = ctx.store;
      const g = graph("c", [{ id: "a" }]);
      const run = await RunDriver.start(s, g, { runId: "f1" });
      await run.claim();
      await run.succeed("a");
      const error = await rejection(s.cancelRun({ runId: "f1", graph: g, now: at(5) }));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ code: "CONFLICT" });
      expect(await run.runState()).toBe("success");
      expect(await rejection(s.cancelRun({ runId: "nope", graph: g, now: at(5) }))).toBeInstanceOf(NotFoundError);
    });
  });

  describe.sequential("markTaskInstance", () => {
    it("marking a running instance success closes its try as cancelled and queues its downstream", async () => {
      const s = ctx.store;
      const g = graph("m", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await run.claim(at(1));
      const marked = await s.markTaskInstance({ runId: "r1", taskId: "a", mapIndex: null, state: "success", graph: g, now: at(3) });
      expect(marked).toMatchObject({ taskId: "a", state: "success", endedAt: at(3), workerId: null, error: null });
      expect((await s.listTries(marked.id)).map((t) => [t.outcome, t.errorKind])).toEqual([["failed", "cancelled"]]);
      expect(await run.states()).toEqual({ a: "success", b: "queued" });
      expect(await s.heartbeat("worker-1", [marked.id], at(4))).toEqual([]);
      expect((await s.listStateHistory("r1")).filter((c) => c.taskId === "a").at(-1)).toMatchObject({ fromState: "running", toState: "success", reason: "marked success" });
      await finishAll(s, g, at(5));
      expect(await run.runState()).toBe("success");
    });

    it("marking a dead-lettered instance success acknowledges its dead letter and re-closes the run as success", async () => {
      const s = ctx.store;
      const g = graph("m", [{ id: "a" }]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await run.claim(at(1));
      expect(await run.fail("a", at(2))).toMatchObject({ state: "failed", runState: "failed" });
      expect(await s.listDeadLetters({ open: true })).toHaveLength(1);

      await s.markTaskInstance({ runId: "r1", taskId: "a", mapIndex: null, state: "success", graph: g, now: at(5) });
      expect(await s.listDeadLetters({ open: true })).toEqual([]);
      expect(await s.listDeadLetters({})).toMatchObject([{ resolution: "acknowledged", resolvedAt: at(5) }]);
      expect(await s.getRun("r1")).toMatchObject({ state: "success", endedAt: at(5) });
      expect((await runHistory(s, "r1")).slice(-2)).toEqual([
        ["failed", "running", 'task "a" marked success'],
        ["running", "success", null],
      ]);
    });

    it("marking failed propagates upstream_failed downstream without a dead letter or a retry; success -> failed re-closes the run", async () => {
      const s = ctx.store;
      const g = graph("m", [{ id: "a", retries: 3 }, { id: "b", upstream: ["a"] }, { id: "c" }]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await run.claim(at(1));
      await run.succeed("c", null, at(2));
      const marked = await s.markTaskInstance({ runId: "r1", taskId: "a", mapIndex: null, state: "failed", graph: g, now: at(3) });
      expect(marked).toMatchObject({ state: "failed", error: "marked failed by an operator", nextRetryAt: null });
      expect(await run.states()).toEqual({ a: "failed", b: "upstream_failed", c: "success" });
      expect(await s.listDeadLetters({})).toEqual([]);
      expect(await run.runState()).toBe("failed");

      // A finished task marked the other way: the run's outcome follows.
      const g2 = graph("m2", [{ id: "a" }]);
      const run2 = await RunDriver.start(s, g2, { runId: "r2" });
      await run2.claim(at(1));
      await run2.succeed("a", null, at(2));
      await s.markTaskInstance({ runId: "r2", taskId: "a", mapIndex: null, state: "failed", graph: g2, now: at(4) });
      expect(await s.getRun("r2")).toMatchObject({ state: "failed", endedAt: at(4) });
    });

    it("marking a task of a queued run starts the run; marking a waiting instance success readies its downstream", async () => {
      const s = ctx.store;
      const g = graph("m", [{ id: "a" }, { id: "b", upstream: ["a"] }, { id: "c", upstream: ["b"] }]);
      await s.createRun(runInput(g, { runId: "q1", start: false }));
      await s.markTaskInstance({ runId: "q1", taskId: "b", mapIndex: null, state: "success", graph: g, now: at(2) });
      expect(await s.getRun("q1")).toMatchObject({ state: "running", startedAt: at(2) });
      expect(Object.fromEntries((await s.listTaskInstances("q1")).map((ti) => [ti.taskId, ti.state]))).toEqual({ a: "queued", b: "success", c: "queued" });
    });

    it("the same state is a conflict; a bad state is invalid input naming the field; unknown runs and tasks are not found", async () => {
      const s = ctx.store;
      const g = graph("m", [{ id: "a" }]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await run.claim(at(1));
      await run.succeed("a", null, at(2));
      const base = { runId: "r1", taskId: "a", mapIndex: null, graph: g, now: at(3) };
      expect(await rejection(s.markTaskInstance({ ...base, state: "success" }))).toBeInstanceOf(ConflictError);
      const bad = await rejection(s.markTaskInstance({ ...base, state: "running" as "success" }));
      expect(bad).toBeInstanceOf(InvalidInputError);
      expect(bad).toMatchObject({ location: { field: "state" } });
      expect(await rejection(s.markTaskInstance({ ...base, runId: "nope", state: "failed" }))).toBeInstanceOf(NotFoundError);
      expect(await rejection(s.markTaskInstance({ ...base, taskId: "zz", state: "failed" }))).toMatchObject({ code: "NOT_FOUND", location: { field: "taskId" } });
      expect(await rejection(s.markTaskInstance({ ...base, mapIndex: 3, state: "failed" }))).toMatchObject({ code: "NOT_FOUND", location: { field: "mapIndex" } });
      expect(await rejection(s.markTaskInstance({ ...base, mapIndex: 1.5, state: "failed" }))).toMatchObject({ code: "INVALID_INPUT", location: { field: "mapIndex" } });
      expect(await run.states()).toEqual({ a: "success" });
    });
  });

  describe.sequential("clearTaskInstances", () => {
    const chain = graph("k", [{ id: "a" }, { id: "b", upstream: ["a"], retries: 1 }, { id: "c", upstream: ["b"] }]);

    async function finishedChain(s: Store): Promise<RunDriver> {
      const run = await RunDriver.start(s, chain, { runId: "r1" });
      await finishAll(s, chain, at(1));
      expect(await run.runState()).toBe("success");
      return run;
    }

    it("clears a task and its downstream in a finished run: the run is queued, then runs them again with fresh retries", async () => {
      const s = ctx.store;
      const run = await finishedChain(s);
      const result = await s.clearTaskInstances({ runId: "r1", taskIds: ["b"], downstream: true, graph: chain, now: at(10) });
      expect(result.cleared).toBe(2);
      expect(result.run).toMatchObject({ state: "queued", endedAt: null });
      const instances = await run.instances();
      expect([...instances].map(([k, ti]) => [k, ti.state, ti.tryNumber, ti.maxTries])).toEqual([
        ["a", "success", 1, 1],
        ["b", "scheduled", 1, 3],
        ["c", "scheduled", 1, 2],
      ]);
      expect((await runHistory(s, "r1")).at(-1)?.slice(0, 2)).toEqual(["success", "queued"]);

      const started = await s.startQueuedRuns({ dagId: "k", graph: chain, maxActiveRuns: undefined, now: at(11) });
      expect(started.map((r) => r.runId)).toEqual(["r1"]);
      expect(await run.states()).toEqual({ a: "success", b: "queued", c: "scheduled" });
      await finishAll(s, chain, at(12));
      expect(await run.runState()).toBe("success");
      expect((await run.instance("c")).tryNumber).toBe(2);
    });

    it("without downstream only the chosen tasks are cleared", async () => {
      const s = ctx.store;
      const run = await finishedChain(s);
      const result = await s.clearTaskInstances({ runId: "r1", taskIds: ["b"], downstream: false, graph: chain, now: at(10) });
      expect(result.cleared).toBe(1);
      expect(await run.states()).toEqual({ a: "success", b: "scheduled", c: "success" });
    });

    it("in a running run, a cleared instance whose upstream is done is queued at once", async () => {
      const s = ctx.store;
      const g = graph("k", [{ id: "a" }, { id: "x" }, { id: "b", upstream: ["a"] }]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await run.claim(at(1));
      await run.succeed("a", null, at(2));
      const result = await s.clearTaskInstances({ runId: "r1", taskIds: ["a"], downstream: false, graph: g, now: at(3) });
      expect(result).toMatchObject({ cleared: 1, run: { state: "running" } });
      expect(await run.states()).toEqual({ a: "queued", x: "running", b: "queued" });
    });

    it("an instance in progress is a conflict and nothing changes; bad input names the field; unknown runs and tasks are not found", async () => {
      const s = ctx.store;
      const run = await RunDriver.start(s, chain, { runId: "r1" });
      await run.claim(at(1));
      await run.succeed("a", null, at(2));
      const before = await run.states();
      const conflict = await rejection(s.clearTaskInstances({ runId: "r1", taskIds: ["a"], downstream: true, graph: chain, now: at(3) }));
      expect(conflict).toBeInstanceOf(ConflictError);
      expect(conflict).toMatchObject({ location: { taskId: "b" } });
      expect(await run.states()).toEqual(before);
      const base = { runId: "r1", downstream: false, graph: chain, now: at(3) };
      expect(await rejection(s.clearTaskInstances({ ...base, taskIds: [] }))).toMatchObject({ code: "INVALID_INPUT", location: { field: "taskIds" } });
      expect(await rejection(s.clearTaskInstances({ ...base, taskIds: ["a"], mapIndex: -2 }))).toMatchObject({ code: "INVALID_INPUT", location: { field: "mapIndex" } });
      expect(await rejection(s.clearTaskInstances({ ...base, taskIds: ["zz"] }))).toMatchObject({ code: "NOT_FOUND", location: { field: "taskIds" } });
      expect(await rejection(s.clearTaskInstances({ ...base, runId: "nope", taskIds: ["a"] }))).toBeInstanceOf(NotFoundError);
    });

    it("mapped tasks: one map index clears alone; clearing what it maps over collapses it to a placeholder", async () => {
      const s = ctx.store;
      const g = graph("k", [{ id: "src" }, { id: "m", mapOver: "src" }]);
      const run = await RunDriver.start(s, g, { runId: "r1" });
      await finishAll(s, g, at(1));
      expect(Object.keys(await run.states())).toEqual(["src", "m[0]", "m[1]", "m[2]"]);

      expect((await s.clearTaskInstances({ runId: "r1", taskIds: ["m"], mapIndex: 1, downstream: false, graph: g, now: at(5) })).cleared).toBe(1);
      expect(await run.states()).toEqual({ src: "success", "m[0]": "success", "m[1]": "scheduled", "m[2]": "success" });
      await s.startQueuedRuns({ dagId: "k", graph: g, maxActiveRuns: undefined, now: at(6) });
      await finishAll(s, g, at(7));
      expect(await run.runState()).toBe("success");

      expect((await s.clearTaskInstances({ runId: "r1", taskIds: ["src"], downstream: true, graph: g, now: at(10) })).cleared).toBe(4);
      expect(await run.states()).toEqual({ src: "scheduled", m: "scheduled" });
      await s.startQueuedRuns({ dagId: "k", graph: g, maxActiveRuns: undefined, now: at(11) });
      await finishAll(s, g, at(12));
      expect(await run.states()).toEqual({ src: "success", "m[0]": "success", "m[1]": "success", "m[2]": "success" });
    });
  });

  describe.sequential("backfills", () => {
    const g = graph("bf", [{ id: "a" }]);
    const interval = (d: number, action: PlannedBackfillInterval["action"] = "create", existingRunId: string | null = null): PlannedBackfillInterval => ({
      start: day(d),
      end: new Date(day(d).getTime() + DAY),
      action,
      existingRunId,
    });
    const base = { dagId: "bf", from: day(1), to: day(5), reprocess: "skip" as const, maxActiveRuns: 2, createdBy: "ada", now: at(0) };

    /** What the driver does for an interval (create and start its run), recorded. */
    async function startAndRecord(s: Store, backfillId: number, start: Date): Promise<string> {
      const { run } = await s.createRun(runInput(g, { runId: `bf-${start.getTime()}`, runType: "backfill", logicalDate: start, now: at(1) }));
      await s.recordBackfillRun({ backfillId, logicalDate: start, runId: run.runId, done: false });
      return run.runId;
    }

    it("creates a backfill from its plan; reads it with progress; lists by DAG and state", async () => {
      const s = ctx.store;
      const { run: existing } = await s.createRun(runInput(g, { runId: "old-3", runType: "scheduled", logicalDate: day(3) }));
      await finishAll(s, g, at(1));
      const created = await s.createBackfill({
        ...base,
        intervals: [interval(1), interval(2), interval(3, "skip", existing.runId), interval(4), interval(5)],
      });
      expect(created).toEqual({
        id: created.id,
        dagId: "bf",
        from: day(1),
        to: day(5),
        reprocess: "skip",
        maxActiveRuns: 2,
        state: "running",
        createdBy: "ada",
        createdAt: at(0),
        endedAt: null,
        progress: { total: 5, done: 1, succeeded: 1, failed: 0, skipped: 1, running: 0 },
      });
      expect(await s.getBackfill(created.id)).toEqual(created);
      expect(await s.getBackfill(created.id + 1000)).toBeUndefined();
      expect((await s.listBackfills({ dagId: "bf" })).map((b) => b.id)).toEqual([created.id]);
      expect(await s.listBackfills({ dagId: "other" })).toEqual([]);
      expect(await s.listBackfills({ states: ["completed"] })).toEqual([]);
      expect((await s.listBackfills({ states: ["running"] })).map((b) => b.id)).toEqual([created.id]);
    });

    it("hands out intervals oldest first within maxActiveRuns, notes finished runs, and completes when all are done", async () => {
      const s = ctx.store;
      const bf = await s.createBackfill({ ...base, intervals: [interval(1), interval(2), interval(3)] });
      const first = await s.takeBackfillIntervals(bf.id, at(1));
      expect(first.map((i) => [i.start, i.action, i.dagId])).toEqual([
        [day(1), "create", "bf"],
        [day(2), "create", "bf"],
      ]);
      // In flight: nothing more until one finishes.
      expect(await s.takeBackfillIntervals(bf.id, at(2))).toEqual([]);
      for (const i of first) await startAndRecord(s, bf.id, i.start);
      expect((await s.getBackfill(bf.id))?.progress).toEqual({ total: 3, done: 0, succeeded: 0, failed: 0, skipped: 0, running: 2 });

      await finishAll(s, g, at(3));
      expect((await s.takeBackfillIntervals(bf.id, at(4))).map((i) => i.start)).toEqual([day(3)]);
      expect((await s.getBackfill(bf.id))?.progress).toMatchObject({ done: 2, succeeded: 2, running: 1 });
      await startAndRecord(s, bf.id, day(3));
      await finishAll(s, g, at(5));
      expect(await s.takeBackfillIntervals(bf.id, at(6))).toEqual([]);
      expect(await s.getBackfill(bf.id)).toMatchObject({
        state: "completed",
        endedAt: at(6),
        progress: { total: 3, done: 3, succeeded: 3, failed: 0, skipped: 0, running: 0 },
      });
    });

    it("creates and records the runs of intervals to create in the taking transaction, and leaves the others (and an interval whose date has a run by now) to the driver", async () => {
      const s = ctx.store;
      const { run: existing } = await s.createRun(runInput(g, { runId: "old-2", runType: "scheduled", logicalDate: day(2) }));
      const bf = await s.createBackfill({ ...base, maxActiveRuns: 3, reprocess: "all", intervals: [interval(1), interval(2, "rerun", existing.runId), interval(3), interval(4)] });
      // Day 3 got a scheduled run after the plan was made: the driver finds it and resumes it.
      await s.createRun(runInput(g, { runId: "late-3", runType: "scheduled", logicalDate: day(3), start: false }));
      const asked: string[] = [];
      const taken = await s.takeBackfillIntervals(bf.id, at(1), (i) => {
        asked.push(i.start.toISOString());
        return runInput(g, { runId: `bf-${i.start.getTime()}`, runType: "backfill", logicalDate: i.start, now: at(1), start: true });
      });
      expect(asked).toEqual([day(1).toISOString(), day(3).toISOString()]);
      expect(taken.map((i) => [i.start, i.action, i.run?.runId, i.run?.state])).toEqual([
        [day(1), "create", `bf-${day(1).getTime()}`, "running"],
        [day(2), "rerun", undefined, undefined],
        [day(3), "create", undefined, undefined],
      ]);
      const intervals = await s.listBackfillIntervals(bf.id);
      expect(intervals.map((i) => i.runId)).toEqual([`bf-${day(1).getTime()}`, null, null, null]);
      // All three are in flight (reserved), whoever starts their runs.
      expect((await s.getBackfill(bf.id))?.progress).toMatchObject({ running: 3, done: 0 });
    });

    it("a run that cannot be created in the taking transaction leaves that interval to the driver and keeps the others' runs", async () => {
      const s = ctx.store;
      const bf = await s.createBackfill({ ...base, maxActiveRuns: 3, intervals: [interval(1), interval(2), interval(3)] });
      const taken = await s.takeBackfillIntervals(bf.id, at(1), (i) => {
        if (i.start.getTime() === day(2).getTime()) throw new Error("params do not parse");
        return runInput(g, { runId: `bf-${i.start.getTime()}`, runType: "backfill", logicalDate: i.start, now: at(1), start: true });
      });
      expect(taken.map((i) => [i.start, i.run?.runId])).toEqual([
        [day(1), `bf-${day(1).getTime()}`],
        [day(2), undefined],
        [day(3), `bf-${day(3).getTime()}`],
      ]);
      expect((await s.listBackfillIntervals(bf.id)).map((i) => i.runId)).toEqual([`bf-${day(1).getTime()}`, null, `bf-${day(3).getTime()}`]);
      expect((await s.getBackfill(bf.id))?.progress).toMatchObject({ running: 3 });
    });

    it("two stores taking intervals at once never get the same one, nor more than maxActiveRuns together", async () => {
      const s = ctx.store;
      const other = ctx.openAnother();
      const bf = await s.createBackfill({ ...base, maxActiveRuns: 3, intervals: [1, 2, 3, 4, 5].map((d) => interval(d)) });
      const [x, y] = await Promise.all([s.takeBackfillIntervals(bf.id, at(1)), other.takeBackfillIntervals(bf.id, at(1))]);
      const taken = [...x, ...y].map((i) => i.start.getTime()).sort();
      expect(taken).toEqual([day(1), day(2), day(3)].map((d) => d.getTime()));
    });

    it("a reservation whose run was never recorded (a driver died) is handed out again after a minute", async () => {
      const s = ctx.store;
      const bf = await s.createBackfill({ ...base, maxActiveRuns: 1, intervals: [interval(1), interval(2)] });
      expect((await s.takeBackfillIntervals(bf.id, at(1))).map((i) => i.start)).toEqual([day(1)]);
      expect(await s.takeBackfillIntervals(bf.id, at(30))).toEqual([]);
      expect((await s.takeBackfillIntervals(bf.id, at(62))).map((i) => i.start)).toEqual([day(1)]);
    });

    it("cancel stops handing out intervals; a second cancel is a conflict; bad input names the field", async () => {
      const s = ctx.store;
      const bf = await s.createBackfill({ ...base, intervals: [interval(1), interval(2), interval(3)] });
      const cancelled = await s.cancelBackfill(bf.id, at(3));
      expect(cancelled).toMatchObject({ id: bf.id, state: "cancelled", endedAt: at(3) });
      expect(await s.takeBackfillIntervals(bf.id, at(4))).toEqual([]);
      expect(await rejection(s.cancelBackfill(bf.id, at(5)))).toBeInstanceOf(ConflictError);
      expect(await rejection(s.cancelBackfill(bf.id + 1000, at(5)))).toBeInstanceOf(NotFoundError);
      expect(await rejection(s.cancelBackfill(Number.NaN, at(5)))).toBeInstanceOf(NotFoundError);
      expect(await s.getBackfill(Number.NaN)).toBeUndefined();

      // A cancelled backfill no longer blocks a new one over the same range; a running one does.
      const again = await s.createBackfill({ ...base, intervals: [interval(1)] });
      expect(await rejection(s.createBackfill({ ...base, intervals: [interval(2)] }))).toMatchObject({ code: "CONFLICT" });
      await s.cancelBackfill(again.id, at(6));

      for (const [field, input] of [
        ["maxActiveRuns", { ...base, maxActiveRuns: 0 }],
        ["reprocess", { ...base, reprocess: "some" as "skip" }],
        ["to", { ...base, to: day(0) }],
        ["intervals", { ...base, intervals: [interval(1), interval(1)] }],
      ] as const) {
        expect(await rejection(s.createBackfill({ intervals: [interval(1)], ...input })), field).toMatchObject({ code: "INVALID_INPUT", location: { field } });
      }
    });

    it("pause stops handing out intervals until resumed; a paused backfill keeps its range from a new one; resume may change maxActiveRuns", async () => {
      const s = ctx.store;
      const bf = await s.createBackfill({ ...base, maxActiveRuns: 1, intervals: [interval(1), interval(2), interval(3)] });
      const [first] = await s.takeBackfillIntervals(bf.id, at(1));
      expect(first?.start).toEqual(day(1));
      await startAndRecord(s, bf.id, day(1));

      const paused = await s.pauseBackfill(bf.id, at(2));
      expect(paused).toMatchObject({ id: bf.id, state: "paused", endedAt: null, progress: { total: 3, done: 0, running: 1 } });
      expect((await s.listBackfills({ states: ["paused"] })).map((b) => b.id)).toEqual([bf.id]);
      // The run in flight finishes, but nothing new is handed out while paused.
      await finishAll(s, g, at(3));
      expect(await s.takeBackfillIntervals(bf.id, at(4))).toEqual([]);
      expect(await rejection(s.pauseBackfill(bf.id, at(4)))).toBeInstanceOf(ConflictError);
      expect(await rejection(s.pauseBackfill(bf.id + 1000, at(4)))).toBeInstanceOf(NotFoundError);
      // A paused backfill still holds its range: resume it (or cancel it) first.
      expect(await rejection(s.createBackfill({ ...base, intervals: [interval(2)] }))).toMatchObject({ code: "CONFLICT" });

      const resumed = await s.resumeBackfill({ id: bf.id, maxActiveRuns: 2, now: at(5) });
      expect(resumed).toMatchObject({ state: "running", maxActiveRuns: 2, endedAt: null });
      // Resuming a running backfill leaves it running (a second driver may pick it up).
      expect(await s.resumeBackfill({ id: bf.id, now: at(5) })).toMatchObject({ state: "running", maxActiveRuns: 2 });
      expect((await s.takeBackfillIntervals(bf.id, at(6))).map((i) => i.start)).toEqual([day(2), day(3)]);
      expect((await s.getBackfill(bf.id))?.progress).toMatchObject({ total: 3, done: 1, succeeded: 1, running: 2 });

      // A paused backfill can be cancelled; completed and cancelled ones cannot be resumed.
      await s.pauseBackfill(bf.id, at(7));
      expect(await s.cancelBackfill(bf.id, at(8))).toMatchObject({ state: "cancelled", endedAt: at(8) });
      expect(await rejection(s.resumeBackfill({ id: bf.id, now: at(9) }))).toMatchObject({ code: "CONFLICT" });
      expect(await rejection(s.resumeBackfill({ id: bf.id + 1000, now: at(9) }))).toBeInstanceOf(NotFoundError);
      const other = await s.createBackfill({ ...base, intervals: [interval(1)] });
      expect(await rejection(s.resumeBackfill({ id: other.id, maxActiveRuns: 0, now: at(9) }))).toMatchObject({ code: "INVALID_INPUT", location: { field: "maxActiveRuns" } });
    });

    it("lists a backfill's intervals in order with their runs and the runs' states", async () => {
      const s = ctx.store;
      const { run: existing } = await s.createRun(runInput(g, { runId: "old-2", runType: "scheduled", logicalDate: day(2) }));
      await finishAll(s, g, at(1));
      const bf = await s.createBackfill({ ...base, maxActiveRuns: 1, intervals: [interval(1), interval(2, "skip", existing.runId), interval(3)] });
      await s.takeBackfillIntervals(bf.id, at(2));
      const runId = await startAndRecord(s, bf.id, day(1));
      expect(await s.listBackfillIntervals(bf.id)).toEqual([
        { start: day(1), end: day(2), action: "create", runId, runState: "running" },
        { start: day(2), end: day(3), action: "skip", runId: existing.runId, runState: "success" },
        { start: day(3), end: day(4), action: "create", runId: null, runState: null },
      ]);
      expect(await s.listBackfillIntervals(bf.id + 1000)).toEqual([]);
    });

    it("a plan with nothing to run is completed at once", async () => {
      const s = ctx.store;
      const { run } = await s.createRun(runInput(g, { runId: "old-1", runType: "scheduled", logicalDate: day(1) }));
      const bf = await s.createBackfill({ ...base, intervals: [interval(1, "skip", run.runId)] });
      expect(bf).toMatchObject({ state: "completed", endedAt: at(0), progress: { total: 1, done: 1, skipped: 1 } });
    });
  });
}
