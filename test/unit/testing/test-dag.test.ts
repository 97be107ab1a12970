/**
 * The testing kit (`tributary/testing`): DAG runs in memory on a virtual clock, through the real
 * store engine, with tasks running in the test's process.
 */
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { dag } from "../../../src/dsl/dag.js";
import { dataset } from "../../../src/dsl/dataset.js";
import { testDag } from "../../../src/testing/index.js";

const flaky = dag(
  "flaky",
  { startDate: "2024-01-01", schedule: "@daily", defaults: { retries: 4, retryDelay: "30s", backoff: "exponential", timeout: "1h" } },
  (d) => {
    const fetched = d.task("fetch", async (ctx) => {
      if (ctx.tryNumber < 5) throw new Error(`503 on try ${ctx.tryNumber}`);
      ctx.log.info("got it on try", ctx.tryNumber);
      return { rate: 1.1 };
    });
    d.task("use", { inputs: { fetched } }, async (_ctx, { fetched }) => fetched.rate * 2);
  },
);

/**
 * What a run may take in real time: far below the virtual waits it skips (minutes to an hour), far
 * above the second it takes under the whole suite's load (1.3 s once, beside a bound of 1 s that
 * failed: fixtures/testing-kit/node-test-runner.ts).
 */
const REAL_TIME_BOUND_MS = 15_000;

