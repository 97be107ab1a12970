import { describe, expect, it } from "vitest";
import { serialiseResult } from "../../../src/worker/serialise-result.js";

describe("serialiseResult", () => {
  it("serialises JSON values, undefined as null", () => {
    expect(serialiseResult({ a: [1, "b", null], d: new Date("2024-01-01T00:00:00Z") }, 1_000)).toEqual({
      ok: true,
      json: '{"a":[1,"b",null],"d":"2024-01-01T00:00:00.000Z"}',
    });
    expect(serialiseResult(undefined, 10)).toEqual({ ok: true, json: "null" });
  });

  it.each([
    [() => 1, "the result is a function"],
    [{ nested: { f: Symbol("s") } }, 'key "f" is a symbol'],
    [{ big: 1n }, 'key "big" is a bigint'],
    [new Map([["a", 1]]), "the result is a Map"],
    [{ tags: new Set(["a"]) }, 'key "tags" is a Set'],
  ])("rejects what JSON would silently mangle (%#)", (value, message) => {
    const serialised = serialiseResult(value, 1_000);
    expect(serialised.ok).toBe(false);
    if (!serialised.ok) expect(serialised.message).toContain(message);
  });

  it("measures the limit in UTF-8 bytes", () => {
    expect(serialiseResult("é".repeat(4), 10)).toMatchObject({ ok: true });
    expect(serialiseResult("é".repeat(5), 10)).toMatchObject({ ok: false, kind: "result_too_large" });
  });
});
