/**
 * The graph: tasks laid out left to right by ELK's layered algorithm, drawn with React Flow,
 * coloured by the selected run's states. Datasets a task writes or reads are drawn as their own
 * nodes between the tasks, with dashed edges; each links to the lineage explorer centred on it.
 * For a run of an older DAG version, tasks removed since are marked. Loaded on demand (see dag-page.tsx).
 */
import { Handle, Position, type Edge, type Node, type NodeProps } from "@xyflow/react";
import { memo, useEffect, useMemo, useState } from "react";
import { GraphCanvas } from "../components/graph-canvas";
import type { DagDetail, TaskInstance } from "../api/types";
import { StateLegend } from "../components/state";
import { ErrorBox, Loading } from "../components/status";
import { stateLabel } from "../format";
import { href } from "../router";
import { layoutLeftToRight } from "./elk-layout";
import { byTask, groupState } from "./instance-groups";

const TASK_W = 190;
const TASK_H = 48;
/** Dataset nodes are as wide as their URI (up to a limit), so the name is readable. */
const datasetWidth = (uri: string) => Math.min(340, 28 + uri.length * 7);
const DATASET_H = 34;

type TaskData = { label: string; kind: string; state: string | undefined; count: number; selected: boolean; removed: boolean; onOpen: () => void };
type DatasetData = { uri: string };
type TaskNodeType = Node<TaskData, "task">;
type DatasetNodeType = Node<DatasetData, "dataset">;

const TaskNode = memo(function TaskNode({ data }: NodeProps<TaskNodeType>) {
  return (
    <>
      <Handle type="target" position={Position.Left} />
      <button
        type="button"
        className={`graph-task state-${data.state ?? "none"}${data.selected ? " graph-selected" : ""}${data.removed ? " graph-removed" : ""}`}
        onClick={data.onOpen}
        data-task={data.label}
        data-state={data.state ?? "none"}
        data-removed={data.removed ? "true" : undefined}
        aria-label={`${data.label}: ${data.state ? stateLabel(data.state) : "no instance in this run"}${data.removed ? " (removed from the current version)" : ""}`}
      >
        <span className="graph-task-name">{data.label}</span>
        <span className="graph-task-meta">
          {data.removed ? "removed since · " : ""}
          {data.kind !== "task" ? `${data.kind} · ` : ""}
          {data.state ? stateLabel(data.state) : "–"}
          {data.count > 1 ? ` · ${data.count}×` : ""}
        </span>
      </button>
      <Handle type="source" position={Position.Right} />
    </>
  );
});

const DatasetNode = memo(function DatasetNode({ data }: NodeProps<DatasetNodeType>) {
  return (
    <>
      <Handle type="target" position={Position.Left} />
      <a className="graph-dataset" href={href(["datasets", "lineage"], { target: data.uri })} title={`${data.uri}: open its lineage`} style={{ width: datasetWidth(data.uri) }}>
        <span aria-hidden="true">◆ </span>
        {data.uri}
      </a>
      <Handle type="source" position={Position.Right} />
    </>
  );
});

const NODE_TYPES = { task: TaskNode, dataset: DatasetNode };
/** React Flow lets clicks through to the pane on nodes that are neither selectable nor draggable: the buttons and links in ours need them. */
export const CLICKABLE = { pointerEvents: "all" } as const;

interface Props {
  /** The structure to draw: the DAG as loaded, or the version the selected run used. */
  readonly dag: Pick<DagDetail, "tasks" | "datasetSchedule">;
  /** Tasks of this (older) version that the current version no longer has. */
  readonly removedTasks?: ReadonlySet<string>;
  readonly instances: readonly TaskInstance[];
  readonly selectedTask: string | null;
  onSelectTask(taskId: string, mapIndex: number | null): void;
}

interface Layout {
  readonly positions: ReadonlyMap<string, { x: number; y: number }>;
  /** The laid-out graph's size, for the height of the canvas. */
  readonly height: number;
  readonly edges: readonly Edge[];
  readonly datasets: readonly string[];
}

