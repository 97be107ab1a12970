/**
 * The lineage explorer's graph: datasets, tasks and DAGs reached from the centre node, laid out
 * by the same ELK engine as the DAG graph (left to right, in the data's direction). Clicking a
 * node recentres the explorer on it. Loaded on demand (see lineage-page.tsx).
 */
import { Handle, Position, type Edge, type Node, type NodeProps } from "@xyflow/react";
import { memo, useEffect, useMemo, useState } from "react";
import { GraphCanvas } from "../components/graph-canvas";
import type { LineageEdge, LineageNode } from "../api/types";
import { ErrorBox, Loading } from "../components/status";
import { layoutLeftToRight } from "../dag/elk-layout";

const TASK_W = 200;
const TASK_H = 48;
const DAG_W = 190;
const DAG_H = 40;
const DATASET_H = 34;
const datasetWidth = (uri: string) => Math.min(340, 28 + uri.length * 7);

function size(node: LineageNode): { width: number; height: number } {
  if (node.kind === "dataset") return { width: datasetWidth(node.name), height: DATASET_H };
  if (node.kind === "dag") return { width: DAG_W, height: DAG_H };
  return { width: TASK_W, height: TASK_H };
}

type LineageData = { node: LineageNode; root: boolean; onOpen: () => void };
type LineageNodeType = Node<LineageData, "lineage">;

const LineageNodeView = memo(function LineageNodeView({ data }: NodeProps<LineageNodeType>) {
  const { node, root } = data;
  const { width } = size(node);
  const label = node.kind === "task" ? (node.taskId ?? node.name) : node.name;
  return (
    <>
      <Handle type="target" position={Position.Left} />
      <button
        type="button"
        className={`lineage-node lineage-${node.kind}${root ? " lineage-root" : ""}`}
        style={{ width }}
        onClick={data.onOpen}
        data-lineage-node={node.id}
        data-kind={node.kind}
        title={root ? `${node.name} (the centre)` : `${node.name}: centre the graph here`}
        aria-label={`${node.kind} ${node.name}${root ? ", the centre" : ": centre the graph here"}`}
      >
        {node.kind === "dataset" ? <span aria-hidden="true">◆ </span> : null}
        <span className="lineage-name">{label}</span>
        {node.kind === "task" ? <span className="lineage-meta">task · {node.dagId}</span> : node.kind === "dag" ? <span className="lineage-meta">DAG</span> : null}
      </button>
      <Handle type="source" position={Position.Right} />
    </>
  );
});

const NODE_TYPES = { lineage: LineageNodeView };

interface Props {
  readonly rootId: string;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
  onOpen(node: LineageNode): void;
}

const edgeId = (e: LineageEdge) => `${e.from}|${e.kind}|${e.to}`;

export default function LineageGraph({ rootId, nodes, edges, onOpen }: Props) {
  const [layout, setLayout] = useState<{ positions: ReadonlyMap<string, { x: number; y: number }>; height: number; key: string } | undefined>();
  const [error, setError] = useState<unknown>();

  const known = useMemo(() => new Set(nodes.map((n) => n.id)), [nodes]);
  const shownEdges = useMemo(() => edges.filter((e) => known.has(e.from) && known.has(e.to)), [edges, known]);
  const structureKey = JSON.stringify([nodes.map((n) => n.id), shownEdges.map(edgeId)]);

  useEffect(() => {
    let cancelled = false;
    layoutLeftToRight(
      nodes.map((n) => ({ id: n.id, ...size(n) })),
      shownEdges.map((e) => ({ id: edgeId(e), source: e.from, target: e.to })),
    ).then(
      (result) => {
        if (!cancelled) setLayout({ positions: result.positions, height: result.height, key: structureKey });
      },
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
    // structureKey stands for nodes and edges: the same graph fetched again lays nothing out again.
  }, [structureKey]);

  const flowNodes = useMemo<LineageNodeType[]>(() => {
    if (!layout) return [];
    return nodes.map((node) => ({
      id: node.id,
      type: "lineage",
      position: layout.positions.get(node.id) ?? { x: 0, y: 0 },
      data: { node, root: node.id === rootId, onOpen: () => onOpen(node) },
      ...size(node),
      selectable: false,
      // React Flow lets clicks through to the pane on nodes that are neither selectable nor draggable.
      style: { pointerEvents: "all" },
    }));
  }, [layout, nodes, rootId, onOpen]);

  const flowEdges = useMemo<Edge[]>(
    () =>
      shownEdges.map((e) => ({
        id: edgeId(e),
        source: e.from,
        target: e.to,
        type: "smoothstep",
        className: `edge-${e.kind}${e.observed && !e.declared ? " edge-observed" : ""}`,
      })),
    [shownEdges],
  );

  if (error) return <ErrorBox error={error} />;
  if (!layout || layout.key !== structureKey) return <Loading label="Laying out the lineage…" />;

  return (
    <GraphCanvas
      nodes={flowNodes}
      edges={flowEdges}
      nodeTypes={NODE_TYPES}
      layoutHeight={layout.height}
      minHeight={300}
      minZoom={0.1}
      layoutKey={layout}
      className="lineage-canvas"
      testId="lineage-graph"
    />
  );
}
