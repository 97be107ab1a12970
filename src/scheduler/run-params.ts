/**
 * The params of a run. A DAG without a params schema takes params as given (none: `{}`). A DAG
 * with one has its schema check them and fill in defaults, as when the DAG file was imported into
 * the scheduler: that needs the DAG's code, which runs in the registry's DAG code thread
 * (RegisteredDag.code, dag-code.ts), once for each run, so a default computed by a function is
 * computed for each run. One rule for scheduled, backfill, dataset-triggered, manual and event runs.
 */
import { parseParams } from "../dsl/params.js";
import type { RegisteredDag } from "./dag-registry.js";

/** Throws a ParamsError naming the DAG and the field. */
export async function runParams(entry: RegisteredDag, given: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  return (await defaultParamsOf(entry, 1, given))();
}

/**
 * The params of up to `count` runs created with `given` (default none), handed out one per call,
 * for each run in turn: worked out before, so that the calls can run inside a transaction. A call
 * past `count` is a fault of the caller's count, and throws.
 */
export async function defaultParamsOf(entry: RegisteredDag, count: number, given: Readonly<Record<string, unknown>> = {}): Promise<() => Record<string, unknown>> {
  const { dag } = entry;
  if (!dag.declaresParams) return () => parseParams(undefined, given, { dagId: dag.id });
  const params = count <= 0 ? [] : await entry.code.params(given, count);
  let next = 0;
  return () => {
    const run = params[next++];
    if (run === undefined) throw new Error(`DAG "${dag.id}": params were worked out for ${count} run(s), and a run more asked for them`);
    return run;
  };
}
