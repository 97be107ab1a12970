/**
 * The records of DAG runs that more than one part of the store's contract speaks of (the core
 * operations in store.ts, the lineage part in lineage.ts), kept apart so those parts need not
 * import each other. store.ts re-exports them: import them from there.
 */
import type { DagGraph, RunState, RunType } from "../../core/types.js";

export interface DagRunRecord {
  readonly runId: string;
  readonly dagId: string;
  readonly runType: RunType;
  readonly state: RunState;
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date;
  readonly dataIntervalEnd: Date;
  readonly params: Record<string, unknown>;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  /** The version of the DAG this run runs (see core/dag-version.ts); null for runs older than versions. */
  readonly dagVersion: string | null;
}

export interface StateChangeRecord {
  readonly id: number;
  readonly runId: string;
  /** `null` for a change of the DAG run's own state. */
  readonly taskId: string | null;
  readonly mapIndex: number | null;
  readonly fromState: string | null;
  readonly toState: string;
  readonly at: Date;
  readonly reason: string | null;
}

/** What `startQueuedRuns` needs of a DAG. */
export interface StartQueuedRunsInput {
  readonly dagId: string;
  readonly graph: DagGraph;
  readonly maxActiveRuns: number | undefined;
  readonly now: Date;
}

export interface CreateRunInput {
  readonly runId: string;
  readonly runType: RunType;
  readonly graph: DagGraph;
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date;
  readonly dataIntervalEnd: Date;
  readonly params: Record<string, unknown>;
  /** The DAG file's source text: with the graph, it makes the run's DAG version (kept in `dag_versions`). */
  readonly source?: string;
  /** Start the run right away (queue its root tasks); otherwise it stays `queued`. */
  readonly start: boolean;
  readonly now: Date;
}

export interface CreateRunResult {
  readonly run: DagRunRecord;
  /** False when a scheduled or backfill run for this (DAG, logical date) already existed. */
  readonly created: boolean;
}
