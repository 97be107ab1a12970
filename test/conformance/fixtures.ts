/**
 * DAG structures built by hand (no DSL): the store only ever sees a DagGraph, so the suite builds
 * exactly the graphs it needs, with every field filled with a neutral default.
 */
import type { Backoff, DagGraph, TaskKind, TaskSpec, TriggerRule } from "../../src/core/types.js";

export interface TaskFixture {
  readonly id: string;
  readonly upstream?: readonly string[];
  readonly triggerRule?: TriggerRule;
  readonly kind?: TaskKind;
  /** For `map` tasks; added to `upstream` when missing. */
  readonly mapOver?: string;
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly backoff?: Backoff;
  readonly maxRetryDelayMs?: number;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly outputDatasets?: readonly string[];
  readonly priority?: number;
  readonly pool?: string;
  readonly queue?: string;
}

export function task(fixture: TaskFixture): TaskSpec {
  const upstream = [...(fixture.upstream ?? [])];
  if (fixture.mapOver !== undefined && !upstream.includes(fixture.mapOver)) upstream.push(fixture.mapOver);
  return {
    id: fixture.id,
    kind: fixture.kind ?? (fixture.mapOver !== undefined ? "map" : "task"),
    upstream,
    inputs: fixture.inputs ?? {},
    mapOver: fixture.mapOver,
    triggerRule: fixture.triggerRule ?? "all_success",
    retry: {
      retries: fixture.retries ?? 0,
      retryDelayMs: fixture.retryDelayMs ?? 1_000,
      backoff: fixture.backoff ?? "fixed",
      maxRetryDelayMs: fixture.maxRetryDelayMs,
      jitter: 0,
    },
    timeoutMs: undefined,
    pool: fixture.pool,
    queue: fixture.queue ?? "default",
    priority: fixture.priority ?? 0,
    inputDatasets: [],
    outputDatasets: fixture.outputDatasets ?? [],
    secrets: [],
  };
}

/** A DAG from task fixtures, given in a topological order. */
export function graph(dagId: string, tasks: readonly TaskFixture[]): DagGraph {
  return { dagId, tasks: tasks.map(task) };
}

/** `count` independent root tasks `t000`, `t001`, ... */
export function wideGraph(dagId: string, count: number): DagGraph {
  return graph(
    dagId,
    Array.from({ length: count }, (_, i) => ({ id: `t${String(i).padStart(3, "0")}` })),
  );
}
