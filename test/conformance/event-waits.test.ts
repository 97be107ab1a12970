/**
 * The Store conformance suite, event waits (`ctx.waitForEvent`, docs/durable-steps.md): a try
 * that reached an event wait records its step waiting (named after the event, its end the
 * deadline) and is recorded `deferred` with wait reason `event` until the deadline; delivering
 * the event gives the step its payload and queues the instance at once; a delivery after the
 * deadline, or before the wait started, reaches nothing; and a delivery between the step's record
 * and the try's suspension leaves the instance due at once. Runs for every factory in `STORES`.
 */
import { describe, expect, it } from "vitest";
import type { ClaimedTask, StepRecord, Store } from "../../src/store/index.js";
import type { DagGraph } from "../../src/core/types.js";
import { at, RunDriver } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const pipeline = graph("waiter", [{ id: "waiter" }]);
const EVENT = "orders.shipped";

/** A worker's claim that wakes due waits of the DAG into free slots. */
function claim(store: Store, g: DagGraph, now: Date, limit = 5): Promise<ClaimedTask[]> {
  return store.claimNextTasks({ workerId: "worker-1", limit, dagIds: [g.dagId], wakeDagIds: [g.dagId], now });
}

/** The step `ctx.waitForEvent(EVENT, { timeout })` records when first reached at `startedAt`. */
function waitStep(claimed: ClaimedTask, startedAt: Date, deadline: Date, name = EVENT): StepRecord {
  return {
    taskInstanceId: claimed.instance.id,
    number: 1,
    name,
    kind: "event",
    tryNumber: claimed.tryNumber,
    resultJson: "null",
    startedAt,
    endedAt: deadline,
    waiting: true,
  };
}

/** A run whose one task reached its event wait at 2 s (deadline at 600 s), its try suspended unless `suspend` is false. */
async function waiting(store: Store, suspend = true): Promise<{ run: RunDriver; claimed: ClaimedTask; deadline: Date }> {
  const run = await RunDriver.start(store, pipeline, { now: at(0) });
  const [claimed] = await claim(store, pipeline, at(1), 1);
  if (!claimed) throw new Error("nothing claimed");
  const deadline = at(600);
  expect(await store.steps.record(waitStep(claimed, at(2), deadline))).toBe(true);
  if (suspend) {
    const result = await store.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: 1, outcome: "deferred", sleepsUntil: deadline, graph: pipeline, now: at(2) });
    expect(result).toMatchObject({ state: "deferred", wakeAt: deadline, applied: true });
  }
  return { run, claimed, deadline };
}

