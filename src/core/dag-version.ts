/**
 * A DAG's version: a short hash of its structure (the `DagGraph`) and the source text of the file
 * that defines it. Two runs with the same version ran the same tasks, dependencies and code; a run
 * keeps its version, so its graph can be shown later even after tasks were removed from the DAG.
 * The source covers the DAG file only, not the modules it imports.
 */
import { createHash } from "node:crypto";
import type { DagGraph } from "./types.js";

export function dagVersion(graph: DagGraph, source: string | null | undefined): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(graph));
  hash.update("\0");
  hash.update(source ?? "");
  // 16 hex digits (64 bits): unique among the versions of one DAG, short enough to show.
  return hash.digest("hex").slice(0, 16);
}
