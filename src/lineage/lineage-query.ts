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
  const rootIndex = graph.indexOf(rootId);
  if (rootIndex === undefined) throw new Error(`no lineage node ${rootId}`);
  const root = graph.nodeAt(rootIndex);
  const side = direction === "downstream" ? "out" : "in";
  const limit = depth ?? Number.POSITIVE_INFINITY;
  const tree: LineageTreeNode = { node: root, children: [] };
  // Indexed by node number: the tree node of each node reached (a sparse array, one per query).
  const reached: (LineageTreeNode | undefined)[] = new Array<LineageTreeNode | undefined>(graph.nodeCount);
  reached[rootIndex] = tree;
  const nodes: LineageNode[] = [root];
  const edges: LineageEdge[] = [];
  let frontier = [rootIndex];
  for (let level = 0; level < limit && frontier.length > 0; level++) {
    const next: number[] = [];
    for (const index of frontier) {
      const parent = reached[index];
      if (!parent) continue;
      for (const edgeNumber of graph.edgesAt(index, side)) {
        const edge = graph.edgeAt(edgeNumber);
        edges.push(edge);
        const other = graph.edgeEnd(edgeNumber, side);
        if (reached[other] !== undefined) continue;
        const node = graph.nodeAt(other);
        const child: LineageTreeNode = { node, via: { kind: edge.kind, declared: edge.declared, observed: edge.observed }, children: [] };
        parent.children.push(child);
        reached[other] = child;
        nodes.push(node);
        next.push(other);
      }
    }
    frontier = next;
  }
  return { root, direction, depth: depth ?? null, nodes, edges, tree };
}
