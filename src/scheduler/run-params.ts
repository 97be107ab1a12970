/**
 * The params of a run. A DAG without a params schema takes params as given (none: `{}`). A DAG
 * with one has its schema check them and fill in defaults, as when the DAG file was imported into
 * the scheduler: that needs the DAG's code (RegisteredDag.code; a registry imports it in the
 * background as soon as it registers such a DAG), so a default computed by a function is computed
 * for each run. One rule for scheduled, backfill, dataset-triggered, manual and event runs.
 */
import { parseParams } from "../dsl/params.js";
import type { RegisteredDag } from "./dag-registry.js";

/** Throws a ParamsError naming the DAG and the field. */
export async function runParams(entry: RegisteredDag, given: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  return (await defaultParamsOf(entry, given))();
}

/**
 * The params of runs created with `given` (default none), as a function called for each run; the
 * DAG's code is imported first when it has a schema, so the function can run inside a transaction.
 */
export async function defaultParamsOf(entry: RegisteredDag, given: Readonly<Record<string, unknown>> = {}): Promise<() => Record<string, unknown>> {
  const { dag } = entry;
  if (!dag.declaresParams) return () => parseParams(undefined, given, { dagId: dag.id });
  const code = await entry.code();
  return () => code.parseParams(given) as Record<string, unknown>;
}
