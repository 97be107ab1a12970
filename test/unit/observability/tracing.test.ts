import { describe, expect, it } from "vitest";
import { resolveOtlpConfig, tracesUrl } from "../../../src/observability/tracing/config.js";
import { runSpanIdOf, traceIdOf, trySpanIdOf } from "../../../src/observability/tracing/ids.js";
import { encodeTraceRequest } from "../../../src/observability/tracing/otlp-json.js";
import { executionAt, runSpan, trySpan } from "../../../src/observability/tracing/spans.js";
import type { DagStateChange } from "../../../src/store/index.js";
import type { DagRunRecord, StateChangeRecord, TaskInstanceRecord, TaskTryRecord } from "../../../src/store/index.js";
import { assertTraceRequest, attributesOf } from "./otlp-shape.js";

const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s));
let nextId = 1;
const change = (taskId: string | null, fromState: string | null, toState: string, s: number, reason: string | null = null): StateChangeRecord => ({
  id: nextId++,
  runId: "r1",
  taskId,
  mapIndex: null,
  fromState,
  toState,
  at: at(s),
  reason,
});
const withDag = (c: StateChangeRecord): DagStateChange => ({ ...c, dagId: "orders" });

const run: DagRunRecord = {
  runId: "r1",
  dagId: "orders",
  runType: "manual",
  state: "success",
  logicalDate: at(0),
  dataIntervalStart: at(0),
  dataIntervalEnd: at(0),
  params: {},
  createdAt: at(0),
  startedAt: at(20),
  endedAt: at(30),
  dagVersion: null,
};
const instance = { id: 7, runId: "r1", dagId: "orders", taskId: "load", mapIndex: null, state: "success", tryNumber: 2 } as unknown as TaskInstanceRecord;
const attempt = (id: number, tryNumber: number, s: number, e: number, ok: boolean): TaskTryRecord => ({
  id,
  taskInstanceId: 7,
  tryNumber,
  outcome: ok ? "success" : "failed",
  workerId: "w1",
  queuedAt: at(s - 1),
  startedAt: at(s),
  endedAt: at(e),
  error: ok ? null : "Error: boom",
  errorKind: ok ? null : "error",
  cacheKey: null,
  cached: false,
});

describe("OTLP configuration", () => {
  it("is off unless an endpoint is set, by the config file or the environment (which wins)", () => {
    expect(resolveOtlpConfig(undefined, {})).toBeUndefined();
    expect(resolveOtlpConfig({ headers: { a: "b" } }, {})).toBeUndefined();
    expect(resolveOtlpConfig({ endpoint: "http://collector:4318", headers: { "x-key": "k" } }, {})).toEqual({ endpoint: "http://collector:4318", headers: { "x-key": "k" } });
    expect(resolveOtlpConfig({ endpoint: "http://a" }, { TRIBUTARY_OTLP_ENDPOINT: "https://b" })?.endpoint).toBe("https://b");
    expect(resolveOtlpConfig(undefined, { TRIBUTARY_OTLP_ENDPOINT: "http://b", TRIBUTARY_OTLP_HEADERS: "api-key=a%3Db, x=y" })?.headers).toEqual({ "api-key": "a=b", x: "y" });
    expect(() => resolveOtlpConfig({ url: "http://a" }, {})).toThrow(/unknown otlp setting "url"/);
    expect(() => resolveOtlpConfig({ endpoint: "collector:4318" }, {})).toThrow(/must be http/);
    expect(() => resolveOtlpConfig({ endpoint: "http://a", timeoutMs: 0 }, {})).toThrow(/otlp.timeoutMs must be a positive integer/);
    expect(() => resolveOtlpConfig(undefined, { TRIBUTARY_OTLP_ENDPOINT: "http://a", TRIBUTARY_OTLP_HEADERS: "novalue" })).toThrow(/key=value/);
  });

  it("posts to {endpoint}/v1/traces", () => {
    expect(tracesUrl("http://c:4318")).toBe("http://c:4318/v1/traces");
    expect(tracesUrl("http://c:4318/")).toBe("http://c:4318/v1/traces");
    expect(tracesUrl("http://c:4318/otlp/v1/traces")).toBe("http://c:4318/otlp/v1/traces");
  });
});

