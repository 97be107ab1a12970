/**
 * Durable steps in the testing kit: `ctx.step` works in testDag as in a worker (stored in the
 * test's in-memory store, replayed by the next try), with step times on the virtual clock.
 */
import { describe, expect, it, vi } from "vitest";
import { dag } from "../../../src/dsl/dag.js";
import { testDag } from "../../../src/testing/index.js";

describe("testDag with durable steps", () => {
  it("replays the steps a failed try completed: each step's function runs once, in virtual time", async () => {
    const extract = vi.fn(() => ({ rows: 3 }));
    let loads = 0;
    const load = vi.fn((rows: number) => {
      loads++;
      if (loads === 1) throw new Error("the warehouse is down");
      return `loaded ${rows}`;
    });
    const notify = vi.fn(() => true);
    const pipeline = dag("stepped", { startDate: "2024-03-01", schedule: "@daily", defaults: { retries: 1, retryDelay: "30s" } }, (d) => {
      d.task("etl", async (ctx) => {
        const { rows } = await ctx.step("extract", extract);
        const loaded = await ctx.step("load", () => load(rows));
        await ctx.step("notify", notify);
        return loaded;
      });
    });

    const result = await testDag(pipeline, { logicalDate: "2024-03-01" });
    expect(result.state).toBe("success");
    expect(result.resultOf("etl")).toBe("loaded 3");
    expect([extract.mock.calls.length, load.mock.calls.length, notify.mock.calls.length]).toEqual([1, 2, 1]);

    const [first, second] = result.tries("etl");
    const steps = result.task("etl").steps;
    expect(steps.map(({ number, name, tryNumber, result }) => ({ number, name, tryNumber, result }))).toEqual([
      { number: 1, name: "extract", tryNumber: 1, result: { rows: 3 } },
      { number: 2, name: "load", tryNumber: 2, result: "loaded 3" },
      { number: 3, name: "notify", tryNumber: 2, result: true },
    ]);
    // The virtual clock stands still while a try runs: each step is stamped with its try's start.
    expect(steps.map((s) => s.startedAt)).toEqual([first?.startedAt, second?.startedAt, second?.startedAt]);
    expect(second?.waitedMs).toBe(30_000);
    expect(result.logs("etl", 2).map((l) => l.message).filter((m) => m.startsWith("step "))).toEqual([
      'step 1 "extract" replayed from try 1',
      'step 2 "load" done in 0 ms',
      'step 3 "notify" done in 0 ms',
    ]);
  });

  it("fails every try when a retry calls the steps in another order, saying which step changed", async () => {
    const pipeline = dag("reordered", { startDate: "2024-03-01", schedule: "@daily", defaults: { retries: 1, retryDelay: "1m" } }, (d) => {
      d.task("etl", async (ctx) => {
        const names = ctx.tryNumber === 1 ? ["extract", "load"] : ["load", "extract"];
        await ctx.step(names[0] ?? "", () => 1);
        if (ctx.tryNumber === 1) throw new Error("fail after the first step");
        await ctx.step(names[1] ?? "", () => 2);
      });
    });
    const result = await testDag(pipeline, { logicalDate: "2024-03-01" });
    expect(result.states).toEqual({ etl: "failed" });
    expect(result.tries("etl").map((t) => t.error)).toEqual([
      "fail after the first step",
      'StepOrderError: step 1 is "load" in this try but was "extract" when it completed (try 1): steps must be called in the same order on every try; clear the task instance to run all its steps again',
    ]);
  });
});
