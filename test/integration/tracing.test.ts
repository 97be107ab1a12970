/**
 * OpenTelemetry traces from a running TributaryService (SQLite and PostgreSQL, real worker processes) to a real
 * local OTLP/HTTP receiver: one span per DAG run with a child per task try, timings and outcomes
 * as the store records them, ids that a replay of the history computes again, and a receiver
 * that fails or hangs is retried without holding up any run.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OtlpConfig } from "../../src/observability/tracing/config.js";
import type { TraceSpan } from "../../src/observability/tracing/otlp-json.js";
import { TraceEmitter } from "../../src/observability/tracing/trace-emitter.js";
import { TributaryService } from "../../src/app/tributary-service.js";
import type { DagRunRecord, Store } from "../../src/store/index.js";
import { STORES, type StorePlace } from "../conformance/stores.js";
import { assertTraceRequest, attributesOf, millisOf, type ReceivedSpan } from "../unit/observability/otlp-shape.js";
import { waitForValue } from "../support/wait-for.js";

const DAGS = resolve(import.meta.dirname, "../fixtures/tracing-dags");

/** A collector stand-in: answers 200, scripted failures, or nothing at all ("hang"). */
class Collector {
  mode: "ok" | "hang" = "ok";
  failNext = 0;
  readonly requests: { path: string; headers: IncomingMessage["headers"]; status: number | "hung" }[] = [];
  readonly accepted: ReceivedSpan[] = [];
  readonly #server: Server;
  readonly #hung: ServerResponse[] = [];

  constructor() {
    this.#server = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      req.on("end", () => {
        const record = { path: req.url ?? "", headers: req.headers, status: 200 as number | "hung" };
        this.requests.push(record);
        if (this.mode === "hang") {
          record.status = "hung";
          this.#hung.push(res);
          return;
        }
        if (this.failNext > 0) {
          this.failNext--;
          record.status = 503;
          res.writeHead(503).end("busy");
          return;
        }
        this.accepted.push(...assertTraceRequest(JSON.parse(text)));
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const res of this.#hung) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  spansOf(runId: string): ReceivedSpan[] {
    const seen = new Set<string>();
    // A batch that timed out may have arrived anyway and be sent again: count each span once.
    return this.accepted.filter((s) => attributesOf(s)["tributary.run.id"] === runId && !seen.has(s.spanId) && seen.add(s.spanId));
  }
}

