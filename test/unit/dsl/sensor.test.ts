import { describe, expect, it } from "vitest";
import { DagDefinitionError } from "../../../src/core/errors.js";
import { z } from "zod";
import { dag, dataset } from "../../../src/dsl/index.js";
import { fileSensor } from "../../../src/sensors/index.js";

const orders = dataset("s3://lake/orders");

describe("d.sensor", () => {
  const sensed = dag("sensed", { defaults: { retries: 2, timeout: "30s" } }, (d) => {
    const ready = d.sensor("orders_ready", {
      inputs: { orders },
      poke: async (ctx, { orders: ds }) => ({ done: ctx.lastUpdated(ds) !== null, value: { at: "now" } }),
      every: "5m",
      timeout: "6h",
      softFail: true,
      pokeTimeout: "10s",
      retries: 1,
    });
    d.sensor("defaults", { poke: () => false });
    d.task("load", { inputs: { ready } }, (_ctx, { ready: found }) => found.at);
  });

  it("is a task of kind sensor with its wait policy; `timeout` is the whole wait, `pokeTimeout` the time limit of one poke", () => {
    const spec = sensed.graph.tasks.find((t) => t.id === "orders_ready");
    expect(spec).toMatchObject({
      kind: "sensor",
      sensor: { everyMs: 300_000, timeoutMs: 6 * 3_600_000, softFail: true },
      timeoutMs: 10_000,
      inputDatasets: ["s3://lake/orders"],
      retry: { retries: 1 },
    });
    expect(sensed.definitions.get("orders_ready")?.kind).toBe("sensor");
  });

  it("defaults: a poke a minute, a 7-day wait (Airflow's), no softFail; each poke gets the DAG's default timeout", () => {
    const spec = sensed.graph.tasks.find((t) => t.id === "defaults");
    expect(spec).toMatchObject({ kind: "sensor", sensor: { everyMs: 60_000, timeoutMs: 7 * 86_400_000, softFail: false }, timeoutMs: 30_000, retry: { retries: 2 } });
    const alone = dag("alone", {}, (d) => void d.sensor("s", { poke: () => true }));
    expect(alone.graph.tasks[0]?.timeoutMs).toBe(60_000);
  });

  it("ready-made sensors fit a DAG with typed params, and their results are typed downstream", () => {
    const typed = dag("typed", { params: z.object({ region: z.enum(["eu", "us"]).default("eu") }) }, (d) => {
      const file = d.sensor("file", { ...fileSensor((ctx) => `/data/${String(ctx.params["region"])}.csv`), every: "1m" });
      d.task("size", { inputs: { file } }, (ctx, { file: found }) => `${ctx.params.region}:${found.bytes}`);
    });
    expect(typed.graph.tasks.map((t) => t.kind)).toEqual(["sensor", "task"]);
  });

  it("other tasks' graphs keep their shape (no sensor field)", () => {
    expect("sensor" in (sensed.graph.tasks.find((t) => t.id === "load") ?? {})).toBe(false);
  });

  it("rejects a sensor without a poke function, a bad every or timeout, a poke timeout on a task, with the field named", () => {
    const attempt = (build: Parameters<typeof dag>[2]) => () => dag("bad", {}, build);
    expect(attempt((d) => void d.sensor("s", {} as never))).toThrow(new DagDefinitionError('a sensor needs `poke`: a function that answers true (done), false (not yet) or { done, value }', { dagId: "bad", taskId: "s", field: "poke" }));
    expect(attempt((d) => void d.sensor("s", { poke: () => true, every: "soon" }))).toThrow(/invalid duration "soon"/);
    expect(attempt((d) => void d.sensor("s", { poke: () => true, every: 0 }))).toThrow(/every must be longer than 0/);
    expect(attempt((d) => void d.sensor("s", { poke: () => true, softFail: "yes" as never }))).toThrow(/softFail must be true or false/);
    expect(attempt((d) => void d.task("t", { every: "1m" } as never, () => 1))).toThrow(/unknown option "every"/);
    try {
      dag("bad", {}, (d) => void d.sensor("s", { poke: () => true, timeout: "-1h" }));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ location: { taskId: "s", field: "timeout" } });
    }
  });
});
