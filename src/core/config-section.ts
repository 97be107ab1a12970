/**
 * The config file (tributary.config.ts) and its sections (`alerts`, `openlineage`, `otlp`, ...),
 * checked by zod schemas like the API's request bodies, with errors that name the file and the
 * field path (`alerts.jira.url must be an http(s) URL`). Unknown settings are errors: a typo must
 * not pass silently. Environment variables that override a section are checked the same way and
 * named as written (`TRIBUTARY_ALERT_MAX_ATTEMPTS must be a positive integer`).
 */
import { z } from "zod";
import { parseDuration } from "./duration.js";
import { InvalidInputError } from "./errors.js";

const POSITIVE_INT = "must be a positive integer";
const HEADERS = "must map header names to strings";
const HTTP_URL = "must be an http(s) URL";
const DURATION = 'must be a duration such as "15m"';
const STRINGS = "must be a list of strings";
const NON_EMPTY = "must be a non-empty string";

/** A value left empty (`""`, e.g. an unset variable interpolated into the file) counts as not set. */
const blankIsUnset = (value: unknown): unknown => (value === "" ? undefined : value);
/** `"a, b"` is the list `["a", "b"]` (how environment variables spell lists). */
const commaList = (value: unknown): unknown => (typeof value === "string" ? value.split(",").map((s) => s.trim()).filter((s) => s.length > 0) : value);
const httpUrl = z.string({ error: HTTP_URL }).regex(/^https?:\/\//, { error: HTTP_URL });

function toDuration(value: string | number, ctx: z.RefinementCtx): number {
  try {
    return parseDuration(value, {});
  } catch {
    ctx.addIssue({ code: "custom", message: DURATION });
    return z.NEVER;
  }
}

function toPositiveInt(value: string, ctx: z.RefinementCtx): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= 1) return n;
  ctx.addIssue({ code: "custom", message: POSITIVE_INT });
  return z.NEVER;
}

/** Field schemas of the config file, whose messages complete "<section>.<field> ...". */
export const configField = {
  text: z.string({ error: NON_EMPTY }).min(1, { error: NON_EMPTY }),
  headers: z.record(z.string(), z.string({ error: HEADERS }), { error: HEADERS }),
  positiveInt: z.number({ error: POSITIVE_INT }).int({ error: POSITIVE_INT }).min(1, { error: POSITIVE_INT }),
  /** Optional text; `""` is not set. */
  optionalText: z.preprocess(blankIsUnset, z.string({ error: "must be a string" }).optional()),
  /** Optional `http://` or `https://` URL; `""` is not set. */
  optionalHttpUrl: z.preprocess(blankIsUnset, httpUrl.optional()),
  /** Optional list of URLs, as an array or comma-separated text; `""` is not set. */
  optionalHttpUrls: z.preprocess((v) => commaList(blankIsUnset(v)), z.array(httpUrl, { error: STRINGS }).optional()),
  /** Optional list of strings, as an array or comma-separated text; `""` is not set. */
  optionalStrings: z.preprocess((v) => commaList(blankIsUnset(v)), z.array(z.string({ error: "must be a string" }), { error: STRINGS }).optional()),
  /** Optional duration (`"15m"`, `"1h30m"`, or milliseconds), in milliseconds; `""` is not set. */
  optionalDuration: z.preprocess(blankIsUnset, z.union([z.string(), z.number()], { error: DURATION }).transform(toDuration).optional()),
};

/** Field schemas of environment variables (text, or absent); `""` is not set. */
export const envField = {
  text: configField.optionalText,
  httpUrl: configField.optionalHttpUrl,
  httpUrls: configField.optionalHttpUrls,
  strings: configField.optionalStrings,
  duration: z.preprocess(blankIsUnset, z.string().transform(toDuration).optional()),
  positiveInt: z.preprocess(blankIsUnset, z.string().transform(toPositiveInt).optional()),
};

/** A nested object of a section (`alerts.jira`): unknown settings in it are errors too. */
export function configObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, { error: "must be an object" });
}

/** The section's settings; `{}` when the file has no such section. Throws an `InvalidInputError`. */
export function parseConfigSection<Shape extends z.ZodRawShape>(name: string, shape: Shape, section: unknown, file: string | undefined): z.infer<z.ZodObject<Shape>> {
  if (section === undefined || section === null) return {} as z.infer<z.ZodObject<Shape>>;
  const parsed = z.strictObject(shape).safeParse(section);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue || (issue.path.length === 0 && issue.code !== "unrecognized_keys")) throw new InvalidInputError(`${name} must be an object`, { file, field: name });
  throw issueError(issue, shape, name, file);
}

/** The whole config file's top-level settings (each section is then checked by its own module). */
export function parseConfigFile<Shape extends z.ZodRawShape>(shape: Shape, config: unknown, file: string): z.infer<z.ZodObject<Shape>> {
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new InvalidInputError("the config file must export an object", { file });
  const parsed = z.strictObject(shape).safeParse(config);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw new InvalidInputError("the config file is invalid", { file });
  throw issueError(issue, shape, "", file);
}

/** The environment variables of `shape` (other variables are ignored); errors name the variable. */
export function parseConfigEnv<Shape extends z.ZodRawShape>(shape: Shape, env: Readonly<Record<string, string | undefined>>): z.infer<z.ZodObject<Shape>> {
  const parsed = z.object(shape).safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const variable = String(issue?.path[0] ?? "an environment variable");
  throw new InvalidInputError(`${variable} ${issue?.message ?? "is invalid"}`, { field: variable });
}

function issueError(issue: z.core.$ZodIssue, shape: z.ZodRawShape, prefix: string, file: string | undefined): InvalidInputError {
  const at = fieldPath(prefix, settingPath(shape, issue.path));
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const known = Object.keys(shapeAt(shape, issue.path) ?? {}).join(", ");
    const where = at === "" ? "" : ` ${at}`;
    return new InvalidInputError(`unknown${where} setting "${key}" (known: ${known})`, { file, field: fieldPath(at, [key]) });
  }
  return new InvalidInputError(`${at} ${issue.message}`, { file, field: at });
}

/** `alerts` + [`webhooks`, 1] is `alerts.webhooks[1]`. */
function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((at, key) => (typeof key === "number" ? `${at}[${key}]` : at === "" ? String(key) : `${at}.${String(key)}`), prefix);
}

/** The schema a field's value is checked by, without the optional and preprocessing wrappers. */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional) current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.out;
    else return current;
  }
}

/** The path up to the setting: the keys of a map (`headers.Authorization`) are data, not settings. */
function settingPath(shape: z.ZodRawShape, path: readonly PropertyKey[]): readonly PropertyKey[] {
  let schema: unknown = z.object(shape);
  for (const [i, key] of path.entries()) {
    if (schema instanceof z.ZodRecord) return path.slice(0, i);
    schema = schema instanceof z.ZodObject ? unwrap((schema.shape as z.ZodRawShape)[String(key)]) : schema instanceof z.ZodArray ? unwrap(schema.element) : undefined;
  }
  return path;
}

/** The shape of the nested object at `path`, for the list of known settings. */
function shapeAt(shape: z.ZodRawShape, path: readonly PropertyKey[]): z.ZodRawShape | undefined {
  let current: z.ZodRawShape | undefined = shape;
  for (const key of path) {
    const schema = unwrap(current?.[String(key)]);
    current = schema instanceof z.ZodObject ? (schema.shape as z.ZodRawShape) : undefined;
  }
  return current;
}
