/**
 * The one canvas the DAG graph and the lineage explorer draw on: React Flow, read-only (no drag,
 * no connect, no select), following the UI's theme, fitted into view when a new layout arrives
 * and whenever the canvas changes size (a side panel opens, the window resizes).
 */
import "@xyflow/react/dist/style.css";
import { Background, Controls, ReactFlow, type Edge, type Node, type NodeTypes, type ReactFlowInstance } from "@xyflow/react";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";

const FIT = { padding: 0.15, maxZoom: 1.2 };

interface Props<N extends Node> {
  readonly nodes: N[];
  readonly edges: Edge[];
  readonly nodeTypes: NodeTypes;
  /** The laid-out graph's height; the canvas is a little taller, within bounds. */
  readonly layoutHeight: number;
  readonly minHeight: number;
  readonly minZoom: number;
  /** Changes with each new layout: the canvas fits the new graph into view. */
  readonly layoutKey: unknown;
  readonly className?: string;
  readonly testId: string;
}

export function GraphCanvas<N extends Node>({ nodes, edges, nodeTypes, layoutHeight, minHeight, minZoom, layoutKey, className, testId }: Props<N>) {
  const theme = useSyncExternalStore(subscribeTheme, () => document.documentElement.dataset.theme ?? "light");
  const [flow, setFlow] = useState<ReactFlowInstance<N> | undefined>();
  const canvas = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (flow) void flow.fitView(FIT);
  }, [flow, layoutKey]);
  useEffect(() => {
    const element = canvas.current;
    if (!element || !flow) return;
    const observer = new ResizeObserver(() => void flow.fitView(FIT));
    observer.observe(element);
    return () => observer.disconnect();
  }, [flow, layoutKey]);

  return (
    <div className={`graph-canvas${className ? ` ${className}` : ""}`} data-testid={testId} ref={canvas} style={{ height: Math.max(minHeight, Math.min(640, layoutHeight * 1.2 + 80)) }}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onInit={setFlow}
        colorMode={theme === "dark" ? "dark" : "light"}
        fitView
        fitViewOptions={FIT}
        minZoom={minZoom}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

function subscribeTheme(callback: () => void): () => void {
  const observer = new MutationObserver(callback);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}
