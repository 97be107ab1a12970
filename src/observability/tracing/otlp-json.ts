/**
 * The OTLP/JSON encoding of an `ExportTraceServiceRequest` (opentelemetry-proto,
 * collector/trace/v1), written by hand so no SDK is needed. The encoding is protobuf's JSON
 * mapping with OTLP's deviations: ids are lowercase hex (not base64), enums are integers, and
 * 64-bit integers (timestamps, `intValue`) are decimal strings.
 */

/** A span as Tributary describes it, before encoding. */
export interface TraceSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly start: Date;
  readonly end: Date;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly status: { readonly code: "ok" | "error"; readonly message?: string };
}

export type OtlpAnyValue = { readonly stringValue: string } | { readonly intValue: string } | { readonly doubleValue: number } | { readonly boolValue: boolean };

export interface OtlpKeyValue {
  readonly key: string;
  readonly value: OtlpAnyValue;
}

export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** SPAN_KIND_INTERNAL. */
  readonly kind: 1;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: readonly OtlpKeyValue[];
  /** STATUS_CODE_OK = 1, STATUS_CODE_ERROR = 2. */
  readonly status: { readonly code: 1 | 2; readonly message?: string };
}

export interface ExportTraceServiceRequest {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly OtlpKeyValue[] };
    readonly scopeSpans: readonly {
      readonly scope: { readonly name: string; readonly version?: string };
      readonly spans: readonly OtlpSpan[];
    }[];
  }[];
}

export const SERVICE_NAME = "tributary";
const SCOPE = "tributary.scheduler";

export function encodeTraceRequest(spans: readonly TraceSpan[], resource: Readonly<Record<string, string>> = {}): ExportTraceServiceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues({ "service.name": SERVICE_NAME, ...resource }) },
        scopeSpans: [{ scope: { name: SCOPE }, spans: spans.map(encodeSpan) }],
      },
    ],
  };
}

function encodeSpan(span: TraceSpan): OtlpSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    kind: 1,
    startTimeUnixNano: unixNano(span.start),
    // A span never ends before it starts, even when clocks of two processes disagree.
    endTimeUnixNano: unixNano(span.end.getTime() < span.start.getTime() ? span.start : span.end),
    attributes: keyValues(span.attributes),
    status: span.status.code === "ok" ? { code: 1 } : { code: 2, ...(span.status.message ? { message: span.status.message } : {}) },
  };
}

function unixNano(at: Date): string {
  return (BigInt(at.getTime()) * 1_000_000n).toString();
}

function keyValues(attributes: Readonly<Record<string, string | number | boolean>>): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: string | number | boolean): OtlpAnyValue {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}
