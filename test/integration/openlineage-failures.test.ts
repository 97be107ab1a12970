/**
 * OpenLineage FAIL and ABORT from real runs: a real service (scheduler + worker, SQLite) runs a DAG
 * whose task throws and a DAG whose run is cancelled while its task runs, and sends the events over
 * real HTTP to a local server. Every event is validated against the OpenLineage schema; the failed
 * try's FAIL carries its error, the cancelled try's and run's ABORT carry the cancellation.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TributaryService } from "../../src/app/tributary-service.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../src/store/index.js";
import { assertOpenLineageEvent } from "../unit/lineage/openlineage-schema.js";
import { waitFor } from "../support/wait-for.js";

const DAGS = resolve(import.meta.dirname, "../fixtures/openlineage-failures");

interface ReceivedEvent {
  readonly eventType: string;
  readonly job: { readonly name: string };
  readonly run: {
    readonly runId: string;
    readonly facets: Record<string, ({ run?: { runId: string }; message?: string } & Record<string, unknown>) | undefined>;
  };
  readonly inputs: readonly { readonly namespace: string; readonly name: string }[];
  readonly outputs: readonly { readonly namespace: string; readonly name: string }[];
}

let dir: string;
let store: Store;
let service: TributaryService;
let server: Server;
const received: ReceivedEvent[] = [];

const until = (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> => waitFor(check, { what, timeoutMs, intervalMs: 100 });

const eventsOf = (job: string): ReceivedEvent[] => received.filter((e) => e.job.name === job);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-openlineage-failures-"));
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
  service = new TributaryService({
    store,
    dagsDir: DAGS,
    concurrency: 2,
    tickMs: 100,
    reloadMs: 0,
    openLineage: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`, namespace: "tributary-test" },
  });
  await service.start();
}, 60_000);

afterAll(async () => {
  await service.stop(5_000);
  await store.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("OpenLineage events from runs that end badly", () => {
  it("a task that throws: FAIL for the try with its error, FAIL for the DAG run naming the failed task", async () => {
    await until("failing_load's FAIL events", () => eventsOf("failing_load").some((e) => e.eventType === "FAIL"));
    for (const event of received) assertOpenLineageEvent(event);
    expect(eventsOf("failing_load.load").map((e) => e.eventType)).toEqual(["START", "FAIL"]);
    expect(eventsOf("failing_load").map((e) => e.eventType)).toEqual(["START", "FAIL"]);
    const tryFail = eventsOf("failing_load.load").find((e) => e.eventType === "FAIL");
    const runStart = eventsOf("failing_load").find((e) => e.eventType === "START");
    const runFail = eventsOf("failing_load").find((e) => e.eventType === "FAIL");
    expect(tryFail?.run.facets["errorMessage"]?.message).toMatch(/warehouse is down/);
    expect(runFail?.run.facets["errorMessage"]?.message).toMatch(/load \(failed\)/);
    expect(tryFail?.run.facets["parent"]?.run?.runId).toBe(runStart?.run.runId);
    expect(tryFail?.inputs).toEqual([{ namespace: "postgres://warehouse", name: "raw_orders" }]);
    expect(tryFail?.outputs.map((o) => o.name)).toEqual(["loaded_orders"]);
  }, 60_000);

  it("a run cancelled while its task runs: ABORT for the try and for the DAG run, with the reason", async () => {
    await until("slow_load's task to start", () => eventsOf("slow_load.wait").some((e) => e.eventType === "START"));
    const [run] = await store.listRuns({ dagId: "slow_load" });
    const graph = (await store.getDag("slow_load"))?.graph;
    if (!run || !graph) throw new Error("slow_load has no run");
    await store.cancelRun({ runId: run.runId, graph, now: new Date(), reason: "by the test" });
    await until("slow_load's ABORT events", () => eventsOf("slow_load").some((e) => e.eventType === "ABORT") && eventsOf("slow_load.wait").some((e) => e.eventType === "ABORT"));
    for (const event of received) assertOpenLineageEvent(event);
    expect(eventsOf("slow_load.wait").map((e) => e.eventType)).toEqual(["START", "ABORT"]);
    expect(eventsOf("slow_load").map((e) => e.eventType)).toEqual(["START", "ABORT"]);
    for (const abort of [...eventsOf("slow_load.wait"), ...eventsOf("slow_load")].filter((e) => e.eventType === "ABORT")) {
      expect(abort.run.facets["errorMessage"]?.message).toBe("cancelled: by the test");
    }
    // Neither run produced a COMPLETE.
    expect(received.filter((e) => e.eventType === "COMPLETE")).toEqual([]);
  }, 60_000);
});
