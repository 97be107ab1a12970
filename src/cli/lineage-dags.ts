import { existsSync, statSync } from "node:fs";
import type { DagGraph } from "../core/types.js";
import { loadDagFolder } from "../dsl/load.js";

/**
 * The DAGs of the DAG folder, if there is one, for lineage commands: lineage then covers DAGs no
 * scheduler has recorded in the store yet. Files that fail to import are left out here (and
 * reported by `tributary dags check`).
 */
export async function dagGraphsIn(dagsDir: string): Promise<DagGraph[]> {
  if (!existsSync(dagsDir) || !statSync(dagsDir).isDirectory()) return [];
  const { dags } = await loadDagFolder(dagsDir, { hangs: "watch" });
  return dags.map((loaded) => loaded.dag.graph);
}
