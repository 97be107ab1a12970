/**
 * A DAG's params (docs/architecture.md §4): validated against the DAG's zod object schema when a run is
 * triggered. Values typed on a command line arrive as strings, so a field that rejects the string
 * gets a second chance with the string read as JSON: `--param n=5` fills `z.number()` and
 * `--param flag=true` fills `z.boolean()`. An unknown param name is an error, because a typo must
 * not silently run with the defaults.
 */
import type { ZodType } from "zod";
import { DagDefinitionError, ParamsError, type ErrorLocation } from "../core/errors.js";

interface ObjectSchemaDef {
  readonly type: "object";
  readonly shape: Readonly<Record<string, ZodType>>;
  readonly catchall?: ZodType | undefined;
}

/**
 * The definition of an object schema, read from zod's internals rather than with `instanceof`,
 * because the DAG file may hold a different copy of zod than Tributary.
 */
function objectDef(schema: ZodType<unknown>): ObjectSchemaDef | undefined {
  const def = (schema as { _zod?: { def?: { type?: unknown } } })._zod?.def;
  return def?.type === "object" ? (def as ObjectSchemaDef) : undefined;
}

/** Throws unless `schema` is a zod object schema (params are always named). */
export function assertParamsSchema(schema: unknown, location: ErrorLocation): asserts schema is ZodType<unknown> {
  if (typeof schema === "object" && schema !== null && objectDef(schema as ZodType<unknown>) !== undefined) return;
  throw new DagDefinitionError("params must be a zod object schema, e.g. z.object({ region: z.string() })", {
    ...location,
    field: "params",
  });
}

/** The param names a schema declares. */
export function paramNames(schema: ZodType<unknown>): string[] {
  return Object.keys(objectDef(schema)?.shape ?? {});
}

/**
 * Validates `raw` against `schema` (applying its defaults and coercing strings as described
 * above). Without a schema, params pass through as given.
 */
export function parseParams<P>(schema: ZodType<P> | undefined, raw: Readonly<Record<string, unknown>>, location: ErrorLocation): P {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ParamsError("params must be an object of names to values", location);
  }
  if (schema === undefined) return { ...raw } as P;
  const def = objectDef(schema);
  const shape = def?.shape ?? {};
  // z.looseObject / .catchall(...) accept other names; z.strictObject's catchall is z.never().
  const acceptsOthers = def?.catchall !== undefined && kindOf(def.catchall) !== "never";

  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const field = Object.hasOwn(shape, name) ? shape[name] : undefined;
    if (field === undefined && !acceptsOthers) {
      const known = Object.keys(shape).join(", ") || "none";
      throw new ParamsError(`unknown param "${name}"; known params: ${known}`, { ...location, field: name });
    }
    values[name] = field === undefined ? value : coerce(field, value);
  }

  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  const field = path.length > 0 ? path.join(".") : undefined;
  const head = path[0];
  const missing = head !== undefined && path.length === 1 && !Object.hasOwn(raw, head) && issue?.code === "invalid_type";
  const message = missing
    ? `missing param "${field}": ${issue.message}`
    : field === undefined
      ? `invalid params: ${issue?.message ?? "rejected by the schema"}`
      : `invalid param "${field}": ${issue?.message ?? "rejected by the schema"}`;
  throw new ParamsError(message, { ...location, field });
}

/**
 * A string the field rejects is read as JSON, if it is JSON. Should the JSON value fail too, its
 * error is the more useful one (`ids.1: expected number` rather than `ids: expected array`).
 */
function coerce(field: ZodType, value: unknown): unknown {
  if (typeof value !== "string" || field.safeParse(value).success) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function kindOf(schema: ZodType): unknown {
  return (schema as { _zod?: { def?: { type?: unknown } } })._zod?.def?.type;
}