describe("trace and span ids", () => {
  it("are hex of the OTLP sizes, the same for the same run or try, different otherwise", () => {
    expect(traceIdOf("r1")).toMatch(/^[0-9a-f]{32}$/);
    expect(runSpanIdOf("r1", 1)).toMatch(/^[0-9a-f]{16}$/);
    expect(trySpanIdOf("r1", 5)).toMatch(/^[0-9a-f]{16}$/);
    expect(traceIdOf("r1")).toBe(traceIdOf("r1"));
    expect(traceIdOf("r1")).not.toBe(traceIdOf("r2"));
    expect(runSpanIdOf("r1", 1)).not.toBe(runSpanIdOf("r1", 2));
    expect(trySpanIdOf("r1", 5)).not.toBe(trySpanIdOf("r1", 6));
  });
});

describe("spans from the history", () => {
  // Created, ran (try 1 of load failed, try 2 succeeded), finished; cleared and ran again (try 3).
  nextId = 1;
  const history = [
    change(null, null, "queued", 0),
    change(null, "queued", "running", 1),
    change("load", "queued", "running", 2),
    change("load", "running", "failed", 3),
    change("load", "failed", "retrying", 3),
    change("load", "queued", "running", 4),
    change("load", "running", "success", 5),
    change(null, "running", "success", 6),
    change(null, "success", "queued", 10, "cleared"),
    change("load", "success", "scheduled", 10, "cleared"),
    change(null, "queued", "running", 11),
    change("load", "queued", "running", 12),
    change("load", "running", "failed", 13),
    change(null, "running", "failed", 14),
  ];
  const [, , , firstEnd, , , secondEnd, runEnd, , , , , thirdEnd, rerunEnd] = history.map(withDag) as [DagStateChange, ...DagStateChange[]];

  it("count executions of a cleared run", () => {
    expect(executionAt(history, runEnd!.id)).toBe(1);
    expect(executionAt(history, rerunEnd!.id)).toBe(2);
  });

  it("give each execution its own span, from its start to its end, with tries as children", () => {
    const first = runSpan({ run, end: runEnd!, history, instances: [] });
    const second = runSpan({ run, end: rerunEnd!, history, instances: [{ ...instance, state: "failed" }] });
    expect([first.start, first.end, second.start, second.end]).toEqual([at(1), at(6), at(11), at(14)]);
    expect(first.traceId).toBe(second.traceId);
    expect(first.spanId).not.toBe(second.spanId);
    expect(first.status).toEqual({ code: "ok" });
    expect(second.status).toEqual({ code: "error", message: "failed tasks: load (failed)" });
    const tries = [
      trySpan({ run, end: firstEnd!, history, instance, attempt: attempt(1, 1, 2, 3, false) }),
      trySpan({ run, end: secondEnd!, history, instance, attempt: attempt(2, 2, 4, 5, true) }),
      trySpan({ run, end: thirdEnd!, history, instance, attempt: attempt(3, 3, 12, 13, false) }),
    ];
    expect(tries.map((t) => t.parentSpanId)).toEqual([first.spanId, first.spanId, second.spanId]);
    expect(tries.map((t) => t.status.code)).toEqual(["error", "ok", "error"]);
    expect(tries[0]?.attributes).toMatchObject({ "tributary.task.try_number": 1, "tributary.task.error_kind": "error", "tributary.task.queue_wait_ms": 1000, "tributary.worker.id": "w1", "tributary.task.will_retry": true });
    expect(tries[2]?.attributes["tributary.task.will_retry"]).toBe(false);

    const spans = assertTraceRequest(JSON.parse(JSON.stringify(encodeTraceRequest([first, second, ...tries]))));
    expect(spans).toHaveLength(5);
    expect(spans[0]?.startTimeUnixNano).toBe(`${at(1).getTime()}000000`);
    expect(spans[0]?.kind).toBe(1);
    expect(spans[0]?.parentSpanId).toBeUndefined();
    expect(spans[1]?.status).toEqual({ code: 2, message: "failed tasks: load (failed)" });
    expect(attributesOf(spans[2]!)).toMatchObject({ "tributary.task.id": "load", "tributary.task.try_number": 1, "tributary.task.outcome": "failed" });
  });
});
