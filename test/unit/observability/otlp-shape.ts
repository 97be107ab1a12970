/**
 * A strict check of the OTLP/JSON encoding of an ExportTraceServiceRequest as Tributary writes
 * it (opentelemetry-proto trace/v1 and the OTLP specification's "JSON Protobuf Encoding"): hex
 * ids of the right length, integer enums, 64-bit integers as decimal strings, lowerCamelCase
 * keys, and no field the proto does not define.
 */
import { expect } from "vitest";

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: readonly { readonly key: string; readonly value: Record<string, unknown> }[];
  readonly status: { readonly code: number; readonly message?: string };
}

type Json = Record<string, unknown>;

function only(value: unknown, keys: readonly string[], where: string): Json {
  expect(typeof value === "object" && value !== null && !Array.isArray(value), `${where} is an object`).toBe(true);
  const object = value as Json;
  for (const key of Object.keys(object)) expect(keys, `${where} has no field "${key}"`).toContain(key);
  return object;
}

function keyValues(value: unknown, where: string): void {
  expect(Array.isArray(value), `${where} is an array`).toBe(true);
  const keys = new Set<string>();
  for (const [i, kv] of (value as unknown[]).entries()) {
    const entry = only(kv, ["key", "value"], `${where}[${i}]`);
    expect(typeof entry["key"]).toBe("string");
    expect(keys.has(entry["key"] as string), `${where}: key ${String(entry["key"])} once`).toBe(false);
    keys.add(entry["key"] as string);
    const any = only(entry["value"], ["stringValue", "intValue", "boolValue", "doubleValue"], `${where}[${i}].value`);
    const kinds = Object.keys(any);
    expect(kinds, `${where}[${i}].value holds one value`).toHaveLength(1);
    const kind = kinds[0];
    const v = any[kind as string];
    if (kind === "stringValue") expect(typeof v).toBe("string");
    if (kind === "boolValue") expect(typeof v).toBe("boolean");
    if (kind === "doubleValue") expect(typeof v).toBe("number");
    if (kind === "intValue") expect(v).toMatch(/^-?\d+$/);
  }
}

/** Asserts the shape and returns the spans. */
export function assertTraceRequest(body: unknown): ReceivedSpan[] {
  const request = only(body, ["resourceSpans"], "request");
  expect(Array.isArray(request["resourceSpans"])).toBe(true);
  const spans: ReceivedSpan[] = [];
  for (const [r, rs] of (request["resourceSpans"] as unknown[]).entries()) {
    const resourceSpans = only(rs, ["resource", "scopeSpans", "schemaUrl"], `resourceSpans[${r}]`);
    const resource = only(resourceSpans["resource"], ["attributes", "droppedAttributesCount"], "resource");
    keyValues(resource["attributes"], "resource.attributes");
    expect(resource["attributes"]).toContainEqual({ key: "service.name", value: { stringValue: "tributary" } });
    expect(Array.isArray(resourceSpans["scopeSpans"])).toBe(true);
    for (const [s, ss] of (resourceSpans["scopeSpans"] as unknown[]).entries()) {
      const scopeSpans = only(ss, ["scope", "spans", "schemaUrl"], `scopeSpans[${s}]`);
      const scope = only(scopeSpans["scope"], ["name", "version", "attributes", "droppedAttributesCount"], "scope");
      expect(typeof scope["name"]).toBe("string");
      expect(Array.isArray(scopeSpans["spans"])).toBe(true);
      for (const [i, raw] of (scopeSpans["spans"] as unknown[]).entries()) {
        const where = `spans[${i}]`;
        const span = only(
          raw,
          ["traceId", "spanId", "parentSpanId", "traceState", "flags", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes", "droppedAttributesCount", "events", "droppedEventsCount", "links", "droppedLinksCount", "status"],
          where,
        );
        expect(span["traceId"]).toMatch(/^[0-9a-f]{32}$/);
        expect(span["traceId"]).not.toMatch(/^0+$/);
        expect(span["spanId"]).toMatch(/^[0-9a-f]{16}$/);
        expect(span["spanId"]).not.toMatch(/^0+$/);
        if (span["parentSpanId"] !== undefined) expect(span["parentSpanId"]).toMatch(/^[0-9a-f]{16}$/);
        expect(typeof span["name"] === "string" && span["name"] !== "").toBe(true);
        expect([0, 1, 2, 3, 4, 5]).toContain(span["kind"]);
        expect(span["startTimeUnixNano"]).toMatch(/^\d+$/);
        expect(span["endTimeUnixNano"]).toMatch(/^\d+$/);
        expect(BigInt(span["endTimeUnixNano"] as string) >= BigInt(span["startTimeUnixNano"] as string), `${where} ends after it starts`).toBe(true);
        keyValues(span["attributes"], `${where}.attributes`);
        const status = only(span["status"], ["code", "message"], `${where}.status`);
        expect([0, 1, 2]).toContain(status["code"]);
        if (status["message"] !== undefined) expect(typeof status["message"]).toBe("string");
        spans.push(span as unknown as ReceivedSpan);
      }
    }
  }
  return spans;
}

/** A span's attributes as plain values (`intValue` as a number). */
export function attributesOf(span: ReceivedSpan): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of span.attributes) {
    if ("intValue" in value) out[key] = Number(value["intValue"]);
    else out[key] = (value["stringValue"] ?? value["boolValue"] ?? value["doubleValue"]) as string | number | boolean;
  }
  return out;
}

/** Unix nanoseconds (a decimal string) as milliseconds. */
export function millisOf(nanos: string): number {
  return Number(BigInt(nanos) / 1_000_000n);
}
