/**
 * The lineage graph across all DAGs (DESIGN §7): datasets, tasks and DAGs as nodes; reads, writes,
 * task dependencies, dataset triggers and DAG membership as edges. It joins the declared graph
 * (task `inputs`/`outputs`, dataset schedules, from each DAG's stored structure) with what
 * happened at run time (the tasks that wrote each dataset, from dataset events): every edge says
 * whether it was declared, observed, or both.
 */
import type { DagGraph } from "../core/types.js";

export type LineageNodeKind = "dataset" | "task" | "dag";

/**
 * - `reads`: dataset -> task (a declared input)
 * - `writes`: task -> dataset (a declared output, or a dataset event at run time)
 * - `feeds`: task -> task (a dependency within a DAG: the downstream task runs after it)
 * - `triggers`: dataset -> DAG (the DAG's data-aware schedule waits for the dataset)
 * - `contains`: DAG -> task (a run of the DAG runs the task)
 */
export type LineageEdgeKind = "reads" | "writes" | "feeds" | "triggers" | "contains";

export interface LineageNode {
  /** `dataset:<uri>`, `dag:<dagId>` or `task:<dagId>/<taskId>`. */
  readonly id: string;
  readonly kind: LineageNodeKind;
  /** The URI of a dataset, the id of a DAG, `<dagId>.<taskId>` for a task. */
  readonly name: string;
  readonly uri?: string;
  readonly dagId?: string;
  readonly taskId?: string;
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: LineageEdgeKind;
  /** From a DAG definition. */
  declared: boolean;
  /** Seen at run time (a dataset event). */
  observed: boolean;
}

export const datasetNodeId = (uri: string): string => `dataset:${uri}`;
export const dagNodeId = (dagId: string): string => `dag:${dagId}`;
// "/" cannot appear in DAG or task ids, so it separates them unambiguously.
export const taskNodeId = (dagId: string, taskId: string): string => `task:${dagId}/${taskId}`;

export class LineageGraph {
  readonly nodes = new Map<string, LineageNode>();
  readonly #edges = new Map<string, LineageEdge>();
  readonly #out = new Map<string, LineageEdge[]>();
  readonly #in = new Map<string, LineageEdge[]>();

  /** The declared structure of one DAG. */
  addDag(graph: DagGraph): void {
    const dag = this.#dag(graph.dagId);
    for (const uri of graph.datasetSchedule?.uris ?? []) this.#edge(this.#dataset(uri), dag, "triggers", "declared");
    for (const task of graph.tasks) {
      const node = this.#task(graph.dagId, task.id);
      for (const upstream of task.upstream) this.#edge(this.#task(graph.dagId, upstream), node, "feeds", "declared");
      for (const uri of task.inputDatasets) this.#edge(this.#dataset(uri), node, "reads", "declared");
      for (const uri of task.outputDatasets) this.#edge(node, this.#dataset(uri), "writes", "declared");
    }
  }

  /** A write seen at run time: a dataset event of this task. */
  addObservedWrite(uri: string, dagId: string, taskId: string): void {
    this.#edge(this.#task(dagId, taskId), this.#dataset(uri), "writes", "observed");
  }

  outgoing(nodeId: string): readonly LineageEdge[] {
    return this.#out.get(nodeId) ?? [];
  }

  incoming(nodeId: string): readonly LineageEdge[] {
    return this.#in.get(nodeId) ?? [];
  }

  get edgeCount(): number {
    return this.#edges.size;
  }

  #dataset(uri: string): string {
    const id = datasetNodeId(uri);
    if (!this.nodes.has(id)) this.nodes.set(id, { id, kind: "dataset", name: uri, uri });
    return id;
  }

  #dag(dagId: string): string {
    const id = dagNodeId(dagId);
    if (!this.nodes.has(id)) this.nodes.set(id, { id, kind: "dag", name: dagId, dagId });
    return id;
  }

  #task(dagId: string, taskId: string): string {
    const id = taskNodeId(dagId, taskId);
    if (!this.nodes.has(id)) {
      this.nodes.set(id, { id, kind: "task", name: `${dagId}.${taskId}`, dagId, taskId });
      this.#edge(this.#dag(dagId), id, "contains", "declared");
    }
    return id;
  }

  #edge(from: string, to: string, kind: LineageEdgeKind, how: "declared" | "observed"): void {
    const key = `${from}\u0000${to}\u0000${kind}`;
    const existing = this.#edges.get(key);
    if (existing) {
      if (how === "declared") existing.declared = true;
      else existing.observed = true;
      return;
    }
    const edge: LineageEdge = { from, to, kind, declared: how === "declared", observed: how === "observed" };
    this.#edges.set(key, edge);
    push(this.#out, from, edge);
    push(this.#in, to, edge);
  }
}

function push(map: Map<string, LineageEdge[]>, key: string, edge: LineageEdge): void {
  const list = map.get(key);
  if (list) list.push(edge);
  else map.set(key, [edge]);
}
