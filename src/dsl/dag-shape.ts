/**
 * A DAG as data: everything the scheduler, the API and a worker's claims work from, without the
 * DAG's code (task functions, zod schemas). A shape is made where the DAG file was imported (the
 * import check's thread, evaluate-dag-files.ts) and crosses to the process as plain data, so a
 * service's own thread never runs DAG file code to schedule it, as Airflow's scheduler works from
 * serialized DAGs. The code runs only when something needs it (params a schema checks or defaults,
 * an approval's form), in the registry's DAG code thread (RegisteredDag.code, scheduler/dag-code.ts).
 */
import type { ErrorLocation } from "../core/errors.js";
import type { DagGraph } from "../core/types.js";
import { collectDags, type ExportedDag } from "./dag-exports.js";
import { formJsonSchema } from "./form-json-schema.js";
import type { Dag, ResolvedDagOptions } from "./types.js";

export interface DagShape {
  readonly id: string;
  readonly options: ResolvedDagOptions;
  readonly graph: DagGraph;
  /**
   * Whether the DAG declares a params schema. Only then does a run's params need the DAG's code:
   * the schema checks given params and computes defaults (a `.default(() => ...)` for each run).
   */
  readonly declaresParams: boolean;
  /** The params schema as JSON Schema (the UI's trigger form), or null without one. */
  readonly paramsJsonSchema: unknown;
}

/** An error as data (it crosses threads and caches): a Tributary error keeps its code and location. */
export interface PlainError {
  readonly message: string;
  readonly code?: string;
  readonly location?: ErrorLocation;
  readonly stack?: string;
}

export function dagShape(dag: Dag<unknown>): DagShape {
  return {
    id: dag.id,
    options: dag.options,
    graph: dag.graph,
    declaresParams: dag.paramsSchema !== undefined,
    paramsJsonSchema: paramsJsonSchema(dag.paramsSchema),
  };
}

/** Whether what runs of this DAG take from people needs its code in the process: params a schema checks, an approval's form. */
export function needsCode(dag: DagShape): boolean {
  return dag.declaresParams || dag.graph.tasks.some((task) => task.approval !== undefined);
}

/** The params schema as JSON Schema for forms, or null (no schema, or one JSON Schema cannot say). */
export function paramsJsonSchema(schema: unknown): unknown {
  if (schema === undefined || schema === null) return null;
  try {
    return formJsonSchema(schema);
  } catch {
    return null;
  }
}

/** The structure of a DAG, which a DAG and its shape both have: what a worker's claims read. */
export type DagStructure = Pick<DagShape, "id" | "options" | "graph">;

/** The error again as an Error, with its code and location (so adopt-error.ts rebuilds a Tributary error). */
export function errorOf(plain: PlainError): Error {
  const error = new Error(plain.message);
  if (plain.stack !== undefined) error.stack = plain.stack;
  if (plain.code !== undefined) Object.assign(error, { code: plain.code, location: plain.location ?? {} });
  return error;
}

export function plainError(error: unknown): PlainError {
  if (typeof error !== "object" || error === null) return { message: String(error) };
  const { message, code, location, stack } = error as { message?: unknown; code?: unknown; location?: unknown; stack?: unknown };
  return {
    message: typeof message === "string" ? message : String(error),
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof location === "object" && location !== null ? { location: { ...(location as ErrorLocation) } } : {}),
    ...(typeof stack === "string" ? { stack } : {}),
  };
}

/** What importing one DAG file gave, as data: its DAGs' shapes and its errors, or the error that stopped its import. */
export type FileEvaluation =
  | { readonly dags: readonly ExportedDag<DagShape>[]; readonly errors: readonly PlainError[] }
  | { readonly error: PlainError };

/** A module's DAGs as shapes (run where the file was imported, see import-check.ts). */
export function evaluatedFile(moduleExports: Readonly<Record<string, unknown>>, file: string): FileEvaluation {
  const { dags, errors } = collectDags(moduleExports, file);
  return { dags: dags.map(({ dag, exportName }) => ({ dag: dagShape(dag), exportName })), errors: errors.map(plainError) };
}
