/**
 * The Store conformance suite, deferred task instances (docs/sensors.md): a sensor's poke that
 * found nothing defers its instance until its next poke, holding no slot; a worker's claim wakes
 * due ones only into the slots queued work leaves free, and goes on with the open try; timeouts,
 * retries and the operator actions on a waiting instance. Runs for every factory in `STORES`.
 */
import { describe, expect, it } from "vitest";
import { ConflictError } from "../../src/core/errors.js";
import type { DagGraph, SensorPolicy, TaskSpec } from "../../src/core/types.js";
import type { ClaimedTask, Store } from "../../src/store/index.js";
import { at, RunDriver } from "./driver.js";
import { task, type TaskFixture } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const EVERY = 10_000;

function sensor(fixture: TaskFixture, policy: Partial<SensorPolicy> = {}): TaskSpec {
  return { ...task(fixture), kind: "sensor", sensor: { everyMs: EVERY, timeoutMs: 60_000, softFail: false, ...policy } };
}

function dagOf(dagId: string, tasks: readonly TaskSpec[]): DagGraph {
  return { dagId, tasks };
}

/** A worker's claim that wakes due sensors of the DAG into free slots. */
function claim(store: Store, g: DagGraph, now: Date, limit = 10, workerId = "worker-1"): Promise<ClaimedTask[]> {
  return store.claimNextTasks({ workerId, limit, dagIds: [g.dagId], wakeDagIds: [g.dagId], now });
}