const datasetNodeId = (uri: string) => `dataset:${uri}`;

export default function GraphView({ dag, removedTasks, instances, selectedTask, onSelectTask }: Props) {
  const [layout, setLayout] = useState<Layout | undefined>();
  const [error, setError] = useState<unknown>();
  // Layout depends on the structure only: states change colours, never positions.
  const structureKey = JSON.stringify(dag.tasks.map((t) => [t.id, t.upstream, t.inputDatasets, t.outputDatasets]));
  useEffect(() => {
    let cancelled = false;
    const taskIds = new Set(dag.tasks.map((t) => t.id));
    const datasets = [...new Set(dag.tasks.flatMap((t) => [...t.outputDatasets, ...t.inputDatasets]).concat(dag.datasetSchedule?.uris ?? []))];
    const edges: Edge[] = [];
    for (const task of dag.tasks) {
      for (const up of task.upstream) if (taskIds.has(up)) edges.push({ id: `${up}->${task.id}`, source: up, target: task.id, type: "smoothstep" });
      for (const uri of task.outputDatasets) edges.push({ id: `${task.id}->${uri}`, source: task.id, target: datasetNodeId(uri), type: "smoothstep", className: "edge-dataset" });
      for (const uri of task.inputDatasets) edges.push({ id: `${uri}->${task.id}`, source: datasetNodeId(uri), target: task.id, type: "smoothstep", className: "edge-dataset" });
    }
    layoutLeftToRight(
      [
        ...dag.tasks.map((t) => ({ id: t.id, width: TASK_W, height: TASK_H })),
        ...datasets.map((uri) => ({ id: datasetNodeId(uri), width: datasetWidth(uri), height: DATASET_H })),
      ],
      edges,
    ).then(
      (result) => {
        if (!cancelled) setLayout({ positions: result.positions, edges, datasets, height: result.height });
      },
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
    // structureKey stands for the structure of dag.tasks: a new object with the same tasks lays nothing out again.
  }, [structureKey]);

  const nodes = useMemo<(TaskNodeType | DatasetNodeType)[]>(() => {
    if (!layout) return [];
    const groups = byTask(instances);
    const taskNodes: TaskNodeType[] = dag.tasks.map((t) => {
      const group = groups.get(t.id) ?? [];
      const mapped = group.length > 1 || (group[0]?.mapIndex ?? null) !== null;
      return {
        id: t.id,
        type: "task",
        position: layout.positions.get(t.id) ?? { x: 0, y: 0 },
        data: {
          label: t.id,
          kind: t.kind ?? "task",
          state: groupState(group),
          count: group.length,
          selected: selectedTask === t.id,
          removed: removedTasks?.has(t.id) ?? false,
          onOpen: () => onSelectTask(t.id, mapped ? (group[0]?.mapIndex ?? null) : null),
        },
        width: TASK_W,
        height: TASK_H,
        style: CLICKABLE,
      };
    });
    const datasetNodes: DatasetNodeType[] = layout.datasets.map((uri) => ({
      id: datasetNodeId(uri),
      type: "dataset",
      position: layout.positions.get(datasetNodeId(uri)) ?? { x: 0, y: 0 },
      data: { uri },
      width: datasetWidth(uri),
      height: DATASET_H,
      selectable: false,
      style: CLICKABLE,
    }));
    return [...taskNodes, ...datasetNodes];
  }, [layout, instances, dag.tasks, removedTasks, selectedTask, onSelectTask]);

  if (error) return <ErrorBox error={error} />;
  if (!layout) return <Loading label="Laying out the graph…" />;
  if (dag.tasks.length === 0) return <p className="muted">This DAG has no tasks.</p>;

  return (
    <div className="graph-view">
      <GraphCanvas
        nodes={nodes}
        edges={layout.edges as Edge[]}
        nodeTypes={NODE_TYPES}
        layoutHeight={layout.height}
        minHeight={280}
        minZoom={0.2}
        layoutKey={layout}
        testId="graph"
      />
      <StateLegend />
    </div>
  );
}

