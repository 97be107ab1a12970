import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ParamsError } from "../../../src/core/errors.js";
import { dag } from "../../../src/dsl/index.js";
import { parseParams } from "../../../src/dsl/params.js";

function paramsError(parse: () => unknown): ParamsError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ParamsError);
    expect((error as ParamsError).code).toBe("PARAMS_INVALID");
    return error as ParamsError;
  }
  throw new Error("expected a ParamsError, but nothing was thrown");
}

const schema = z.object({
  region: z.enum(["eu", "us"]).default("eu"),
  n: z.number().int().optional(),
  flag: z.boolean().default(false),
  label: z.string().optional(),
  ids: z.array(z.number()).optional(),
});
const withParams = dag("with_params", { params: schema }, () => undefined);

describe("parseParams", () => {
  it("applies the schema's defaults", () => {
    expect(withParams.parseParams({})).toEqual({ region: "eu", flag: false });
    expect(withParams.parseParams({ region: "us" })).toEqual({ region: "us", flag: false });
  });

  it("reads strings as JSON where the field wants another type (values from --param k=v)", () => {
    expect(withParams.parseParams({ n: "5", flag: "true", ids: "[1,2]" })).toEqual({ region: "eu", n: 5, flag: true, ids: [1, 2] });
  });

  it("keeps a string where a string is wanted, even if it reads as JSON", () => {
    expect(withParams.parseParams({ label: "5" })).toEqual({ region: "eu", flag: false, label: "5" });
    expect(withParams.parseParams({ label: "null" })).toMatchObject({ label: "null" });
  });

  it("passes values that are already typed (from the API)", () => {
    expect(withParams.parseParams({ n: 7, flag: true })).toEqual({ region: "eu", n: 7, flag: true });
  });

  it("rejects an unknown param name, listing the known ones", () => {
    const error = paramsError(() => withParams.parseParams({ regoin: "us" }));
    expect(error.message).toBe('unknown param "regoin"; known params: region, n, flag, label, ids');
    expect(error.location).toEqual({ dagId: "with_params", field: "regoin" });
  });

  it("rejects a value the field refuses, naming the field", () => {
    const region = paramsError(() => withParams.parseParams({ region: "asia" }));
    expect(region.message).toMatch(/^invalid param "region": /);
    expect(region.location).toEqual({ dagId: "with_params", field: "region" });

    const n = paramsError(() => withParams.parseParams({ n: "five" }));
    expect(n.message).toMatch(/^invalid param "n": .*expected number/);
    expect(paramsError(() => withParams.parseParams({ n: "1.5" })).location.field).toBe("n");
  });

  it("names the nested path of a failing value", () => {
    const error = paramsError(() => withParams.parseParams({ ids: "[1,\"x\"]" }));
    expect(error.location.field).toBe("ids.1");
    expect(error.message).toMatch(/^invalid param "ids.1": /);
  });

  it("says a required param is missing", () => {
    const required = dag("required", { params: z.object({ table: z.string() }) }, () => undefined);
    const error = paramsError(() => required.parseParams({}));
    expect(error.message).toMatch(/^missing param "table": /);
    expect(error.location).toEqual({ dagId: "required", field: "table" });
  });

  it("reports a refinement of the whole object", () => {
    const ranged = dag(
      "ranged",
      {
        params: z
          .object({ from: z.number(), to: z.number() })
          .refine((p) => p.from <= p.to, { message: "from must not be after to" }),
      },
      () => undefined,
    );
    expect(ranged.parseParams({ from: "1", to: "2" })).toEqual({ from: 1, to: 2 });
    const error = paramsError(() => ranged.parseParams({ from: "3", to: "2" }));
    expect(error.message).toBe("invalid params: from must not be after to");
    expect(error.location.field).toBeUndefined();
  });

  it("accepts other names when the schema does (looseObject, catchall)", () => {
    const loose = dag("loose", { params: z.looseObject({ a: z.number() }) }, () => undefined);
    expect(loose.parseParams({ a: "1", extra: "x" })).toEqual({ a: 1, extra: "x" });
    const strict = dag("strict", { params: z.strictObject({ a: z.number() }) }, () => undefined);
    expect(paramsError(() => strict.parseParams({ a: 1, extra: "x" })).message).toBe('unknown param "extra"; known params: a');
  });

  it("passes params through as given without a schema", () => {
    const plain = dag("plain", {}, () => undefined);
    expect(plain.parseParams({ region: "us", n: "5" })).toEqual({ region: "us", n: "5" });
    const raw = { a: "1" };
    expect(plain.parseParams(raw)).not.toBe(raw);
  });

  it("rejects params that are not an object", () => {
    expect(paramsError(() => parseParams(undefined, null as never, { dagId: "x" })).message).toBe(
      "params must be an object of names to values",
    );
    expect(() => parseParams(schema, ["a"] as never, {})).toThrow(ParamsError);
  });

  it("lists no known params for an empty schema", () => {
    const none = dag("none", { params: z.object({}) }, () => undefined);
    expect(paramsError(() => none.parseParams({ x: "1" })).message).toBe('unknown param "x"; known params: none');
  });
});
