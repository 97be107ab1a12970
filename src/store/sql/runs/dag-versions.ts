/**
 * DAG versions in the store: a run records the version of the DAG it runs, and each version's
 * graph and source are kept (once per DAG and version) so an old run's graph can be shown later.
 */
import type { Selectable } from "kysely";
import { dagVersion } from "../../../core/dag-version.js";
import type { DagGraph } from "../../../core/types.js";
import type { DagVersionTable } from "../schema.js";
import type { DagVersionRecord } from "../../contract/store.js";
import { toDate } from "../shared/rows.js";
import type { Tx } from "../shared/tx.js";

/** Keeps this version of the DAG (if new) and returns its id. */
export async function recordDagVersion(tx: Tx, graph: DagGraph, source: string | undefined, at: number): Promise<string> {
  const version = dagVersion(graph, source);
  // Most runs use a version already kept: look before sending a (possibly large) graph and source.
  const known = await tx.selectFrom("dag_versions").select("version").where("dag_id", "=", graph.dagId).where("version", "=", version).executeTakeFirst();
  if (known) return version;
  await tx
    .insertInto("dag_versions")
    .values({ dag_id: graph.dagId, version, graph: JSON.stringify(graph), source: source ?? null, created_at: at })
    // Two processes may record the same version at once: the first one's row stands.
    .onConflict((oc) => oc.columns(["dag_id", "version"]).doNothing())
    .execute();
  return version;
}

/**
 * The version a cleared run goes on with: the one of the graph it was cleared with. A caller that
 * does not know the DAG's source and clears with the graph the run already has keeps the run's
 * version, rather than recording a source-less twin of it.
 */
export async function versionAfterClear(
  tx: Tx,
  run: { readonly dag_id: string; readonly dag_version: string | null },
  graph: DagGraph,
  source: string | undefined,
  at: number,
): Promise<string> {
  if (source === undefined && run.dag_version !== null) {
    const current = await tx
      .selectFrom("dag_versions")
      .select("graph")
      .where("dag_id", "=", run.dag_id)
      .where("version", "=", run.dag_version)
      .executeTakeFirst();
    if (current?.graph === JSON.stringify(graph)) return run.dag_version;
  }
  return recordDagVersion(tx, graph, source, at);
}

export function dagVersionFromRow(row: Selectable<DagVersionTable>): DagVersionRecord {
  return {
    dagId: row.dag_id,
    version: row.version,
    graph: JSON.parse(row.graph) as DagGraph,
    source: row.source,
    createdAt: toDate(row.created_at),
  };
}
