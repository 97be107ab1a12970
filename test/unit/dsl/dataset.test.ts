import { describe, expect, it } from "vitest";
import { DagDefinitionError } from "../../../src/core/errors.js";
import { dataset, isDataset } from "../../../src/dsl/dataset.js";
import { DATASET_BRAND } from "../../../src/dsl/types.js";

describe("dataset", () => {
  it("keeps a canonical URI and carries the brand", () => {
    const raw = dataset("postgres://warehouse/raw_orders");
    expect(raw.uri).toBe("postgres://warehouse/raw_orders");
    expect(raw[DATASET_BRAND]).toBe(true);
    expect(isDataset(raw)).toBe(true);
    expect(Object.isFrozen(raw)).toBe(true);
  });

  it.each([
    ["S3://My-Bucket/Key/Path/", "s3://my-bucket/Key/Path"],
    ["Postgres://Warehouse/raw_orders", "postgres://warehouse/raw_orders"],
    ["file:///data/Orders.csv", "file:///data/Orders.csv"],
    ["file:///data/dir//", "file:///data/dir"],
    ["s3://bucket", "s3://bucket"],
    ["s3://bucket/", "s3://bucket"],
    ["https://User@Example.COM/a?b=1", "https://User@example.com/a?b=1"],
  ])("normalises %s to %s", (input, expected) => {
    expect(dataset(input).uri).toBe(expected);
  });

  it.each(["raw_orders", "", "://x", "postgres:/x", "postgres://", "s3:///key", "file:///", "s3://bucket/my key", "1s3://b/k"])(
    "rejects %j",
    (input) => {
      expect(() => dataset(input)).toThrow(DagDefinitionError);
      try {
        dataset(input);
      } catch (error) {
        expect((error as DagDefinitionError).message).toContain(JSON.stringify(input).slice(1, -1));
        expect((error as DagDefinitionError).location.field).toBe("dataset");
      }
    },
  );

  it("rejects a value that is not a string (JavaScript callers)", () => {
    expect(() => dataset(42 as unknown as string)).toThrow("a dataset URI must be a string, got number");
  });

  it("recognises datasets by their brand only", () => {
    expect(isDataset({ uri: "s3://b/k" })).toBe(false);
    expect(isDataset({ [Symbol.for("tributary.dataset")]: true, uri: "s3://b/k" })).toBe(true);
    expect(isDataset(null)).toBe(false);
    expect(isDataset("s3://b/k")).toBe(false);
  });
});
