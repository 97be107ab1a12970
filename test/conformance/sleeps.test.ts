/**
 * The Store conformance suite, durable sleeps (docs/durable-steps.md): a try that reached a
 * `ctx.sleep` is recorded as `deferred` with wait reason `sleep` until its wake-up time (no poke
 * counted, no sensor policy), its try left open and its sleep step kept; the claim that wakes it
 * goes on with the same try and says so (`resumed`). Runs for every factory in `STORES`.
 */
import { describe, expect, it } from "vitest";
import type { ClaimedTask, Store } from "../../src/store/index.js";
import type { DagGraph } from "../../src/core/types.js";
import { at, RunDriver } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const pipeline = graph("sleepy", [{ id: "sleeper" }, { id: "other" }]);
const TEN_MINUTES = 600_000;

/** A worker's claim that wakes due waits of the DAG into free slots. */
function claim(store: Store, g: DagGraph, now: Date, limit: number): Promise<ClaimedTask[]> {
  return store.claimNextTasks({ workerId: "worker-1", limit, dagIds: [g.dagId], wakeDagIds: [g.dagId], now });
}

for (const factory of STORES) {
  describe.sequential(`Store conformance (${factory.name}): durable sleeps`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("defers a sleeping try until its wake-up time, frees its slot, and resumes the same try", async () => {
      const s = ctx.store;
      const run = await RunDriver.start(s, pipeline, { now: at(0) });
      const [first] = await claim(s, pipeline, at(1), 1);
      if (!first) throw new Error("nothing claimed");
      const wakeAt = new Date(at(2).getTime() + TEN_MINUTES);
      expect(
        await s.steps.record({
          taskInstanceId: first.instance.id,
          number: 1,
          name: "sleep",
          kind: "sleep",
          tryNumber: first.tryNumber,
          resultJson: JSON.stringify({ wakeAt: wakeAt.toISOString() }),
          startedAt: at(2),
          endedAt: wakeAt,
        }),
      ).toBe(true);
      const slept = await s.completeTry({ taskInstanceId: first.instance.id, tryNumber: first.tryNumber, outcome: "deferred", sleepsUntil: wakeAt, graph: pipeline, now: at(2) });
      expect(slept).toMatchObject({ state: "deferred", wakeAt, runState: "running", applied: true });
      const sleeping = await run.instance(first.instance.taskId);
      expect(sleeping).toMatchObject({ state: "deferred", wakeAt, waitReason: "sleep", waitingSince: at(2), pokes: 0, workerId: null, tryNumber: 1 });
      expect((await s.listTries(first.instance.id)).map((t) => t.outcome)).toEqual(["running"]);
      expect(await s.nextWakeAt({ dagIds: [pipeline.dagId] })).toEqual(wakeAt);

      // The slot is free: the other task is claimed while the first sleeps, and the sleeper is not woken early.
      const during = await claim(s, pipeline, at(3), 1);
      expect(during.map((c) => [c.instance.taskId, c.resumed ?? false])).toEqual([[first.instance.taskId === "sleeper" ? "other" : "sleeper", false]]);
      expect(await claim(s, pipeline, at(300), 5)).toEqual([]);

      const [woken, ...more] = await claim(s, pipeline, new Date(wakeAt.getTime() + 1), 5);
      expect(more).toEqual([]);
      expect(woken).toMatchObject({ tryNumber: 1, tryId: first.tryId, resumed: true, instance: { id: first.instance.id, state: "running", startedAt: at(1) } });
      expect((await s.steps.list(first.instance.id)).map((step) => [step.number, step.kind, step.resultJson])).toEqual([
        [1, "sleep", JSON.stringify({ wakeAt: wakeAt.toISOString() })],
      ]);
      if (!woken) throw new Error("nothing woken");
      const end = new Date(wakeAt.getTime() + 5);
      expect(await s.completeTry({ taskInstanceId: woken.instance.id, tryNumber: 1, outcome: "success", result: "awake", graph: pipeline, now: end })).toMatchObject({ state: "success" });
      const tries = await s.listTries(first.instance.id);
      expect(tries.map((t) => [t.tryNumber, t.outcome, t.startedAt, t.endedAt])).toEqual([[1, "success", at(1), end]]);
      expect(await run.instance(first.instance.taskId)).toMatchObject({ state: "success", waitReason: null, wakeAt: null, pokes: 0 });
    });
  });
}