describe("testDag", () => {
  it("runs 4 retries with a 30 s exponential backoff without waiting them (30, 60, 120, 240 s of virtual time)", async () => {
    const began = performance.now();
    const result = await testDag(flaky, { logicalDate: "2024-03-01" });
    // Real waits would be 450 s; the run itself takes about a second on a loaded machine.
    expect(performance.now() - began).toBeLessThan(REAL_TIME_BOUND_MS);
    expect(result.state).toBe("success");
    expect(result.states).toEqual({ fetch: "success", use: "success" });
    expect(result.tries("fetch").map((t) => t.outcome)).toEqual(["failed", "failed", "failed", "failed", "success"]);
    expect(result.retryWaits("fetch")).toEqual([30_000, 60_000, 120_000, 240_000]);
    // The waits are in the recorded virtual times too.
    const tries = result.tries("fetch");
    for (let i = 1; i < tries.length; i++) {
      expect(tries[i]!.startedAt.getTime() - tries[i - 1]!.endedAt.getTime()).toBe(tries[i]!.waitedMs);
    }
    expect(result.elapsedMs).toBe(450_000);
    expect(result.resultOf<number>("use")).toBeCloseTo(2.2);
    expect(result.logs("fetch", 1).at(-1)?.message).toMatch(/^try 1 failed \(error\): Error: 503 on try 1/);
    expect(result.logs("fetch", 5).map((l) => l.message)).toEqual(["got it on try 5"]);
    expect(result.logicalDate.toISOString()).toBe("2024-03-01T00:00:00.000Z");
    expect(result.dagVersion).toMatch(/^[0-9a-f]{16}$/);
  });

  it("dead-letters after the last retry and marks downstream upstream_failed", async () => {
    const result = await testDag(flaky, { logicalDate: "2024-03-01", failures: { fetch: 5 } });
    expect(result.state).toBe("failed");
    expect(result.states).toEqual({ fetch: "failed", use: "upstream_failed" });
    expect(result.tries("fetch")).toHaveLength(5);
    expect(result.tries("fetch")[0]?.error).toBe("injected failure of try 1");
  });

  it("mocks replace task code (functions or values) and receive typed context and inputs", async () => {
    const spy = vi.fn((_ctx: unknown, inputs: Readonly<Record<string, unknown>>) => (inputs["fetched"] as { rate: number }).rate + 1);
    const result = await testDag(flaky, { logicalDate: "2024-03-01", mocks: { fetch: { rate: 10 }, use: spy } });
    expect(result.states).toEqual({ fetch: "success", use: "success" });
    expect(result.tries("fetch")).toHaveLength(1);
    expect(result.resultOf("use")).toBe(11);
    expect(spy).toHaveBeenCalledOnce();
  });

  it("a scripted timeout takes the task's timeout in virtual time and none in real time", async () => {
    const began = performance.now();
    const result = await testDag(flaky, { logicalDate: "2024-03-01", failures: { fetch: ["timeout", "run"] }, mocks: { fetch: { rate: 1 } } });
    expect(performance.now() - began).toBeLessThan(REAL_TIME_BOUND_MS);
    const [first, second] = result.tries("fetch");
    expect(first?.errorKind).toBe("timeout");
    expect(first?.error).toMatch(/timed out after 1h/);
    expect(first!.endedAt.getTime() - first!.startedAt.getTime()).toBe(3_600_000);
    expect(second?.waitedMs).toBe(30_000);
    expect(result.state).toBe("success");
  });

  it("a task that really hangs past its timeout is aborted after the real-time limit", async () => {
    const hanging = dag("hanging", { defaults: { timeout: "10m" } }, (d) => {
      d.task("wait", (ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))));
    });
    const result = await testDag(hanging, { logicalDate: "2024-03-01", realTimeLimitMs: 50 });
    expect(result.states).toEqual({ wait: "failed" });
    expect(result.tries("wait")[0]?.errorKind).toBe("timeout");
    expect(result.elapsedMs).toBe(600_000);
  });

  it("params are validated with defaults; secrets reach only the tasks that declare them; dataset events are kept", async () => {
    const out = dataset("s3://bucket/out");
    const withParams = dag("with_params", { params: z.object({ region: z.enum(["eu", "us"]).default("eu") }) }, (d) => {
      d.task("a", { secrets: ["API_KEY"], outputs: [out] }, (ctx) => {
        ctx.emit(out, { rows: 3 });
        return `${ctx.params.region}:${ctx.secrets.has("API_KEY") ? ctx.secrets.get("API_KEY") : "none"}:${ctx.ds}`;
      });
      d.task("b", (ctx) => (ctx.secrets.has("API_KEY") ? ctx.secrets.get("API_KEY") : "none"));
    });
    const result = await testDag(withParams, { logicalDate: "2024-03-01", params: { region: "us" }, secrets: { API_KEY: "k" } });
    expect(result.resultOf("a")).toBe("us:k:2024-03-01");
    expect(result.resultOf("b")).toBe("none");
    expect(result.datasetEvents.filter((e) => e.metadata["rows"] === 3).map((e) => [e.uri, e.taskId])).toEqual([["s3://bucket/out", "a"]]);
    await expect(testDag(withParams, { params: { regoin: "us" } })).rejects.toThrow(/regoin/);
    expect((await testDag(withParams, { logicalDate: "2024-03-01" })).resultOf("a")).toBe("eu:none:2024-03-01");
  });

  it("branches, trigger rules and mapping follow the real engine", async () => {
    const shape = dag("shape", {}, (d) => {
      const items = d.task("list", () => [1, 2, 3]);
      const doubled = d.map("double", { over: items }, (_ctx, n: number) => n * 2);
      const pick = d.branch("pick", { inputs: { doubled } }, (_ctx, { doubled }) => (doubled.length > 2 ? "big" : "small"));
      d.task("big", { after: [pick] }, () => "big");
      d.task("small", { after: [pick] }, () => "small");
      d.task("join", { after: ["big", "small"], triggerRule: "none_failed_min_one_success" }, () => "joined");
    });
    const result = await testDag(shape, { logicalDate: "2024-03-01" });
    expect(result.resultOf<number[]>("double")).toEqual([2, 4, 6]);
    expect(result.instances.filter((i) => i.taskId === "double").map((i) => i.mapIndex)).toEqual([0, 1, 2]);
    expect(result.states).toMatchObject({ big: "success", small: "skipped", join: "success" });
    const mocked = await testDag(shape, { logicalDate: "2024-03-01", mocks: { pick: "small" } });
    expect(mocked.states).toMatchObject({ big: "skipped", small: "success", join: "success" });
  });

  it("an unknown task id in mocks or failures names the DAG and the task", async () => {
    await expect(testDag(flaky, { mocks: { fetchh: 1 } })).rejects.toThrow(/mocks names task "fetchh", which is not in DAG "flaky"/);
    await expect(testDag(flaky, { failures: { nope: 1 } })).rejects.toThrow(/failures names task "nope"/);
  });
});
