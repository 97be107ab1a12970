/**
 * The lineage example end to end (examples/lineage.ts): `orders_pipeline` writes raw_orders and
 * clean_orders; `daily_revenue_report` and `customer_churn_model` are scheduled on clean_orders.
 * A real service (scheduler + worker) runs it on SQLite and sends OpenLineage events over real
 * HTTP to a local server and to a file; every event is validated against the OpenLineage schema.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LineageService } from "../../src/lineage/lineage-service.js";
import { listDatasets } from "../../src/lineage/datasets.js";
import { recordExternalDatasetEvent } from "../../src/lineage/external-events.js";
import { TributaryService } from "../../src/app/tributary-service.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import { countCalls, type CallCounter } from "../support/call-counter.js";
import { waitFor } from "../support/wait-for.js";
import type { Store } from "../../src/store/index.js";
import { assertOpenLineageEvent } from "../unit/lineage/openlineage-schema.js";

const DAGS = resolve(import.meta.dirname, "../fixtures/lineage-dags");
const CLEAN = "postgres://warehouse/clean_orders";

interface ReceivedEvent {
  readonly eventType: string;
  readonly job: { readonly name: string };
  readonly run: { readonly runId: string; readonly facets: Record<string, { run?: { runId: string } } & Record<string, unknown>> };
  readonly inputs: readonly { readonly namespace: string; readonly name: string }[];
  readonly outputs: readonly { readonly namespace: string; readonly name: string }[];
}

let dir: string;
let store: Store;
let service: TributaryService;
let server: Server;
const received: ReceivedEvent[] = [];

const until = (what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => waitFor(check, { what, timeoutMs, intervalMs: 100 });
/** The scheduler's store, counting its ticks (each one reads the paused DAGs once, as it begins). */
let ticks: CallCounter<Store>;
/** Waits for `n` whole scheduler ticks: the one running now may have read the state before. */
const ticksPass = async (n: number): Promise<void> => {
  const from = ticks.calls("listPausedDagIds");
  await until(`${n} scheduler ticks`, () => Promise.resolve(ticks.calls("listPausedDagIds") > from + n));
};

