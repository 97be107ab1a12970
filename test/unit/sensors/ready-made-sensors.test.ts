/**
 * The ready-made sensors (`fileSensor`, `httpSensor`, `datasetFreshSensor`), run through the
 * testing kit: real files, a real HTTP server and the real store's dataset events; the waits
 * between pokes pass in virtual time.
 */
import { createServer, type Server } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dag, dataset, datasetFreshSensor, DagDefinitionError, fileSensor, httpSensor, type SensorContext } from "../../../src/index.js";
import { testDag } from "../../../src/testing/index.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-sensors-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("fileSensor", () => {
  it("waits until the file exists (its path may use the run's ds), then hands on its path, size and time", async () => {
    const dir = await tempDir();
    const target = join(dir, "orders-2024-03-01.csv");
    const waits = dag("file_wait", { startDate: "2024-03-01" }, (d) => {
      const file = d.sensor("orders_file", { ...fileSensor((ctx) => join(dir, `orders-${ctx.ds}.csv`)), every: "10m", timeout: "2h" });
      d.task("load", { inputs: { file } }, (_ctx, { file: found }) => found.bytes);
    });
    // The file appears while the sensor waits (just before its second poke), which then runs the sensor's own code.
    const definition = waits.definitions.get("orders_file");
    if (definition?.kind !== "sensor") throw new Error("not a sensor");
    const result = await testDag(waits, {
      mocks: {
        orders_file: async (ctx) => {
          if ((ctx as SensorContext).pokeNumber === 2) await writeFile(target, "id\n1\n");
          return definition.run(ctx as SensorContext, {});
        },
      },
    });
    expect(result.state).toBe("success");
    expect(result.task("orders_file").pokes).toBe(2);
    expect(result.resultOf("orders_file")).toMatchObject({ path: target, bytes: 5 });
    expect(result.resultOf<number>("load")).toBe(5);
    expect(result.elapsedMs).toBe(10 * 60_000);
  });

  it("times out when the file never comes; a bad path is an error when the DAG is defined", async () => {
    const dir = await tempDir();
    const waits = dag("file_never", { startDate: "2024-03-01" }, (d) => {
      d.sensor("orders_file", { ...fileSensor(join(dir, "never.csv")), every: "30m", timeout: "1h" });
    });
    const result = await testDag(waits);
    expect(result.states).toEqual({ orders_file: "failed" });
    expect(result.task("orders_file").pokes).toBe(3);
    expect(() => fileSensor("")).toThrow(DagDefinitionError);
  });
});

describe("httpSensor", () => {
  async function server(statuses: number[]): Promise<{ url: string; requests: () => number }> {
    let requests = 0;
    const http: Server = createServer((_req, res) => {
      const status = statuses[Math.min(requests++, statuses.length - 1)] ?? 500;
      res.writeHead(status).end("{}");
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => http.close(() => resolve())));
    const address = http.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return { url: `http://127.0.0.1:${address.port}/export`, requests: () => requests };
  }

  it("waits until the URL answers the expected status", async () => {
    const api = await server([404, 503, 202]);
    const waits = dag("http_wait", { startDate: "2024-03-01" }, (d) => {
      d.sensor("export_ready", { ...httpSensor(api.url, { expectStatus: [200, 202] }), every: "1m", timeout: "1h" });
    });
    const result = await testDag(waits);
    expect(result.state).toBe("success");
    expect(result.resultOf("export_ready")).toEqual({ status: 202 });
    expect(result.task("export_ready").pokes).toBe(3);
    expect(api.requests()).toBe(3);
    expect(result.logs("export_ready").map((l) => l.message)).toEqual([`${api.url} answered 404, waiting for 200 or 202`, `${api.url} answered 503, waiting for 200 or 202`]);
  });

  it("a refused connection is 'not yet', not an error; bad URLs and statuses are errors at definition", async () => {
    const api = await server([200]);
    const closed = api.url.replace(/:\d+\//, ":1/");
    const waits = dag("http_refused", { startDate: "2024-03-01" }, (d) => {
      d.sensor("up", { ...httpSensor(closed), every: "10m", timeout: "15m", softFail: true });
    });
    const result = await testDag(waits);
    expect(result.states).toEqual({ up: "skipped" });
    expect(result.task("up").pokes).toBe(3);
    expect(() => httpSensor("ftp://example.com/x")).toThrow(/http\(s\) URL/);
    expect(() => httpSensor("http://example.com", { expectStatus: 99 })).toThrow(/expectStatus/);
  });
});

describe("datasetFreshSensor", () => {
  const orders = dataset("postgres://warehouse/orders");

  it("is done once the dataset was updated within maxAge (here by an upstream task of the run)", async () => {
    const fresh = dag("fresh_orders", { startDate: "2024-03-01" }, (d) => {
      const write = d.task("write_orders", { outputs: [orders] }, () => 1);
      d.sensor("orders_fresh", { ...datasetFreshSensor(orders, { maxAge: "1h" }), after: [write], every: "5m", timeout: "1h" });
    });
    const result = await testDag(fresh);
    expect(result.state).toBe("success");
    expect(result.task("orders_fresh").pokes).toBe(1);
    expect(result.resultOf("orders_fresh")).toEqual({ uri: "postgres://warehouse/orders", updatedAt: result.dataInterval.end.toISOString() });
  });

  it("keeps waiting while the dataset has no update, or only an old one", async () => {
    const stale = dag("stale_orders", { startDate: "2024-03-01" }, (d) => {
      d.sensor("orders_fresh", { ...datasetFreshSensor(orders, { maxAge: "1h" }), every: "20m", timeout: "40m", softFail: true });
    });
    const result = await testDag(stale);
    expect(result.states).toEqual({ orders_fresh: "skipped" });
    expect(result.task("orders_fresh").pokes).toBe(3);
    expect(() => datasetFreshSensor(orders, { maxAge: "soon" })).toThrow(/invalid duration "soon"/);
  });
});