for (const factory of STORES) {
  describe.sequential(`Store conformance (${factory.name}): event waits`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("delivers an event to a waiting step: the payload is its result, and the instance is queued at once and resumes its try", async () => {
      const s = ctx.store;
      const { run, claimed, deadline } = await waiting(s);
      expect(await run.instance("waiter")).toMatchObject({ state: "deferred", waitReason: "event", wakeAt: deadline, workerId: null });
      expect(await s.steps.list(claimed.instance.id)).toEqual([waitStep(claimed, at(2), deadline)]);
      // Another event name reaches nothing.
      expect(await s.steps.deliverEvent({ name: "orders.cancelled", payloadJson: "{}", now: at(10) })).toBe(0);

      let told = 0;
      const unsubscribe = await ctx.openAnother().onTasksQueued(() => (told += 1));
      try {
        expect(await s.steps.deliverEvent({ name: EVENT, payloadJson: JSON.stringify({ order: 7 }), now: at(10) })).toBe(1);
        // Idle workers are told (another store on the same database: LISTEN/NOTIFY on PostgreSQL).
        await expect.poll(() => told, { timeout: 5_000 }).toBeGreaterThan(0);
      } finally {
        await unsubscribe();
      }
      const [step] = await s.steps.list(claimed.instance.id);
      expect(step).toEqual({ ...waitStep(claimed, at(2), at(10)), resultJson: JSON.stringify({ order: 7 }), waiting: undefined });
      expect(step?.waiting).toBeUndefined();
      expect(await run.instance("waiter")).toMatchObject({ state: "queued", wakeAt: null });
      // Delivered once: the same event again reaches nothing.
      expect(await s.steps.deliverEvent({ name: EVENT, payloadJson: "2", now: at(11) })).toBe(0);

      const [resumed, ...more] = await claim(s, pipeline, at(12));
      expect(more).toEqual([]);
      expect(resumed).toMatchObject({ tryNumber: 1, tryId: claimed.tryId, resumed: true, instance: { state: "running", startedAt: at(1) } });
      expect(await s.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: 1, outcome: "success", result: { order: 7 }, graph: pipeline, now: at(13) })).toMatchObject({
        state: "success",
        runState: "success",
      });
    });

    it("does not deliver an event after the wait's deadline: the wait times out and wakes at its deadline", async () => {
      const s = ctx.store;
      const { run, claimed, deadline } = await waiting(s);
      expect(await s.steps.deliverEvent({ name: EVENT, payloadJson: "1", now: deadline })).toBe(0);
      expect(await s.steps.deliverEvent({ name: EVENT, payloadJson: "1", now: at(700) })).toBe(0);
      expect((await s.steps.list(claimed.instance.id))[0]).toMatchObject({ resultJson: "null", waiting: true, endedAt: deadline });
      expect(await run.instance("waiter")).toMatchObject({ state: "deferred", waitReason: "event", wakeAt: deadline });
      const [woken] = await claim(s, pipeline, at(700));
      expect(woken).toMatchObject({ tryId: claimed.tryId, resumed: true });
    });

    it("does not deliver an event to a wait that has not started: an event is not kept for later", async () => {
      const s = ctx.store;
      const run = await RunDriver.start(s, pipeline, { now: at(0) });
      const [claimed] = await claim(s, pipeline, at(1), 1);
      if (!claimed) throw new Error("nothing claimed");
      // Posted before the task reached its wait: nobody waits yet.
      expect(await s.steps.deliverEvent({ name: EVENT, payloadJson: "1", now: at(1) })).toBe(0);
      expect(await s.steps.record(waitStep(claimed, at(2), at(600)))).toBe(true);
      expect((await s.steps.list(claimed.instance.id))[0]).toMatchObject({ waiting: true, resultJson: "null" });
      expect(await run.instance("waiter")).toMatchObject({ state: "running" });
    });

    it("reaches a wait recorded before the event even when the wait's start, from another machine's clock, is later", async () => {
      const s = ctx.store;
      await RunDriver.start(s, pipeline, { now: at(0) });
      const [mine] = await claim(s, pipeline, at(1), 1);
      if (!mine) throw new Error("nothing claimed");
      expect(await s.steps.record(waitStep(mine, at(5), at(600)))).toBe(true);
      // The worker's clock runs ahead of the API's: the event's time is before the recorded start.
      expect(await s.steps.deliverEvent({ name: EVENT, payloadJson: "1", now: at(3) })).toBe(1);
      expect((await s.steps.list(mine.instance.id))[0]).toMatchObject({ resultJson: "1" });
    });

    it("a wait woken by its deadline is settled to null: an event delivered later reaches nothing", async () => {
      const s = ctx.store;
      const { run, claimed, deadline } = await waiting(s, true);
      const [woken] = await claim(s, pipeline, deadline);
      expect(woken).toMatchObject({ tryId: claimed.tryId, resumed: true });
      // Posted with a time before the deadline (a skewed clock), after the wake-up committed.
      expect(await s.steps.deliverEvent({ name: EVENT, payloadJson: '"late"', now: new Date(deadline.getTime() - 10) })).toBe(0);
      const [step] = await s.steps.list(claimed.instance.id);
      expect(step).toMatchObject({ resultJson: "null" });
      expect(step?.waiting).toBeUndefined();
      expect(await run.instance("waiter")).toMatchObject({ state: "running" });
    });

    it("does not deliver to the wait of a finished task instance", async () => {
      const s = ctx.store;
      const { run, claimed } = await waiting(s, false);
      await s.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: 1, outcome: "failed", error: "boom", graph: pipeline, now: at(3) });
      expect(await run.instance("waiter")).toMatchObject({ state: "failed" });
      expect(await s.steps.deliverEvent({ name: EVENT, payloadJson: "1", now: at(4) })).toBe(0);
      expect((await s.steps.list(claimed.instance.id))[0]).toMatchObject({ waiting: true });
    });

    it("an event delivered between the step's record and the try's suspension leaves the instance due at once", async () => {
      const s = ctx.store;
      const { run, claimed, deadline } = await waiting(s, false);
      // The step is recorded, the try has not suspended yet: the event reaches the step; the instance is still running.
      expect(await s.steps.deliverEvent({ name: EVENT, payloadJson: '"shipped"', now: at(3) })).toBe(1);
      expect(await run.instance("waiter")).toMatchObject({ state: "running" });
      const suspended = await s.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: 1, outcome: "deferred", sleepsUntil: deadline, graph: pipeline, now: at(4) });
      expect(suspended).toMatchObject({ state: "deferred", wakeAt: at(4), applied: true });
      expect(await run.instance("waiter")).toMatchObject({ state: "deferred", waitReason: "event", wakeAt: at(4) });
      expect(await s.nextWakeAt({ dagIds: [pipeline.dagId] })).toEqual(at(4));
      const [woken] = await claim(s, pipeline, at(4));
      expect(woken).toMatchObject({ tryId: claimed.tryId, resumed: true });
      expect((await s.steps.list(claimed.instance.id))[0]).toMatchObject({ resultJson: '"shipped"', endedAt: at(3) });
    });

    it("a delivery racing the suspension from another store loses the event in neither order", async () => {
      const s = ctx.store;
      const other = ctx.openAnother();
      for (let round = 0; round < 5; round++) {
        const { run, claimed, deadline } = await waiting(s, false);
        const [delivered] = await Promise.all([
          other.steps.deliverEvent({ name: EVENT, payloadJson: String(round), now: at(3) }),
          s.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: 1, outcome: "deferred", sleepsUntil: deadline, graph: pipeline, now: at(3) }),
        ]);
        expect(delivered).toBe(1);
        const instance = await run.instance("waiter");
        // Queued by the delivery (it went second), or due at once (it went first).
        if (instance.state === "queued") expect(instance.wakeAt).toBeNull();
        else expect(instance).toMatchObject({ state: "deferred", wakeAt: at(3) });
        const [woken] = await claim(s, pipeline, at(3));
        expect(woken).toMatchObject({ tryId: claimed.tryId, resumed: true });
        await s.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: 1, outcome: "success", result: round, graph: pipeline, now: at(5) });
      }
    });
  });
}
