/**
 * A zod schema as JSON Schema: what the UI draws a form from (a DAG's params, an approval's form).
 *
 * zod's converter is loaded on first use, synchronously, from its CommonJS build. Every process
 * that imports DAG files (task processes, services, commands) imports the DSL, and with zod
 * imported at the top that was 95 more modules each time, about 40 ms of CPU, for DAGs that have
 * neither params nor approvals. The schema may come from another copy of zod (the DAG file's own):
 * the converter reads the schema's internals, and zod keeps its metadata registry (descriptions)
 * on globalThis, shared by its copies.
 */
import { createRequire } from "node:module";
import type * as ZodCore from "zod/v4/core";

const require = createRequire(import.meta.url);
let zodCore: typeof ZodCore | undefined;

/** Throws what zod throws for a schema JSON Schema cannot say (a transform on the input side, say). */
export function formJsonSchema(schema: unknown): Record<string, unknown> {
  zodCore ??= require("zod/v4/core") as typeof ZodCore;
  return zodCore.toJSONSchema(schema as ZodCore.$ZodType, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