function poke(store: Store, g: DagGraph, c: ClaimedTask, now: Date, outcome: "deferred" | "success" | "failed" = "deferred", result?: unknown) {
  return store.completeTry({
    taskInstanceId: c.instance.id,
    tryNumber: c.tryNumber,
    outcome,
    result,
    error: outcome === "failed" ? "the poke threw" : undefined,
    errorKind: outcome === "failed" ? "error" : undefined,
    graph: g,
    now,
    random: () => 0.5,
  });
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

for (const factory of STORES) {
  describe.sequential(`Store conformance: ${factory.name}: deferred task instances`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("a poke that found nothing defers the instance until its next poke; the claim that wakes it goes on with the same try", async () => {
      const s = ctx.store;
      const g = dagOf("w", [sensor({ id: "s" }), task({ id: "after", upstream: ["s"] })]);
      const run = await RunDriver.start(s, g, { runId: "w1" });
      const first = only(await claim(s, g, at(1)));
      expect(first.tryNumber).toBe(1);

      const deferred = await poke(s, g, first, at(2));
      expect(deferred).toMatchObject({ state: "deferred", wakeAt: new Date(at(2).getTime() + EVERY), runState: "running", applied: true });
      expect(await run.instance("s")).toMatchObject({
        state: "deferred",
        wakeAt: new Date(at(2).getTime() + EVERY),
        waitReason: "sensor",
        waitingSince: at(1),
        pokes: 1,
        workerId: null,
        tryNumber: 1,
      });
      // Between pokes the try stays open: the wait is one try.
      expect((await s.listTries(first.instance.id)).map((t) => t.outcome)).toEqual(["running"]);

      // Not due yet, and not woken by a claim that does not ask for wake-ups.
      expect(await claim(s, g, at(5))).toEqual([]);
      expect(await s.claimNextTasks({ workerId: "w", limit: 10, dagIds: ["w"], now: at(20) })).toEqual([]);
      expect(await s.nextWakeAt({ dagIds: ["w"] })).toEqual(new Date(at(2).getTime() + EVERY));
      expect(await s.nextWakeAt({ dagIds: ["other"] })).toBeUndefined();

      const second = only(await claim(s, g, at(12), 10, "worker-2"));
      expect({ tryNumber: second.tryNumber, tryId: second.tryId, state: second.instance.state }).toEqual({ tryNumber: 1, tryId: first.tryId, state: "running" });
      expect(await run.instance("s")).toMatchObject({ state: "running", wakeAt: null, waitReason: null, workerId: "worker-2", startedAt: at(1) });

      const done = await poke(s, g, second, at(13), "success", { rows: 3 });
      expect(done).toMatchObject({ state: "success", queued: 1 });
      expect(await run.instance("s")).toMatchObject({ state: "success", pokes: 2, result: { rows: 3 } });
      const tries = await s.listTries(first.instance.id);
      expect(tries.map((t) => [t.tryNumber, t.outcome, t.workerId, t.startedAt, t.endedAt])).toEqual([[1, "success", "worker-2", at(1), at(13)]]);
      const moves = (await s.listStateHistory("w1")).filter((h) => h.taskId === "s").map((h) => `${h.fromState ?? ""}>${h.toState}`);
      expect(moves).toEqual([">scheduled", "scheduled>queued", "queued>running", "running>deferred", "deferred>queued", "queued>running", "running>success"]);
      expect(await run.states()).toEqual({ s: "success", after: "queued" });
    });

    it("due sensors are woken only into slots that queued work leaves free, oldest wake-up first", async () => {
      const s = ctx.store;
      const g = dagOf("f", [sensor({ id: "s1" }), sensor({ id: "s2" }), task({ id: "t1", upstream: ["s1"], triggerRule: "always" }), task({ id: "t2", upstream: ["s1"], triggerRule: "always" })]);
      await RunDriver.start(s, g, { runId: "f1" });
      // s1, s2 poke first (t1 and t2 wait for s1 until... `always`: they are queued at once too).
      const claims = await claim(s, g, at(1));
      expect(claims.map((c) => c.instance.taskId).sort()).toEqual(["s1", "s2", "t1", "t2"]);
      const byId = new Map(claims.map((c) => [c.instance.taskId, c]));
      await poke(s, g, byId.get("s2") as ClaimedTask, at(2));
      await poke(s, g, byId.get("s1") as ClaimedTask, at(3));
      // Run t1 and t2 again as queued work: clear them (finished first).
      await poke(s, g, byId.get("t1") as ClaimedTask, at(4), "success");
      await poke(s, g, byId.get("t2") as ClaimedTask, at(4), "success");
      await s.clearTaskInstances({ runId: "f1", taskIds: ["t1", "t2"], downstream: false, graph: g, now: at(5) });

      // Both sensors are due at 13 s; two queued tasks take two of three slots, one sensor gets the third.
      const next = await claim(s, g, at(20), 3);
      expect(next.map((c) => c.instance.taskId).sort()).toEqual(["s2", "t1", "t2"]);
      expect(next.find((c) => c.instance.taskId === "s2")?.tryNumber).toBe(1);
      const rest = await claim(s, g, at(20), 3);
      expect(rest.map((c) => c.instance.taskId)).toEqual(["s1"]);
    });

    it("a claim for no queue at all claims nothing and wakes nothing", async () => {
      const s = ctx.store;
      const g = dagOf("nq", [sensor({ id: "s1" })]);
      await RunDriver.start(s, g, { runId: "nq1" });
      const [s1] = await claim(s, g, at(1));
      await poke(s, g, s1 as ClaimedTask, at(2));
      // Due at 12 s; a worker serving no queue (an empty list) takes none of it.
      expect(await s.claimNextTasks({ workerId: "worker-1", limit: 2, dagIds: [g.dagId], wakeDagIds: [g.dagId], queues: [], now: at(20) })).toEqual([]);
      expect((await s.listTaskInstances("nq1")).map((i) => i.state)).toEqual(["deferred"]);
    });

    it("a sensor that times out fails with a dead letter and no retry; with softFail it is skipped and its downstream follows", async () => {
      const s = ctx.store;
      const hard = dagOf("h", [sensor({ id: "s", retries: 3 }, { timeoutMs: 30_000 }), task({ id: "after", upstream: ["s"] })]);
      const run = await RunDriver.start(s, hard, { runId: "h1" });
      let c = only(await claim(s, hard, at(1)));
      await poke(s, hard, c, at(2));
      c = only(await claim(s, hard, at(12)));
      await poke(s, hard, c, at(13));
      c = only(await claim(s, hard, at(23)));
      // Wake-ups stop at the deadline: 1 s + 30 s.
      expect(await poke(s, hard, c, at(24))).toMatchObject({ state: "deferred", wakeAt: at(31) });
      c = only(await claim(s, hard, at(31)));
      expect(await poke(s, hard, c, at(31))).toMatchObject({ state: "failed", runState: "failed" });
      const ti = await run.instance("s");
      expect(ti).toMatchObject({ state: "failed", pokes: 4, error: "the sensor timed out: not done after waiting 30.0s (4 pokes)" });
      expect((await s.listTries(ti.id)).map((t) => [t.tryNumber, t.outcome, t.errorKind])).toEqual([[1, "failed", "timeout"]]);
      expect((await s.listDeadLetters({ open: true })).map((d) => d.taskId)).toEqual(["s"]);
      expect(await run.states()).toEqual({ s: "failed", after: "upstream_failed" });

      const soft = dagOf("sf", [sensor({ id: "s" }, { timeoutMs: 5_000, softFail: true }), task({ id: "after", upstream: ["s"] })]);
      const softRun = await RunDriver.start(s, soft, { runId: "sf1" });
      c = only(await claim(s, soft, at(1)));
      expect(await poke(s, soft, c, at(7))).toMatchObject({ state: "skipped", runState: "success" });
      expect(await softRun.states()).toEqual({ s: "skipped", after: "skipped" });
      expect((await s.listDeadLetters({ open: true })).map((d) => d.taskId)).toEqual(["s"]);
    });

    it("an error in a poke is a failed try with the task's retries; the retry waits on with the same clock", async () => {
      const s = ctx.store;
      const g = dagOf("e", [sensor({ id: "s", retries: 1, retryDelayMs: 1_000 })]);
      const run = await RunDriver.start(s, g, { runId: "e1" });
      let c = only(await claim(s, g, at(1)));
      await poke(s, g, c, at(2));
      c = only(await claim(s, g, at(12)));
      expect(await poke(s, g, c, at(13), "failed")).toMatchObject({ state: "retrying" });
      expect(await run.instance("s")).toMatchObject({ state: "retrying", pokes: 2, waitReason: null, waitingSince: at(1) });
      await s.queueDueRetries(at(14));
      c = only(await claim(s, g, at(14)));
      expect(c.tryNumber).toBe(2);
      expect(await poke(s, g, c, at(15))).toMatchObject({ state: "deferred" });
      expect(await run.instance("s")).toMatchObject({ tryNumber: 2, pokes: 3, waitingSince: at(1) });
      const tries = await s.listTries(c.instance.id);
      expect(tries.map((t) => [t.tryNumber, t.outcome])).toEqual([[1, "failed"], [2, "running"]]);
    });

    it("operators: cancelling the run or marking a waiting sensor closes its open try; clearing it is a conflict; a clear waits afresh", async () => {
      const s = ctx.store;
      const g = dagOf("o", [sensor({ id: "s" }), sensor({ id: "m" })]);
      const run = await RunDriver.start(s, g, { runId: "o1" });
      const claims = await claim(s, g, at(1));
      for (const c of claims) await poke(s, g, c, at(2));
      expect(await run.states()).toEqual({ s: "deferred", m: "deferred" });

      const clearing = s.clearTaskInstances({ runId: "o1", taskIds: ["s"], downstream: false, graph: g, now: at(3) });
      await expect(clearing).rejects.toBeInstanceOf(ConflictError);

      const marked = await s.markTaskInstance({ runId: "o1", taskId: "m", mapIndex: null, state: "success", graph: g, now: at(4) });
      expect(marked).toMatchObject({ state: "success", wakeAt: null, waitReason: null });
      expect((await s.listTries(marked.id)).map((t) => [t.outcome, t.errorKind])).toEqual([["failed", "cancelled"]]);

      await s.cancelRun({ runId: "o1", graph: g, now: at(5) });
      const cancelled = await run.instance("s");
      expect(cancelled).toMatchObject({ state: "failed", wakeAt: null, waitReason: null });
      expect((await s.listTries(cancelled.id)).map((t) => [t.outcome, t.errorKind])).toEqual([["failed", "cancelled"]]);
      expect(await s.listDeadLetters({ open: true })).toEqual([]);

      await s.clearRun({ runId: "o1", graph: g, onlyFailed: true, now: at(6) });
      expect(await run.instance("s")).toMatchObject({ state: "scheduled", pokes: 0, waitingSince: null });
    });

    it("one batch of completions records sensors' pokes one by one beside the set-based successes of other tasks", async () => {
      const s = ctx.store;
      const g = dagOf("mixed", [task({ id: "plain" }), sensor({ id: "waits" }), sensor({ id: "done" }), task({ id: "after", upstream: ["plain", "done"] })]);
      const run = await RunDriver.start(s, g, { runId: "mixed1" });
      const claimed = await claim(s, g, at(1));
      const of = (id: string) => claimed.find((c) => c.instance.taskId === id) as ClaimedTask;
      const input = (c: ClaimedTask, outcome: "success" | "deferred") => ({ taskInstanceId: c.instance.id, tryNumber: c.tryNumber, outcome, result: c.instance.taskId, graph: g, now: at(2) });
      const { results } = await s.completeTries([input(of("plain"), "success"), input(of("waits"), "deferred"), input(of("done"), "success")]);
      expect(results.map((r) => r.state)).toEqual(["success", "deferred", "success"]);
      // The run is reported as it is after the whole batch; `after` was queued once both of its upstreams succeeded.
      expect(results.every((r) => r.runState === "running")).toBe(true);
      expect(results.reduce((sum, r) => sum + r.queued, 0)).toBe(1);
      expect(await run.instance("waits")).toMatchObject({ state: "deferred", pokes: 1, tryNumber: 1 });
      expect(await run.instance("done")).toMatchObject({ state: "success", pokes: 1, result: "done" });
      expect(await run.instance("plain")).toMatchObject({ state: "success", pokes: 0 });
      expect(await run.instance("after")).toMatchObject({ state: "queued" });
    });

    it("two workers waking due sensors at once never wake or claim the same one", async () => {
      const a = ctx.store;
      const b = ctx.openAnother();
      const g = dagOf("race", Array.from({ length: 20 }, (_, i) => sensor({ id: `s${String(i).padStart(2, "0")}` })));
      await RunDriver.start(a, g, { runId: "race1" });
      for (const c of await claim(a, g, at(1), 100)) await poke(a, g, c, at(2));
      const seen: string[] = [];
      for (let round = 0; round < 6; round++) {
        const [fromA, fromB] = await Promise.all([claim(a, g, at(20), 3, "a"), claim(b, g, at(20), 3, "b")]);
        seen.push(...[...fromA, ...fromB].map((c) => c.instance.taskId));
      }
      seen.push(...(await claim(a, g, at(20), 100)).map((c) => c.instance.taskId));
      expect(seen.sort()).toEqual(g.tasks.map((t) => t.id));
      expect(await a.claimNextTasks({ workerId: "c", limit: 100, dagIds: ["race"], wakeDagIds: ["race"], now: at(20) })).toEqual([]);
    });
  });
}
