/**
 * The lineage graph across all DAGs (docs/architecture.md §7): datasets, tasks and DAGs as nodes; reads, writes,
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
  readonly declared: boolean;
  /** Seen at run time (a dataset event). */
  readonly observed: boolean;
}

export const datasetNodeId = (uri: string): string => `dataset:${uri}`;
export const dagNodeId = (dagId: string): string => `dag:${dagId}`;
// "/" cannot appear in DAG or task ids, so it separates them unambiguously.
export const taskNodeId = (dagId: string, taskId: string): string => `task:${dagId}/${taskId}`;

/**
 * Nodes and edges are numbered as they are added, and adjacency is kept as lists of edge numbers,
 * so a walk over thousands of nodes compares integers rather than hashing string ids. Edges are
 * immutable (a flag change replaces the object), so a query hands out the graph's own edges
 * without copying them and a later change never alters an answer already given.
 */
export class LineageGraph {
  readonly #nodeIndex = new Map<string, number>();
  readonly #nodes: LineageNode[] = [];
  readonly #edgeIndex = new Map<string, number>();
  readonly #edges: LineageEdge[] = [];
  readonly #edgeFrom: number[] = [];
  readonly #edgeTo: number[] = [];
  readonly #out: number[][] = [];
  readonly #in: number[][] = [];

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

  /** A dataset with nothing around it yet (e.g. only ever reported from outside). */
  addDataset(uri: string): string {
    return this.#node(this.#dataset(uri)).id;
  }

  get nodeCount(): number {
    return this.#nodes.length;
  }

  get edgeCount(): number {
    return this.#edges.length;
  }

  /** Every node, in the order added. */
  nodes(): readonly LineageNode[] {
    return this.#nodes;
  }

  node(id: string): LineageNode | undefined {
    const index = this.#nodeIndex.get(id);
    return index === undefined ? undefined : this.#nodes[index];
  }

  has(id: string): boolean {
    return this.#nodeIndex.has(id);
  }

  outgoing(nodeId: string): LineageEdge[] {
    const index = this.#nodeIndex.get(nodeId);
    return index === undefined ? [] : (this.#out[index] ?? []).map((e) => this.#edge0(e));
  }

  incoming(nodeId: string): LineageEdge[] {
    const index = this.#nodeIndex.get(nodeId);
    return index === undefined ? [] : (this.#in[index] ?? []).map((e) => this.#edge0(e));
  }

  // The numbered view, for walks (lineage-query.ts).

  indexOf(nodeId: string): number | undefined {
    return this.#nodeIndex.get(nodeId);
  }

  nodeAt(index: number): LineageNode {
    return this.#node(index);
  }

  /** The numbers of the edges leaving (`out`) or entering (`in`) a node. */
  edgesAt(index: number, side: "out" | "in"): readonly number[] {
    return (side === "out" ? this.#out : this.#in)[index] ?? [];
  }

  edgeAt(edge: number): LineageEdge {
    return this.#edge0(edge);
  }

  /** The node at the far end of an edge, seen from `side`. */
  edgeEnd(edge: number, side: "out" | "in"): number {
    return (side === "out" ? this.#edgeTo : this.#edgeFrom)[edge] ?? -1;
  }

  #node(index: number): LineageNode {
    const node = this.#nodes[index];
    if (!node) throw new Error(`no lineage node number ${String(index)}`);
    return node;
  }

  #edge0(index: number): LineageEdge {
    const edge = this.#edges[index];
    if (!edge) throw new Error(`no lineage edge number ${String(index)}`);
    return edge;
  }

  #add(node: LineageNode): number {
    const index = this.#nodes.length;
    this.#nodes.push(node);
    this.#nodeIndex.set(node.id, index);
    this.#out.push([]);
    this.#in.push([]);
    return index;
  }

  #dataset(uri: string): number {
    const id = datasetNodeId(uri);
    return this.#nodeIndex.get(id) ?? this.#add({ id, kind: "dataset", name: uri, uri });
  }

  #dag(dagId: string): number {
    const id = dagNodeId(dagId);
    return this.#nodeIndex.get(id) ?? this.#add({ id, kind: "dag", name: dagId, dagId });
  }

  #task(dagId: string, taskId: string): number {
    const id = taskNodeId(dagId, taskId);
    const known = this.#nodeIndex.get(id);
    if (known !== undefined) return known;
    const index = this.#add({ id, kind: "task", name: `${dagId}.${taskId}`, dagId, taskId });
    this.#edge(this.#dag(dagId), index, "contains", "declared");
    return index;
  }

  #edge(from: number, to: number, kind: LineageEdgeKind, how: "declared" | "observed"): void {
    const key = `${String(from)} ${String(to)} ${kind}`;
    const existing = this.#edgeIndex.get(key);
    if (existing !== undefined) {
      const edge = this.#edge0(existing);
      if (how === "declared" && !edge.declared) this.#edges[existing] = { ...edge, declared: true };
      if (how === "observed" && !edge.observed) this.#edges[existing] = { ...edge, observed: true };
      return;
    }
    const index = this.#edges.length;
    this.#edges.push({ from: this.#node(from).id, to: this.#node(to).id, kind, declared: how === "declared", observed: how === "observed" });
    this.#edgeFrom.push(from);
    this.#edgeTo.push(to);
    this.#edgeIndex.set(key, index);
    this.#out[from]?.push(index);
    this.#in[to]?.push(index);
  }
}
