/**
 * Sensors in the testing kit: pokes run in the test's process, and the waits between them (and
 * the timeout) pass in virtual time, through the same store rules as a deployment.
 */
import { describe, expect, it } from "vitest";
import { dag } from "../../../src/dsl/dag.js";
import { testDag } from "../../../src/testing/index.js";

const third = dag("third_poke", { startDate: "2024-03-01" }, (d) => {
  const ready = d.sensor("ready", {
    poke: (ctx) => (ctx.pokeNumber >= 3 ? { done: true, value: { at: ctx.pokedAt.toISOString() } } : false),
    every: "5m",
    timeout: "1h",
  });
  d.task("after", { inputs: { ready } }, (_ctx, { ready: found }) => found.at);
});

const never = (softFail: boolean) =>
  dag(`never_${String(softFail)}`, { startDate: "2024-03-01" }, (d) => {
    const ready = d.sensor("ready", { poke: () => false, every: "20m", timeout: "1h", softFail });
    d.task("after", { after: [ready] }, () => "ran");
  });

describe("sensors in testDag", () => {
  it("pokes every 5 minutes of virtual time until done; one try; the poke's value is the result", async () => {
    const began = performance.now();
    const result = await testDag(third);
    // Far below the 10 minutes of virtual time it skips; far above what it takes on a loaded machine.
    expect(performance.now() - began).toBeLessThan(15_000);
    expect(result.state).toBe("success");
    expect(result.task("ready")).toMatchObject({ state: "success", pokes: 3 });
    expect(result.tries("ready").map((t) => [t.tryNumber, t.outcome])).toEqual([[1, "success"]]);
    expect(result.elapsedMs).toBe(10 * 60_000);
    const start = result.dataInterval.end.getTime();
    expect(result.resultOf<string>("after")).toBe(new Date(start + 10 * 60_000).toISOString());
  });

  it("times out an hour after the first poke: failed, dead-lettered, downstream upstream_failed", async () => {
    const result = await testDag(never(false));
    expect(result.state).toBe("failed");
    expect(result.states).toEqual({ ready: "failed", after: "upstream_failed" });
    expect(result.task("ready")).toMatchObject({ pokes: 4, error: "the sensor timed out: not done after waiting 1h 0m (4 pokes)" });
    expect(result.tries("ready").map((t) => [t.outcome, t.errorKind])).toEqual([["failed", "timeout"]]);
    expect(result.elapsedMs).toBe(60 * 60_000);
  });

  it("softFail: the timeout skips the sensor and its downstream; the run succeeds", async () => {
    const result = await testDag(never(true));
    expect(result.state).toBe("success");
    expect(result.states).toEqual({ ready: "skipped", after: "skipped" });
  });

  it("a mock pokes in place of the sensor's code", async () => {
    let calls = 0;
    const result = await testDag(third, { mocks: { ready: () => (++calls === 2 ? { done: true, value: { at: "mocked" } } : false) } });
    expect(result.task("ready")).toMatchObject({ state: "success", pokes: 2 });
    expect(result.resultOf<string>("after")).toBe("mocked");
  });

  it("an error in a poke is a failed try, retried with the task's retries", async () => {
    const flaky = dag("flaky_poke", { startDate: "2024-03-01" }, (d) => {
      d.sensor("ready", {
        poke: (ctx) => {
          if (ctx.pokeNumber === 2) throw new Error("the service answered 500");
          return ctx.pokeNumber >= 3;
        },
        every: "1m",
        retries: 1,
        retryDelay: "30s",
      });
    });
    const result = await testDag(flaky);
    expect(result.state).toBe("success");
    expect(result.tries("ready").map((t) => [t.tryNumber, t.outcome])).toEqual([[1, "failed"], [2, "success"]]);
    expect(result.task("ready").pokes).toBe(3);
    expect(result.elapsedMs).toBe(90_000);
  });
});
