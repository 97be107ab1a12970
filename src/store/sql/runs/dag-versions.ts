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
import { chunks } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";

/** Keeps this version of the DAG (if new) and returns its id. */
export async function recordDagVersion(tx: Tx, graph: DagGraph, source: string | undefined, at: number): Promise<string> {
  const [version] = await recordDagVersions(tx, [{ graph, source, at }]);
  return version as string;
}

/**
 * `recordDagVersion` for the DAGs of runs created together (many DAGs due in one tick): one look
 * for the versions already kept, 64 to a statement, and one INSERT of the new ones, 16 to a
 * statement (a graph and its source can be large), each kept at its first item's time. The
 * versions in the order of `items`.
 */
export async function recordDagVersions(tx: Tx, items: readonly { readonly graph: DagGraph; readonly source?: string | undefined; readonly at: number }[]): Promise<string[]> {
  const versions = items.map(({ graph, source, at }) => ({ graph, source, at, version: dagVersion(graph, source) }));
  const keyOf = (dagId: string, version: string) => `${dagId}\u0000${version}`;
  // Each version once, as its first item gives it (the time it is kept at).
  const distinct = [...new Map([...versions].reverse().map((v) => [keyOf(v.graph.dagId, v.version), v])).values()];
  // Most runs use a version already kept: look before sending (possibly large) graphs and sources.
  const known = new Set<string>();
  for (const batch of chunks(distinct, 64)) {
    const rows = await tx
      .selectFrom("dag_versions")
      .select(["dag_id", "version"])
      .where((eb) => eb.or(batch.map((v) => eb.and([eb("dag_id", "=", v.graph.dagId), eb("version", "=", v.version)]))))
      .execute();
    for (const row of rows) known.add(keyOf(row.dag_id, row.version));
  }
  const fresh = distinct.filter((v) => !known.has(keyOf(v.graph.dagId, v.version)));
  for (const batch of chunks(fresh, 16)) {
    await tx
      .insertInto("dag_versions")
      .values(batch.map((v) => ({ dag_id: v.graph.dagId, version: v.version, graph: JSON.stringify(v.graph), source: v.source ?? null, created_at: v.at })))
      // Two processes may record the same version at once: the first one's row stands.
      .onConflict((oc) => oc.columns(["dag_id", "version"]).doNothing())
      .execute();
  }
  return versions.map((v) => v.version);
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
