/** How a lineage node is named in a query (`target=`) and in the explorer's URL. */
import type { LineageNode } from "../api/types";
import { href } from "../router";

/** A dataset by its URI; a DAG as `dag:<id>`; a task as `task:<dagId>/<taskId>` (ids may contain dots, never "/"). */
export function lineageTarget(node: LineageNode): string {
  if (node.kind === "dataset") return node.uri ?? node.name;
  return node.id;
}

export const lineageHref = (target: string, query: Readonly<Record<string, string | number | null | undefined>> = {}) => href(["datasets", "lineage"], { ...query, target });

/**
 * A producer or consumer as the datasets listing names it (`dagId.taskId`, or a DAG's id for a DAG
 * a dataset triggers) as a lineage target; the server tries every split of `task:a.b.c`.
 */
export const consumerTarget = (name: string, dagIds: ReadonlySet<string>) => (dagIds.has(name) ? `dag:${name}` : `task:${name}`);
