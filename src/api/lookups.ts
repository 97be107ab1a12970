/** Lookups that turn an unknown id into a 404 naming it. */
import type { RegisteredDag } from "../scheduler/dag-registry.js";
import type { DagGraph } from "../core/types.js";
import type { DagRunRecord } from "../store/index.js";
import type { ApiContext } from "./context.js";
import { notFound } from "./errors.js";

export function requireDag(ctx: ApiContext, dagId: string): RegisteredDag {
  const entry = ctx.dags.get(dagId);
  if (!entry) throw notFound(`DAG "${dagId}" not found`);
  return entry;
}

export async function requireRun(ctx: ApiContext, runId: string): Promise<DagRunRecord> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw notFound(`DAG run "${runId}" not found`);
  return run;
}

/** The structure (and source, which with it makes the DAG version) to act on a run with: the loaded DAG's, or the one the store recorded. */
export async function dagToRun(ctx: ApiContext, dagId: string): Promise<{ graph: DagGraph; source: string | undefined }> {
  const entry = ctx.dags.get(dagId);
  if (entry) return { graph: entry.dag.graph, source: entry.source };
  const record = await ctx.store.getDag(dagId);
  if (!record) throw notFound(`DAG "${dagId}" not found`);
  return { graph: record.graph, source: undefined };
}
