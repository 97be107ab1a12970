import { existsSync, statSync } from "node:fs";
import { DagNotFoundError, InvalidInputError } from "../core/errors.js";
import { loadDagFolder } from "../dsl/load.js";
import { register, type RegisteredDag } from "../scheduler/dag-registry.js";

/**
 * Finds a DAG by id in a folder of DAG files. When it is missing, the error lists the DAGs that
 * loaded and the files that failed to import (the DAG may be in one of them).
 */
export async function findDagById(dagId: string, dagsDir: string): Promise<RegisteredDag> {
  if (!existsSync(dagsDir) || !statSync(dagsDir).isDirectory()) {
    throw new InvalidInputError(`no such DAG folder: ${dagsDir} (use --dags <dir>)`, { field: "dags" });
  }
  const { dags, errors } = await loadDagFolder(dagsDir, { hangs: "watch" });
  const found = dags.find((loaded) => loaded.dag.id === dagId);
  if (found) return register(found);
  const known = dags.map((loaded) => loaded.dag.id).join(", ") || "none";
  const failed = errors.length > 0 ? `; files with import errors: ${errors.map((e) => e.location.file ?? "?").join(", ")}` : "";
  throw new DagNotFoundError(`no DAG "${dagId}" in ${dagsDir} (known DAGs: ${known}${failed})`, { dagId });
}
