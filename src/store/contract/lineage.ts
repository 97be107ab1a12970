/**
 * The lineage part of the store (docs/architecture.md §7): dataset events (written by tasks in `completeTry`,
 * or reported from outside), what data-aware schedules consume, and the shared read position of
 * the OpenLineage emitter. Like the rest of the store, it speaks in domain operations, not SQL.
 */
import type { CreateRunInput, CreateRunResult, StateChangeRecord } from "./run-records.js";

/** One dataset event: a task's successful write (run, task, try), or an external report (source). */
export interface DatasetEventRecord {
  readonly id: number;
  readonly uri: string;
  readonly runId: string | null;
  readonly dagId: string | null;
  readonly taskId: string | null;
  readonly mapIndex: number | null;
  readonly tryNumber: number | null;
  readonly at: Date;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Who reported an external event (`api`, `cli`, ...); null for a task's write. */
  readonly source: string | null;
}

/** A dataset that has events: how many, and the latest one. */
export interface DatasetEventSummary {
  readonly uri: string;
  readonly events: number;
  readonly last: DatasetEventRecord;
}

/** A task that wrote a dataset at run time (declared or emitted). */
export interface DatasetWriter {
  readonly uri: string;
  readonly dagId: string;
  readonly taskId: string;
}

/** A state change with the DAG it belongs to (for consumers of the whole history). */
export interface DagStateChange extends StateChangeRecord {
  readonly dagId: string;
}

export interface LineageStore {
  /** Records a dataset event reported from outside a task run (API, CLI). */
  recordDatasetEvent(input: {
    uri: string;
    metadata: Readonly<Record<string, string | number | boolean | null>>;
    source: string;
    now: Date;
  }): Promise<DatasetEventRecord>;
  /** Dataset events, oldest first, optionally of one dataset or run, after an id, at most `limit`. */
  listDatasetEvents(filter: { uri?: string; runId?: string; afterId?: number; limit?: number }): Promise<DatasetEventRecord[]>;
  /** Every dataset that has events, with its event count and latest event. */
  summariseDatasets(): Promise<DatasetEventSummary[]>;
  /**
   * When each of these datasets was last updated (its latest event), for sensors that wait for
   * fresh data; datasets without events are left out.
   */
  lastDatasetUpdates(uris: readonly string[]): Promise<Map<string, Date>>;
  /** The distinct (dataset, DAG, task) writes among events with ids above `afterId`, and the highest id. */
  listDatasetWriters(afterId: number): Promise<{ writers: DatasetWriter[]; lastEventId: number }>;
  /** Changes whenever a DAG is recorded or changed: a cheap check before rebuilding a lineage graph. */
  dagsVersion(): Promise<string>;
  /**
   * Events of these datasets that have not triggered a run of `dagId` yet, oldest first. Only
   * events from five minutes before the latest event that did are looked at, so the query stays
   * short however long the history.
   */
  pendingTriggerEvents(input: { dagId: string; uris: readonly string[] }): Promise<DatasetEventRecord[]>;
  /**
   * Creates a dataset-triggered run and records the events that triggered it, in one transaction.
   * An event triggers a DAG at most once (a unique key): when another scheduler consumed any of
   * these events first, nothing is created and `created` is false.
   */
  createTriggeredRun(input: CreateRunInput & { eventIds: readonly number[] }): Promise<CreateRunResult>;
  /** The dataset events that triggered a run (empty for runs not triggered by datasets). */
  listRunTriggers(runId: string): Promise<DatasetEventRecord[]>;
  /**
   * Reads the next state changes for a named consumer and moves its shared position past them,
   * in one transaction, so two processes never read the same change. Changes after
   * `settledBefore` wait for the next call (on PostgreSQL a lower id may still commit later).
   * A consumer's first call starts at the end of the history unless `fromStart`.
   */
  takeStateChanges(input: { consumer: string; limit: number; settledBefore: Date; fromStart?: boolean; now: Date }): Promise<DagStateChange[]>;
}
