import type { DagGraph, TaskSpec } from "./types.js";

/** Lookups over a DAG's structure, computed once per graph object. */
export interface GraphIndex {
  readonly spec: (taskId: string) => TaskSpec | undefined;
  readonly downstream: (taskId: string) => readonly string[];
  /** Tasks ready as soon as the run starts: no upstream, or trigger rule `always`. */
  readonly roots: readonly string[];
  readonly leaves: ReadonlySet<string>;
}

const cache = new WeakMap<DagGraph, GraphIndex>();

export function indexGraph(graph: DagGraph): GraphIndex {
  const cached = cache.get(graph);
  if (cached) return cached;
  const specs = new Map(graph.tasks.map((t) => [t.id, t]));
  const down = new Map<string, string[]>(graph.tasks.map((t) => [t.id, []]));
  for (const task of graph.tasks) {
    for (const up of task.upstream) down.get(up)?.push(task.id);
  }
  const index: GraphIndex = {
    spec: (id) => specs.get(id),
    downstream: (id) => down.get(id) ?? [],
    roots: graph.tasks.filter((t) => t.upstream.length === 0 || (t.triggerRule === "always" && t.kind !== "map")).map((t) => t.id),
    leaves: new Set(graph.tasks.filter((t) => (down.get(t.id) ?? []).length === 0).map((t) => t.id)),
  };
  cache.set(graph, index);
  return index;
}

/** Every task downstream of `taskIds`, transitively (not the tasks themselves unless downstream of another). */
export function downstreamClosure(index: GraphIndex, taskIds: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const pending = [...taskIds];
  for (let taskId = pending.pop(); taskId !== undefined; taskId = pending.pop()) {
    for (const next of index.downstream(taskId)) {
      if (!found.has(next)) {
        found.add(next);
        pending.push(next);
      }
    }
  }
  return found;
}

/** The task `taskId` of `graph` (undefined when either is missing), looked up by id rather than by a scan of the DAG's tasks at every try. */
export function specOf(graph: DagGraph | undefined, taskId: string): TaskSpec | undefined {
  return graph === undefined ? undefined : indexGraph(graph).spec(taskId);
}
