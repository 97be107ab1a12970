import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveOpenLineageConfig } from "../../../src/lineage/openlineage/config.js";
import { buildRunEvent, type EventFacts } from "../../../src/lineage/openlineage/events.js";
import { datasetNaming, uuidFor } from "../../../src/lineage/openlineage/naming.js";
import { FileTransport, HttpTransport } from "../../../src/lineage/openlineage/transports.js";
import { assertOpenLineageEvent } from "./openlineage-schema.js";

const run = { runId: "r1", dagId: "orders", dataIntervalStart: new Date("2024-03-01T00:00:00Z"), dataIntervalEnd: new Date("2024-03-02T00:00:00Z") };
const facts = (over: Partial<EventFacts> = {}): EventFacts => ({
  namespace: "tributary",
  type: "START",
  at: new Date("2024-03-02T00:00:05Z"),
  run,
  inputs: ["postgres://warehouse/raw_orders"],
  outputs: [{ uri: "postgres://warehouse/clean_orders", metadata: { rows: 3 } }],
  ...over,
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("OpenLineage events", () => {
  it("conform to the schema, with nominal time, parent and error facets", () => {
    const task = { taskId: "transform", mapIndex: null, tryNumber: 2 };
    for (const type of ["START", "COMPLETE", "FAIL", "ABORT"] as const) {
      for (const event of [buildRunEvent(facts({ type, error: "boom" })), buildRunEvent(facts({ type, task, error: "boom" }))]) {
        assertOpenLineageEvent(event);
        expect(event.run.facets["nominalTime"]).toMatchObject({ nominalStartTime: "2024-03-01T00:00:00.000Z", nominalEndTime: "2024-03-02T00:00:00.000Z" });
        expect(event.eventType).toBe(type);
        if (type === "FAIL" || type === "ABORT") expect(event.run.facets["errorMessage"]).toMatchObject({ message: "boom" });
        else expect(event.run.facets["errorMessage"]).toBeUndefined();
      }
    }
    const child = buildRunEvent(facts({ task }));
    const parent = buildRunEvent(facts());
    expect(child.job.name).toBe("orders.transform");
    expect(child.run.facets["parent"]).toMatchObject({ run: { runId: parent.run.runId }, job: { namespace: "tributary", name: "orders" } });
    expect(child.inputs).toEqual([{ namespace: "postgres://warehouse", name: "raw_orders" }]);
    expect(child.outputs[0]).toMatchObject({ namespace: "postgres://warehouse", name: "clean_orders", facets: { tributary_event: { rows: 3 } } });
    // Another try is another OpenLineage run; the same try always gets the same id.
    expect(buildRunEvent(facts({ task: { ...task, tryNumber: 3 } })).run.runId).not.toBe(child.run.runId);
    expect(buildRunEvent(facts({ task, type: "COMPLETE" })).run.runId).toBe(child.run.runId);
  });

  it("names datasets after the OpenLineage convention and derives stable UUIDs", () => {
    expect(datasetNaming("s3://bucket/a/b.csv")).toEqual({ namespace: "s3://bucket", name: "a/b.csv" });
    expect(datasetNaming("file:///data/x.csv")).toEqual({ namespace: "file", name: "/data/x.csv" });
    expect(uuidFor("a")).toBe(uuidFor("a"));
    expect(uuidFor("a")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("is configured by the config file or the environment (which wins)", () => {
    expect(resolveOpenLineageConfig(undefined, {})).toBeUndefined();
    expect(resolveOpenLineageConfig({ url: "http://a/api/v1/lineage", namespace: "prod" }, {})).toEqual({ url: "http://a/api/v1/lineage", namespace: "prod" });
    expect(resolveOpenLineageConfig({ url: "http://a" }, { TRIBUTARY_OPENLINEAGE_URL: "http://b" })?.url).toBe("http://b");
    expect(resolveOpenLineageConfig(undefined, { TRIBUTARY_OPENLINEAGE_FILE: "ol.jsonl" })?.file).toMatch(/ol\.jsonl$/);
    expect(() => resolveOpenLineageConfig({ uri: "http://a" }, {})).toThrow(/unknown openlineage setting "uri"/);
    expect(() => resolveOpenLineageConfig({ url: "ftp://a" }, {})).toThrow(/must be http/);
  });
});

describe("transports", () => {
  it("HTTP: retries an endpoint that fails, without blocking the sender, in order", async () => {
    const received: unknown[] = [];
    let failures = 2;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        if (failures-- > 0) {
          res.writeHead(503).end();
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => server.close());
    const errors: unknown[] = [];
    const transport = new HttpTransport({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage` }, (e) => errors.push(e), 10);
    transport.send(buildRunEvent(facts({ type: "START" })));
    transport.send(buildRunEvent(facts({ type: "COMPLETE" })));
    // send() only queues: nothing has been attempted yet.
    expect(received).toEqual([]);
    expect(failures).toBe(2);
    await transport.flush();
    expect(errors).toEqual([]);
    expect(received.map((e) => (e as { eventType: string }).eventType)).toEqual(["START", "COMPLETE"]);
    for (const e of received) assertOpenLineageEvent(e);
  });

  it("HTTP: an endpoint that stays down is reported and given up on", async () => {
    const errors: unknown[] = [];
    const transport = new HttpTransport({ url: "http://127.0.0.1:9/lineage", maxAttempts: 2, timeoutMs: 500 }, (e) => errors.push(e), 10);
    transport.send(buildRunEvent(facts()));
    await transport.flush();
    expect(String(errors[0])).toMatch(/could not POST the START event of orders/);
  });

  it("file: one JSON line per event", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-ol-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const transport = new FileTransport(join(dir, "sub", "ol.jsonl"), (e) => {
      throw e;
    });
    transport.send(buildRunEvent(facts()));
    transport.send(buildRunEvent(facts({ type: "COMPLETE" })));
    await transport.flush();
    const lines = readFileSync(join(dir, "sub", "ol.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(2);
    for (const line of lines) assertOpenLineageEvent(line);
  });
});
