/**
 * Answers lineage queries from the store. The graph is built once from every stored DAG and every
 * (dataset, task) write seen at run time, then kept current: each query first asks the store two
 * cheap questions (have the DAGs changed? which writes are new since the last event seen?) and
 * rebuilds only when DAGs changed, so a query on thousands of datasets and tasks is a walk over
 * memory. One service per process (the API, the CLI) is enough.
 */
import { InvalidInputError, NotFoundError } from "../core/errors.js";
import type { DagGraph } from "../core/types.js";
import type { Store } from "../store/index.js";
import { normaliseDatasetUri } from "../core/dataset-uri.js";
import { dagNodeId, datasetNodeId, LineageGraph, taskNodeId } from "./lineage-graph.js";
import { walkLineage, type LineageDirection, type LineageResult } from "./lineage-query.js";

export interface LineageQueryOptions {
  /** How many edges away to look; unlimited by default. */
  readonly depth?: number;
}

export class LineageService {
  readonly #store: Store;
  readonly #loaded: readonly DagGraph[];
  #graph: LineageGraph | undefined;
  #dagsVersion: string | undefined;
  #lastEventId = 0;
  #refreshing: Promise<LineageGraph> | undefined;

  /**
   * @param loaded DAGs loaded here (e.g. by the CLI from the DAG folder): they count as well as the
   *   DAGs a scheduler recorded in the store, and replace stored DAGs with the same id.
   */
  constructor(store: Store, loaded: readonly DagGraph[] = []) {
    this.#store = store;
    this.#loaded = loaded;
  }

  downstream(target: string, options: LineageQueryOptions = {}): Promise<LineageResult> {
    return this.#query(target, "downstream", options);
  }

  upstream(target: string, options: LineageQueryOptions = {}): Promise<LineageResult> {
    return this.#query(target, "upstream", options);
  }

  /** The whole graph, current as of now. */
  graph(): Promise<LineageGraph> {
    // Concurrent queries share one refresh.
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #query(target: string, direction: LineageDirection, options: LineageQueryOptions): Promise<LineageResult> {
    const depth = options.depth;
    if (depth !== undefined && (!Number.isInteger(depth) || depth < 0)) {
      throw new InvalidInputError(`depth must be a non-negative integer, got ${String(depth)}`, { field: "depth" });
    }
    const candidates = lineageNodeIds(target);
    const graph = await this.graph();
    const nodeId = candidates.find((id) => graph.has(id)) ?? candidates[0] ?? "";
    if (!graph.has(nodeId)) {
      if (nodeId.startsWith("dataset:")) {
        const uri = nodeId.slice("dataset:".length);
        // A dataset only ever reported from outside is known, with nothing around it yet.
        const events = await this.#store.lineage.listDatasetEvents({ uri, limit: 1 });
        if (events.length > 0) {
          const lonely = new LineageGraph();
          return walkLineage(lonely, lonely.addDataset(uri), direction, depth);
        }
      }
      throw new NotFoundError(`no dataset, DAG or task "${target}" in the lineage graph (no DAG declares it and no event names it)`, {
        field: "uri",
      });
    }
    return walkLineage(graph, nodeId, direction, depth);
  }

  async #refresh(): Promise<LineageGraph> {
    const store = this.#store;
    const version = await store.lineage.dagsVersion();
    if (this.#graph === undefined || version !== this.#dagsVersion) {
      const graph = new LineageGraph();
      const loaded = new Set(this.#loaded.map((g) => g.dagId));
      for (const dag of await store.listDags()) if (!loaded.has(dag.dagId)) graph.addDag(dag.graph);
      for (const dag of this.#loaded) graph.addDag(dag);
      const { writers, lastEventId } = await store.lineage.listDatasetWriters(0);
      for (const w of writers) graph.addObservedWrite(w.uri, w.dagId, w.taskId);
      this.#graph = graph;
      this.#dagsVersion = version;
      this.#lastEventId = lastEventId;
      return graph;
    }
    const { writers, lastEventId } = await store.lineage.listDatasetWriters(this.#lastEventId);
    for (const w of writers) this.#graph.addObservedWrite(w.uri, w.dagId, w.taskId);
    this.#lastEventId = lastEventId;
    return this.#graph;
  }
}

/**
 * The nodes a query may start from, most likely first: a dataset URI (normalised), `dag:<dagId>`,
 * or `task:<dagId>.<taskId>` (also `task:<dagId>/<taskId>`; ids may contain dots, so every split
 * is a candidate).
 */
export function lineageNodeIds(target: string): string[] {
  if (typeof target !== "string" || target.trim() === "") {
    throw new InvalidInputError("expected a dataset URI, dag:<id> or task:<dag>.<task>", { field: "uri" });
  }
  if (target.startsWith("dag:")) return [dagNodeId(target.slice(4))];
  if (target.startsWith("task:")) {
    const rest = target.slice(5);
    const slash = rest.indexOf("/");
    if (slash !== -1) return [taskNodeId(rest.slice(0, slash), rest.slice(slash + 1))];
    const splits: string[] = [];
    for (let dot = rest.lastIndexOf("."); dot > 0; dot = rest.lastIndexOf(".", dot - 1)) {
      splits.push(taskNodeId(rest.slice(0, dot), rest.slice(dot + 1)));
    }
    if (splits.length === 0) throw new InvalidInputError(`expected task:<dagId>.<taskId>, got "${target}"`, { field: "uri" });
    return splits;
  }
  return [datasetNodeId(normaliseDatasetUri(target, { field: "uri" }, "input"))];
}
