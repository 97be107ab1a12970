/**
 * Durable sleeps in the testing kit: `ctx.sleep` suspends the try in the test's store (deferred,
 * holding no slot) and the virtual clock brings it back at its wake-up time.
 */
import { describe, expect, it } from "vitest";
import { dag } from "../../../src/dsl/dag.js";
import { testDag } from "../../../src/testing/index.js";

const TEN_MINUTES = 10 * 60_000;

describe("testDag with ctx.sleep", () => {
  it("frees the slot while a task sleeps 10m: another task runs meanwhile, the sleeper resumes on time", async () => {
    const calls = { extract: 0, body: 0, after: 0 };
    const pipeline = dag("sleepy", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
      // Highest priority: claimed first, so the only slot is the sleeper's until it sleeps.
      d.task("sleeper", { priority: 10 }, async (ctx) => {
        calls.body++;
        const rows = await ctx.step("extract", () => ++calls.extract * 3);
        await ctx.sleep("10m");
        calls.after++;
        return { rows, wokeAt: ctx.tryNumber };
      });
      d.task("other", () => "done meanwhile");
    });

    const result = await testDag(pipeline, { logicalDate: "2024-03-01", concurrency: 1 });
    expect(result.states).toEqual({ sleeper: "success", other: "success" });
    expect(result.resultOf("sleeper")).toEqual({ rows: 3, wokeAt: 1 });
    // The step ran once; the code outside steps ran on the first run and on the resumption.
    expect(calls).toEqual({ extract: 1, body: 2, after: 1 });

    // One try, suspended and resumed: it ends 10 virtual minutes after it started.
    const [sleeperTry, ...moreTries] = result.tries("sleeper");
    expect(moreTries).toEqual([]);
    const start = sleeperTry?.startedAt.getTime() ?? Number.NaN;
    expect(sleeperTry?.endedAt.getTime()).toBe(start + TEN_MINUTES);
    // With one slot, the other task could only run because the sleeper gave its slot back.
    const [otherTry] = result.tries("other");
    expect(otherTry?.startedAt.getTime()).toBeGreaterThanOrEqual(start);
    expect(otherTry?.endedAt.getTime()).toBeLessThan(start + TEN_MINUTES);

    const steps = result.task("sleeper").steps;
    expect(steps.map(({ number, name, kind, tryNumber, result }) => ({ number, name, kind, tryNumber, result }))).toEqual([
      { number: 1, name: "extract", kind: "run", tryNumber: 1, result: 3 },
      { number: 2, name: "sleep", kind: "sleep", tryNumber: 1, result: { wakeAt: new Date(start + TEN_MINUTES).toISOString() } },
    ]);
    expect(steps[1]?.endedAt.getTime()).toBe(start + TEN_MINUTES);
    expect(result.logs("sleeper").map((l) => l.message).filter((m) => m.startsWith("step "))).toEqual([
      'step 1 "extract" done in 0 ms',
      `step 2 "sleep" for 10m 0s: the try waits until ${new Date(start + TEN_MINUTES).toISOString()} without a worker slot`,
      'step 1 "extract" replayed from try 1',
      `step 2 "sleep" done: woke at ${new Date(start + TEN_MINUTES).toISOString()}`,
    ]);
  });

  it("sleeps one after another: each sleep suspends the try once, from where the last one woke", async () => {
    const pipeline = dag("two_sleeps", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
      d.task("waiter", async (ctx) => {
        await ctx.sleep("1h");
        await ctx.sleep(30 * 60_000);
        return "awake";
      });
    });
    const result = await testDag(pipeline, { logicalDate: "2024-03-01" });
    expect(result.resultOf("waiter")).toBe("awake");
    const [only] = result.tries("waiter");
    expect((only?.endedAt.getTime() ?? 0) - (only?.startedAt.getTime() ?? 0)).toBe(90 * 60_000);
    expect(result.task("waiter").steps.map((s) => s.kind)).toEqual(["sleep", "sleep"]);
  });

  it("fails the try with a clear error for a duration it cannot read, or a sleep inside a step", async () => {
    const pipeline = dag("bad_sleeps", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
      d.task("bad_duration", async (ctx) => {
        await ctx.sleep("ten minutes");
      });
      d.task("nested", async (ctx) => {
        await ctx.step("outer", () => ctx.sleep("1m"));
      });
    });
    const result = await testDag(pipeline, { logicalDate: "2024-03-01" });
    expect(result.states).toEqual({ bad_duration: "failed", nested: "failed" });
    expect(result.task("bad_duration").error).toContain('ctx.sleep: invalid duration "ten minutes"');
    expect(result.task("nested").error).toContain('ctx.sleep was called inside step "outer"');
  });

  it("refuses ctx.sleep in a sensor's poke: a sensor waits between pokes already", async () => {
    const pipeline = dag("sleepy_sensor", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
      d.sensor("wait_for_file", {
        every: "1m",
        timeout: "1h",
        poke: async (ctx) => {
          await ctx.sleep("5m");
          return true;
        },
      });
    });
    const result = await testDag(pipeline, { logicalDate: "2024-03-01" });
    expect(result.states).toEqual({ wait_for_file: "failed" });
    expect(result.task("wait_for_file").error).toContain('ctx.sleep cannot be used in sensor "wait_for_file"');
  });

  it("fails a resumed try whose code no longer sleeps where it slept, naming the step", async () => {
    let resumed = false;
    const pipeline = dag("changed", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
      d.task("etl", async (ctx) => {
        if (!resumed) {
          resumed = true;
          await ctx.sleep("5m");
        }
        await ctx.step("load", () => 1);
      });
    });
    const result = await testDag(pipeline, { logicalDate: "2024-03-01" });
    expect(result.states).toEqual({ etl: "failed" });
    expect(result.task("etl").error).toContain('step 1 is "load" in this try but was a sleep when it completed (try 1)');
  });
});
