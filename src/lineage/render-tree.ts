/** A lineage result as a tree for the terminal, each line saying how it relates to its parent. */
import type { LineageEdgeKind } from "./lineage-graph.js";
import type { LineageDirection, LineageResult, LineageTreeNode } from "./lineage-query.js";

const LABELS: Readonly<Record<LineageDirection, Readonly<Record<LineageEdgeKind, string>>>> = {
  downstream: { reads: "read by", writes: "writes", feeds: "then", triggers: "triggers", contains: "runs" },
  upstream: { reads: "reads", writes: "written by", feeds: "after", triggers: "triggered by", contains: "in" },
};

export function renderLineageTree(result: LineageResult): string {
  const lines = [describe(result.tree)];
  const walk = (node: LineageTreeNode, prefix: string) => {
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      const via = child.via;
      const label = via ? `${LABELS[result.direction][via.kind]} ` : "";
      const seen = via && !via.declared && via.observed ? " (seen at run time)" : "";
      lines.push(`${prefix}${last ? "└─ " : "├─ "}${label}${describe(child)}${seen}`);
      walk(child, `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk(result.tree, "");
  if (result.tree.children.length === 0) lines.push(`(nothing ${result.direction})`);
  return lines.join("\n");
}

function describe(tree: LineageTreeNode): string {
  return `${tree.node.kind} ${tree.node.name}`;
}
