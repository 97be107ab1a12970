/**
 * A section of tributary.config.ts (`openlineage`, `otlp`, ...), checked by a zod schema like the
 * API's request bodies, with errors that name the file and the field (`otlp.timeoutMs must be a
 * positive integer`). Unknown settings are errors: a typo must not pass silently.
 */
import { z } from "zod";
import { InvalidInputError } from "./errors.js";

const POSITIVE_INT = "must be a positive integer";
const HEADERS = "must map header names to strings";

/** Field schemas whose messages complete "<section>.<field> ...". */
export const configField = {
  text: z.string({ error: "must be a non-empty string" }).min(1, { error: "must be a non-empty string" }),
  headers: z.record(z.string(), z.string({ error: HEADERS }), { error: HEADERS }),
  positiveInt: z.number({ error: POSITIVE_INT }).int({ error: POSITIVE_INT }).min(1, { error: POSITIVE_INT }),
};

/** The section's settings; `{}` when the file has no such section. Throws an `InvalidInputError`. */
export function parseConfigSection<Shape extends z.ZodRawShape>(name: string, shape: Shape, section: unknown, file: string): z.infer<z.ZodObject<Shape>> {
  if (section === undefined || section === null) return {} as z.infer<z.ZodObject<Shape>>;
  const parsed = z.strictObject(shape).safeParse(section);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue || (issue.path.length === 0 && issue.code !== "unrecognized_keys")) throw new InvalidInputError(`${name} must be an object`, { file, field: name });
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    throw new InvalidInputError(`unknown ${name} setting "${key}" (known: ${Object.keys(shape).join(", ")})`, { file, field: `${name}.${key}` });
  }
  const field = `${name}.${String(issue.path[0])}`;
  throw new InvalidInputError(`${field} ${issue.message}`, { file, field });
}
