/**
 * Downstream and upstream queries over the lineage graph: "what is affected if this table
 * changes?" and "where does this table come from?". A breadth-first walk from one node, up to
 * `depth` edges away, answering both as a graph (every node and edge reached) and as a tree
 * (each node under the node it was first reached from, so nearer paths win).
 */
import type { LineageEdge, LineageEdgeKind, LineageGraph, LineageNode } from "./lineage-graph.js";

export type LineageDirection = "downstream" | "upstream";

export interface LineageTreeNode {
  readonly node: LineageNode;
  /** The edge that led here from the parent (undefined at the root). */
  readonly via?: { readonly kind: LineageEdgeKind; readonly declared: boolean; readonly observed: boolean };
  readonly children: LineageTreeNode[];
}

export interface LineageResult {
  readonly root: LineageNode;
  readonly direction: LineageDirection;
  /** The depth limit asked for; null when unlimited. */
  readonly depth: number | null;
  /** Every node reached, the root first, in the order reached. */
  readonly nodes: readonly LineageNode[];
  /** Every edge between nodes reached (in the graph's own direction: from -> to). */
  readonly edges: readonly LineageEdge[];
  readonly tree: LineageTreeNode;
}

export function walkLineage(graph: LineageGraph, rootId: string, direction: LineageDirection, depth: number | undefined): LineageResult {
  const root = graph.nodes.get(rootId);
  if (!root) throw new Error(`no lineage node ${rootId}`);
  const limit = depth ?? Number.POSITIVE_INFINITY;
  const tree: LineageTreeNode = { node: root, children: [] };
  const reached = new Map<string, LineageTreeNode>([[rootId, tree]]);
  const edges: LineageEdge[] = [];
  let frontier = [rootId];
  for (let level = 0; level < limit && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const id of frontier) {
      const parent = reached.get(id);
      const steps = direction === "downstream" ? graph.outgoing(id) : graph.incoming(id);
      for (const edge of steps) {
        const otherId = direction === "downstream" ? edge.to : edge.from;
        edges.push(edge);
        if (reached.has(otherId)) continue;
        const other = graph.nodes.get(otherId);
        if (!other || !parent) continue;
        const child: LineageTreeNode = { node: other, via: { kind: edge.kind, declared: edge.declared, observed: edge.observed }, children: [] };
        parent.children.push(child);
        reached.set(otherId, child);
        next.push(otherId);
      }
    }
    frontier = next;
  }
  return {
    root,
    direction,
    depth: depth ?? null,
    nodes: [...reached.values()].map((t) => t.node),
    edges: edges.map((e) => ({ ...e })),
    tree,
  };
}