const runsOf = async (dagId: string, state?: "success") => store.listRuns({ dagId, ...(state ? { states: [state] } : {}) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-lineage-"));
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push(JSON.parse(body) as ReceivedEvent);
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  store = openSqliteStore({ path: join(dir, "t.db") });
  const report = await store.migrate();
  if (report.error) throw report.error;
  ticks = countCalls(store, ["listPausedDagIds"]);
  service = new TributaryService({
    store: ticks.target,
    dagsDir: DAGS,
    concurrency: 2,
    tickMs: 100,
    reloadMs: 0,
    openLineage: {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`,
      file: join(dir, "openlineage.jsonl"),
      namespace: "tributary-test",
    },
  });
  await service.start();
}, 60_000);

afterAll(async () => {
  await service.stop(5_000);
  await store.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("lineage example", () => {
  it("clean_orders written by the pipeline triggers both consumer DAGs once each, recording the events", async () => {
    await until("orders_pipeline to succeed", async () => (await runsOf("orders_pipeline", "success")).length >= 1);
    await until("both consumers to succeed", async () =>
      (await runsOf("daily_revenue_report", "success")).length === 1 && (await runsOf("customer_churn_model", "success")).length === 1,
    );
    // More ticks pass: nothing new is triggered by the same events.
    await ticksPass(5);
    const report = await runsOf("daily_revenue_report");
    const churn = await runsOf("customer_churn_model");
    expect(report.map((r) => r.runType)).toEqual(["event"]);
    expect(churn).toHaveLength(1);
    const triggers = await store.lineage.listRunTriggers(report[0]?.runId ?? "");
    expect(triggers.map((e) => [e.uri, e.dagId, e.taskId, e.tryNumber])).toEqual([[CLEAN, "orders_pipeline", "transform_orders", 1]]);
    expect(triggers[0]?.metadata).toMatchObject({ rows: 48 });
  }, 60_000);

  it("downstream raw_orders lists transform_orders, clean_orders and both consumers", async () => {
    const lineage = new LineageService(store);
    const result = await lineage.downstream("postgres://warehouse/raw_orders");
    const names = result.nodes.map((n) => n.name);
    expect(names).toEqual(expect.arrayContaining([
      "orders_pipeline.transform_orders",
      CLEAN,
      "daily_revenue_report",
      "daily_revenue_report.build_report",
      "customer_churn_model",
      "customer_churn_model.train_model",
    ]));
    expect(names).not.toContain("orders_pipeline.ingest_orders");
    const datasets = await listDatasets(store, lineage);
    const clean = datasets.find((d) => d.uri === CLEAN);
    expect(clean).toMatchObject({ producers: ["orders_pipeline.transform_orders"], lastWriter: { kind: "task", dagId: "orders_pipeline", taskId: "transform_orders" } });
    expect(clean?.freshnessMs).toBeGreaterThanOrEqual(0);
  });

  it("an external update of clean_orders triggers both consumers once more", async () => {
    await recordExternalDatasetEvent(store, { uri: "Postgres://Warehouse/clean_orders/", metadata: { rows: 5 }, source: "api" });
    await until("second consumer runs", async () =>
      (await runsOf("daily_revenue_report", "success")).length === 2 && (await runsOf("customer_churn_model", "success")).length === 2,
    );
    await ticksPass(5);
    expect(await runsOf("daily_revenue_report")).toHaveLength(2);
    expect(await runsOf("customer_churn_model")).toHaveLength(2);
    await expect(recordExternalDatasetEvent(store, { uri: "clean_orders" })).rejects.toThrow(/invalid dataset URI/);
    await expect(recordExternalDatasetEvent(store, { uri: CLEAN, metadata: { rows: [1] } })).rejects.toThrow(/metadata.rows/);
  }, 60_000);

  it("sends valid OpenLineage START and COMPLETE events for every run and try, over HTTP and to the file", async () => {
    // Events are delivered asynchronously, one job's may land after another's: wait for every
    // job this test counts, not just one of them.
    const completes = (job: string) => received.filter((e) => e.eventType === "COMPLETE" && e.job.name === job).length;
    await until("the consumers' COMPLETE events", async () =>
      completes("customer_churn_model") >= 2 && completes("daily_revenue_report.build_report") >= 2 &&
      completes("orders_pipeline") >= 1 && completes("orders_pipeline.transform_orders") >= 1,
    );
    for (const event of received) assertOpenLineageEvent(event);
    const kinds = (job: string) => received.filter((e) => e.job.name === job).map((e) => e.eventType);
    expect(kinds("orders_pipeline")).toEqual(["START", "COMPLETE"]);
    expect(kinds("orders_pipeline.transform_orders")).toEqual(["START", "COMPLETE"]);
    expect(kinds("daily_revenue_report.build_report")).toEqual(["START", "COMPLETE", "START", "COMPLETE"]);
    const transform = received.find((e) => e.job.name === "orders_pipeline.transform_orders" && e.eventType === "COMPLETE");
    const pipeline = received.find((e) => e.job.name === "orders_pipeline" && e.eventType === "START");
    expect(transform?.inputs).toEqual([{ namespace: "postgres://warehouse", name: "raw_orders" }]);
    expect(transform?.outputs.map((o) => o.name)).toEqual(["clean_orders"]);
    expect(transform?.run.facets["parent"]?.run?.runId).toBe(pipeline?.run.runId);
    expect(transform?.run.facets["nominalTime"]).toBeDefined();

    await service.stop(5_000);
    const lines = readFileSync(join(dir, "openlineage.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as ReceivedEvent);
    for (const line of lines) assertOpenLineageEvent(line);
    expect(lines.length).toBe(received.length);
  }, 60_000);
});
