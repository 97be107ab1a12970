/**
 * Event waits in the testing kit: `ctx.waitForEvent` suspends the try in the test's store
 * (deferred, holding no slot); the option `events` posts events at virtual times, and a wait no
 * event reaches resolves to null at exactly its deadline.
 */
import { describe, expect, it } from "vitest";
import { dag } from "../../../src/dsl/dag.js";
import { testDag } from "../../../src/testing/index.js";

const MINUTE = 60_000;

describe("testDag with ctx.waitForEvent", () => {
  it("an event posted at 5m reaches the waiting task: its payload flows to the task's result, and the slot was free meanwhile", async () => {
    const calls = { before: 0, after: 0 };
    const pipeline = dag("shipping", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
      d.task("waiter", { priority: 10 }, async (ctx) => {
        const order = await ctx.step("order", () => ++calls.before);
        const shipped = await ctx.waitForEvent<{ carrier: string }>("orders.shipped", { timeout: "2h" });
        calls.after++;
        return { order, carrier: shipped?.carrier ?? null };
      });
      d.task("other", () => "ran meanwhile");
    });

    const result = await testDag(pipeline, {
      logicalDate: "2024-03-01",
      concurrency: 1,
      events: [
        { at: "1m", name: "orders.cancelled", payload: { why: "not this one" } },
        { at: "5m", name: "orders.shipped", payload: { carrier: "ups" } },
      ],
    });
    expect(result.states).toEqual({ waiter: "success", other: "success" });
    expect(result.resultOf("waiter")).toEqual({ order: 1, carrier: "ups" });
    expect(calls).toEqual({ before: 1, after: 1 });

    const [waiterTry, ...more] = result.tries("waiter");
    expect(more).toEqual([]);
    const start = waiterTry?.startedAt.getTime() ?? Number.NaN;
    expect(waiterTry?.endedAt.getTime()).toBe(start + 5 * MINUTE);
    // With one slot, the other task ran while the waiter waited.
    const [otherTry] = result.tries("other");
    expect(otherTry?.endedAt.getTime()).toBeLessThan(start + 5 * MINUTE);

    const [, wait] = result.task("waiter").steps;
    expect(wait).toMatchObject({ number: 2, name: "orders.shipped", kind: "event", result: { carrier: "ups" }, waiting: false });
    expect(wait?.endedAt.getTime()).toBe(start + 5 * MINUTE);
    expect(result.logs("waiter").map((l) => l.message).filter((m) => m.startsWith("step 2"))).toEqual([
      `step 2 waits for event "orders.shipped" until ${new Date(start + 120 * MINUTE).toISOString()} without a worker slot`,
      `step 2 event "orders.shipped" received at ${new Date(start + 5 * MINUTE).toISOString()}`,
    ]);
  });

  it("a wait no event reaches resolves to null at exactly its deadline; an event after it reaches nothing", async () => {
    const pipeline = dag("late", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
      d.task("waiter", async (ctx) => ({ got: await ctx.waitForEvent("orders.shipped", { timeout: "30m" }) }));
    });
    const result = await testDag(pipeline, { logicalDate: "2024-03-01", events: [{ at: "31m", name: "orders.shipped", payload: { late: true } }] });
    expect(result.resultOf("waiter")).toEqual({ got: null });
    const [only] = result.tries("waiter");
    const start = only?.startedAt.getTime() ?? Number.NaN;
    expect(only?.endedAt.getTime()).toBe(start + 30 * MINUTE);
    // Settled to null by the wake-up at its deadline: the late event found no waiting step.
    const [step] = result.task("waiter").steps;
    expect(step).toMatchObject({ kind: "event", result: null });
    expect(step?.waiting).not.toBe(true);
    expect(result.logs("waiter").at(-1)?.message).toBe(`step 1 event "orders.shipped" timed out at ${new Date(start + 30 * MINUTE).toISOString()}: resolves to null`);
  });

  it("rejects a bad event in the option, naming it", async () => {
    const pipeline = dag("bad_events", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
      d.task("t", () => 1);
    });
    await expect(testDag(pipeline, { events: [{ at: "1m", name: "no spaces allowed" }] })).rejects.toThrow(/events\[0\]\.name/);
    await expect(testDag(pipeline, { events: [{ at: "soon", name: "ok" }] })).rejects.toThrow(/events\[0\]\.at/);
  });

  it("ctx.waitForEvent without a timeout fails the try with a message saying what is missing", async () => {
    const pipeline = dag("no_timeout", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
      d.task("waiter", (ctx) => ctx.waitForEvent("orders.shipped", {} as { timeout: string }));
    });
    const result = await testDag(pipeline, { logicalDate: "2024-03-01" });
    expect(result.states).toEqual({ waiter: "failed" });
    expect(result.task("waiter").error).toMatch(/ctx\.waitForEvent\("orders\.shipped"\) needs \{ timeout \}/);
  });
});