/** The probe's first value that is not undefined or false. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 90_000): Promise<T> {
  const value = await waitForValue(async () => await probe(), (v) => v !== undefined && v !== false, { what, timeoutMs });
  return value as T;
}

for (const factory of STORES) describe.sequential(`OpenTelemetry traces from a running service (${factory.name})`, () => {
  let place: StorePlace;
  let store: Store;
  let service: TributaryService;
  const collector = new Collector();
  let config: OtlpConfig;

  beforeAll(async () => {
    place = await factory.create();
    store = factory.open(place.address);
    const report = await store.migrate();
    if (report.error) throw report.error;
    const url = await collector.listen();
    config = { endpoint: `${url}/`, headers: { "x-api-key": "k123" }, maxAttempts: 12, timeoutMs: 300, retryDelayMs: 50 };
    service = new TributaryService({ store, dagsDir: DAGS, concurrency: 2, tickMs: 100, reloadMs: 0, openLineage: null, tracing: config });
    await service.start();
  }, 120_000);

  afterAll(async () => {
    collector.mode = "ok";
    await service.stop(5_000);
    await store.close();
    await collector.close();
    await place.dispose();
  });

  let n = 0;
  const trigger = async (dagId: string): Promise<string> => {
    const entry = service.registry.get(dagId);
    if (!entry) throw new Error(`no DAG ${dagId}`);
    const now = new Date();
    const { run } = await store.createRun({
      runId: `${dagId}-manual-${++n}`,
      runType: "manual",
      graph: entry.dag.graph,
      logicalDate: now,
      dataIntervalStart: now,
      dataIntervalEnd: now,
      params: {},
      start: true,
      now,
    });
    return run.runId;
  };
  const finished = (runId: string) =>
    until(`run ${runId} to finish`, async () => {
      const run = await store.getRun(runId);
      return run && (run.state === "success" || run.state === "failed") ? run : undefined;
    });
  /** Waits for the run's span and one span per try the store recorded. */
  const spansOf = async (run: DagRunRecord) => {
    const tries = (await Promise.all((await store.listTaskInstances(run.runId)).map(async (ti) => (await store.listTries(ti.id)).map((t) => ({ ti, t }))))).flat();
    const spans = await until(`the spans of ${run.runId}`, () => {
      const got = collector.spansOf(run.runId);
      return got.length >= tries.length + 1 && got.some((s) => s.parentSpanId === undefined) ? got : undefined;
    });
    return { spans, tries };
  };

  let firstRun: DagRunRecord;
  let firstSpans: ReceivedSpan[];

  it("a run sends a run span with one child per try, as the store records them; a failing receiver is retried", async () => {
    collector.failNext = 2;
    const runId = await trigger("traced");
    const run = await finished(runId);
    expect(run.state).toBe("success");
    const { spans, tries } = await spansOf(run);
    firstRun = run;
    firstSpans = spans;

    // Every request went to {endpoint}/v1/traces with the configured header; two were refused and sent again.
    expect(collector.requests.every((r) => r.path === "/v1/traces" && r.headers["content-type"] === "application/json" && r.headers["x-api-key"] === "k123")).toBe(true);
    expect(collector.requests.filter((r) => r.status === 503)).toHaveLength(2);

    expect(spans).toHaveLength(tries.length + 1);
    const root = spans.find((s) => s.parentSpanId === undefined);
    if (!root) throw new Error("no run span");
    expect(spans.every((s) => s.traceId === root.traceId)).toBe(true);
    expect(root.name).toBe("traced");
    expect(millisOf(root.startTimeUnixNano)).toBe(run.startedAt?.getTime());
    expect(millisOf(root.endTimeUnixNano)).toBe(run.endedAt?.getTime());
    expect(root.status).toEqual({ code: 1 });
    expect(attributesOf(root)).toMatchObject({
      "tributary.dag.id": "traced",
      "tributary.run.id": runId,
      "tributary.run.type": "manual",
      "tributary.run.logical_date": run.logicalDate.toISOString(),
      "tributary.run.state": "success",
    });

    // extract, part[0], part[1], load try 1 (failed), load try 2.
    expect(tries.map(({ ti, t }) => `${ti.taskId}${ti.mapIndex === null ? "" : `[${ti.mapIndex}]`}#${t.tryNumber}`).sort()).toEqual(["extract#1", "load#1", "load#2", "part[0]#1", "part[1]#1"]);
    for (const { ti, t } of tries) {
      const span = spans.find((s) => {
        const a = attributesOf(s);
        return a["tributary.task.id"] === ti.taskId && (a["tributary.task.map_index"] ?? null) === ti.mapIndex && a["tributary.task.try_number"] === t.tryNumber;
      });
      if (!span) throw new Error(`no span for ${ti.taskId} try ${t.tryNumber}`);
      expect(span.parentSpanId).toBe(root.spanId);
      expect(span.name).toBe(`traced.${ti.taskId}`);
      expect(millisOf(span.startTimeUnixNano)).toBe(t.startedAt.getTime());
      expect(millisOf(span.endTimeUnixNano)).toBe(t.endedAt?.getTime());
      expect(millisOf(span.startTimeUnixNano)).toBeGreaterThanOrEqual(millisOf(root.startTimeUnixNano));
      expect(millisOf(span.endTimeUnixNano)).toBeLessThanOrEqual(millisOf(root.endTimeUnixNano));
      const attributes = attributesOf(span);
      expect(attributes["tributary.task.outcome"]).toBe(t.outcome);
      expect(attributes["tributary.worker.id"]).toBe(t.workerId);
      expect(attributes["tributary.task.queue_wait_ms"]).toBe(t.startedAt.getTime() - (t.queuedAt?.getTime() ?? 0));
      if (t.outcome === "success") {
        expect(span.status).toEqual({ code: 1 });
        expect(attributes["tributary.task.error_kind"]).toBeUndefined();
        expect(attributes["tributary.task.will_retry"]).toBe(false);
      } else {
        expect(span.status.code).toBe(2);
        expect(span.status.message).toMatch(/transient/);
        expect(attributes["tributary.task.error_kind"]).toBe("error");
        expect(attributes["tributary.task.will_retry"]).toBe(true);
      }
    }
  }, 120_000);

  it("a failed run's span and its failed try have status ERROR; a task that never ran has no span", async () => {
    const run = await finished(await trigger("broken"));
    expect(run.state).toBe("failed");
    const { spans, tries } = await spansOf(run);
    expect(tries).toHaveLength(1);
    expect(spans).toHaveLength(2);
    const root = spans.find((s) => s.parentSpanId === undefined);
    const explode = spans.find((s) => s.parentSpanId !== undefined);
    expect(root?.status).toEqual({ code: 2, message: "failed tasks: explode (failed), after (upstream_failed)" });
    expect(attributesOf(root!)["tributary.run.state"]).toBe("failed");
    expect(explode?.status.code).toBe(2);
    expect(explode?.status.message).toMatch(/boom/);
    expect(attributesOf(explode!)).toMatchObject({ "tributary.task.id": "explode", "tributary.task.outcome": "failed", "tributary.task.error_kind": "error", "tributary.task.will_retry": false });
  }, 120_000);

  it("ids are deterministic: replaying the history (a restart, another scheduler) computes the same spans", async () => {
    const replayed: TraceSpan[] = [];
    const replay = new TraceEmitter({ store, config, consumer: "tracing-test-replay", fromStart: true, onSpan: (s) => replayed.push(s) });
    while ((await replay.pass()) > 0);
    await replay.flush();
    const mine = replayed.filter((s) => s.attributes["tributary.run.id"] === firstRun.runId);
    expect(mine.map((s) => `${s.traceId}/${s.spanId}/${s.parentSpanId ?? "-"}/${s.start.getTime()}/${s.end.getTime()}`).sort()).toEqual(
      firstSpans.map((s) => `${s.traceId}/${s.spanId}/${s.parentSpanId ?? "-"}/${millisOf(s.startTimeUnixNano)}/${millisOf(s.endTimeUnixNano)}`).sort(),
    );
  }, 60_000);

  it("a receiver that hangs holds up no run; its spans arrive once it answers again", async () => {
    collector.mode = "hang";
    const before = collector.requests.length;
    const run = await finished(await trigger("traced"));
    expect(run.state).toBe("success");
    // The service tried to deliver while the run went on, and nothing was accepted.
    await until("a delivery attempt to the hanging receiver", () => collector.requests.slice(before).some((r) => r.status === "hung"));
    expect(collector.spansOf(run.runId)).toEqual([]);
    collector.mode = "ok";
    const { spans, tries } = await spansOf(run);
    expect(spans).toHaveLength(tries.length + 1);
  }, 120_000);
});
