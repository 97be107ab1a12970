/**
 * Conformance of durable steps (store/contract/steps.ts) on every store in STORES: a running try
 * records its completed steps, a later try of the same instance lists them in call order, a try
 * that no longer owns its instance records nothing, and a clear forgets them.
 */
import { describe, expect, it } from "vitest";
import type { StepRecord } from "../../src/store/index.js";
import { at, RunDriver } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const pipeline = graph("durable", [{ id: "load", retries: 2 }]);

function step(taskInstanceId: number, tryNumber: number, number: number, name: string, result: unknown, seconds = number): StepRecord {
  return {
    taskInstanceId,
    number,
    name,
    kind: "run",
    tryNumber,
    resultJson: JSON.stringify(result),
    startedAt: at(seconds),
    endedAt: at(seconds + 0.5),
  };
}

for (const factory of STORES) {
  describe.sequential(`Store conformance (${factory.name}): durable steps`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("keeps the steps a try completed for the instance's next try, in call order, seen by another process", async () => {
      const { store } = ctx;
      const run = await RunDriver.start(store, pipeline, { now: at(0) });
      await run.claim(at(1));
      const { instance, tryNumber } = run.claimOf("load");
      expect(await store.steps.list(instance.id)).toEqual([]);
      // Recorded out of order (concurrent steps finish in any order), listed in call order.
      expect(await store.steps.record(step(instance.id, tryNumber, 2, "transform", { rows: 2 }))).toBe(true);
      expect(await store.steps.record(step(instance.id, tryNumber, 1, "extract", [1, 2]))).toBe(true);
      // The same step again (a repeated message) keeps the first record.
      expect(await store.steps.record(step(instance.id, tryNumber, 1, "extract", "other"))).toBe(true);
      await run.fail("load", at(5));

      const steps = await ctx.openAnother().steps.list(instance.id);
      expect(steps).toEqual([step(instance.id, 1, 1, "extract", [1, 2]), step(instance.id, 1, 2, "transform", { rows: 2 })]);
      expect(await store.steps.listForRun(run.runId)).toEqual(new Map([[instance.id, steps]]));
    });

    it("records nothing for a try that no longer owns its instance: finished, a zombie, or an older try", async () => {
      const { store } = ctx;
      const run = await RunDriver.start(store, pipeline, { now: at(0) });
      await run.claim(at(1));
      const first = run.claimOf("load");
      await run.fail("load", at(2));
      // Failed, waiting for its retry: try 1 is over.
      expect(await store.steps.record(step(first.instance.id, 1, 1, "extract", 1))).toBe(false);
      await store.queueDueRetries(at(3_600));
      await run.claim(at(3_601));
      expect(run.claimOf("load").tryNumber).toBe(2);
      // Try 2 runs: try 1 still may not record, try 2 may.
      expect(await store.steps.record(step(first.instance.id, 1, 1, "extract", 1))).toBe(false);
      expect(await store.steps.record(step(first.instance.id, 2, 1, "extract", 2))).toBe(true);
      // The zombie sweep takes try 2 away: its next step is refused.
      const zombies = await store.findZombies(at(100_000));
      expect(zombies.map((z) => z.taskInstanceId)).toEqual([first.instance.id]);
      await store.completeTry({ taskInstanceId: first.instance.id, tryNumber: 2, outcome: "failed", error: "zombie", errorKind: "zombie", graph: pipeline, now: at(100_000) });
      expect(await store.steps.record(step(first.instance.id, 2, 2, "transform", 2))).toBe(false);
      expect((await store.steps.list(first.instance.id)).map((s) => [s.number, s.tryNumber])).toEqual([[1, 2]]);
      // An instance that does not exist records nothing either.
      expect(await store.steps.record(step(999_999, 1, 1, "extract", 1))).toBe(false);
    });

    it("forgets the steps of a cleared instance: its next try runs every step again", async () => {
      const { store } = ctx;
      const run = await RunDriver.start(store, pipeline, { now: at(0) });
      await run.claim(at(1));
      const { instance, tryNumber } = run.claimOf("load");
      await store.steps.record(step(instance.id, tryNumber, 1, "extract", 1));
      await run.succeed("load", null, at(2));
      await store.clearTaskInstances({ runId: run.runId, taskIds: ["load"], downstream: false, graph: pipeline, now: at(3) });
      expect(await store.steps.list(instance.id)).toEqual([]);
    });
  });
}
