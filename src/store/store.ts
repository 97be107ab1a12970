/**
 * The store: the only place state lives. One contract of domain operations; each dialect
 * (SQLite now, PostgreSQL next) implements it through the shared query layer, and one
 * conformance suite runs against every implementation. Nothing here exposes SQL,
 * connections or transactions.
 */
import type { DagGraph, RunState, RunType, TaskState } from "../core/types.js";
import type { MigrationReport } from "./migrate.js";

export interface DagRecord {
  readonly dagId: string;
  readonly file: string;
  readonly isPaused: boolean;
  readonly graph: DagGraph;
  readonly updatedAt: Date;
}

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
}

export interface TaskInstanceRecord {
  readonly id: number;
  readonly runId: string;
  readonly dagId: string;
  readonly taskId: string;
  /** `null` for an unmapped task. */
  readonly mapIndex: number | null;
  readonly state: TaskState;
  /** Number of the latest try (0 before the first). */
  readonly tryNumber: number;
  readonly maxTries: number;
  readonly priority: number;
  readonly pool: string | null;
  readonly queue: string;
  readonly queuedAt: Date | null;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  readonly nextRetryAt: Date | null;
  readonly workerId: string | null;
  readonly result: unknown;
  readonly error: string | null;
}

export type TryOutcome = "running" | "success" | "failed";
export type TryErrorKind = "error" | "timeout" | "crash" | "result_too_large" | "zombie";

export interface TaskTryRecord {
  readonly id: number;
  readonly taskInstanceId: number;
  readonly tryNumber: number;
  readonly outcome: TryOutcome;
  readonly workerId: string;
  readonly queuedAt: Date | null;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly error: string | null;
  readonly errorKind: TryErrorKind | null;
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

export interface StoredLogLine {
  readonly id: number;
  readonly at: Date;
  readonly stream: "stdout" | "stderr" | "log";
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
}

export interface DeadLetterRecord {
  readonly id: number;
  readonly taskInstanceId: number;
  readonly runId: string;
  readonly dagId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  readonly tryNumber: number;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
  readonly resolution: "retried" | "acknowledged" | null;
}

export interface DatasetEventInput {
  readonly uri: string;
  readonly metadata: Readonly<Record<string, string | number | boolean | null>>;
}

export interface CreateRunInput {
  readonly runId: string;
  readonly runType: RunType;
  readonly graph: DagGraph;
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date;
  readonly dataIntervalEnd: Date;
  readonly params: Record<string, unknown>;
  /** Start the run right away (queue its root tasks); otherwise it stays `queued`. */
  readonly start: boolean;
  readonly now: Date;
}

export interface CreateRunResult {
  readonly run: DagRunRecord;
  /** False when a scheduled or backfill run for this (DAG, logical date) already existed. */
  readonly created: boolean;
}

/** A task instance a worker has claimed: it is `running` and its try row exists. */
export interface ClaimedTask {
  readonly instance: TaskInstanceRecord;
  readonly run: DagRunRecord;
  readonly tryId: number;
  readonly tryNumber: number;
}

export interface ClaimRequest {
  readonly workerId: string;
  readonly limit: number;
  /** Only claim task instances of these DAGs (the ones this worker can load). */
  readonly dagIds: readonly string[];
  /** Only claim task instances of these queues (default: every queue). */
  readonly queues?: readonly string[];
  /** Per-DAG limits on running task instances (a DAG's `maxActiveTasks`). */
  readonly maxActiveTasks?: ReadonlyMap<string, number>;
  readonly now: Date;
}

export interface CompleteTryInput {
  readonly taskInstanceId: number;
  readonly tryNumber: number;
  readonly outcome: "success" | "failed";
  /** The task's JSON result (success only). */
  readonly result?: unknown;
  readonly error?: string;
  readonly errorKind?: TryErrorKind;
  readonly emitted?: readonly DatasetEventInput[];
  /** The structure of the DAG, to decide which downstream task instances became ready. */
  readonly graph: DagGraph;
  readonly now: Date;
  /** Source of randomness for retry jitter (tests pass a fixed one). */
  readonly random?: () => number;
}

export interface CompleteTryResult {
  /** The state the task instance ended in: success, retrying or failed (dead-lettered). */
  readonly state: TaskState;
  readonly nextRetryAt: Date | null;
  readonly runState: RunState;
  /** Task instances queued by this completion (downstream tasks that became ready). */
  readonly queued: number;
  /** False when the try had already been completed (e.g. a zombie sweep got there first). */
  readonly applied: boolean;
}

export interface Store {
  readonly dialect: "sqlite" | "postgres";

  /** Applies pending migrations; reports which ran and any error instead of throwing. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;

  /**
   * Calls `listener` soon after any process sharing this store queued task instances, so an idle
   * worker picks them up at once instead of at its next poll. Resolves to an unsubscribe function.
   */
  onTasksQueued(listener: () => void): Promise<() => Promise<void>>;
  /** Every DAG the store has seen, by id. */
  listDags(): Promise<DagRecord[]>;
  /** Pauses or unpauses a DAG: a paused DAG gets no new scheduled runs. False if the DAG is unknown. */
  setDagPaused(dagId: string, paused: boolean, now: Date): Promise<boolean>;
  /** Records (or refreshes) a DAG's file and structure; keeps its paused flag. */
  upsertDag(input: { dagId: string; file: string; graph: DagGraph; now: Date }): Promise<void>;
  getDag(dagId: string): Promise<DagRecord | undefined>;

  /**
   * Creates a DAG run and one task instance per task (mapped tasks get theirs when they expand),
   * in one transaction. Idempotent for scheduled and backfill runs: a second call for the same
   * (DAG, logical date) returns the existing run with `created: false`.
   */
  createRun(input: CreateRunInput): Promise<CreateRunResult>;
  /** Moves a `queued` run to `running` and queues its tasks that have no upstream. */
  startRun(runId: string, graph: DagGraph, now: Date): Promise<DagRunRecord>;
  getRun(runId: string): Promise<DagRunRecord | undefined>;
  /** The latest logical date among a DAG's scheduled and backfill runs. */
  latestLogicalDate(dagId: string): Promise<Date | undefined>;
  /** Starts queued runs of a DAG, oldest first, while fewer than `maxActiveRuns` are running. */
  startQueuedRuns(input: { dagId: string; graph: DagGraph; maxActiveRuns: number | undefined; now: Date }): Promise<DagRunRecord[]>;
  /**
   * Clears a finished run so it runs again: all its task instances, or only the unsuccessful ones
   * (`onlyFailed`). The run goes back to `queued`; tries and history are kept.
   */
  clearRun(input: { runId: string; graph: DagGraph; onlyFailed: boolean; now: Date }): Promise<DagRunRecord>;
  /** Runs of a DAG whose logical dates lie in [from, to], oldest first (scheduled and backfill only). */
  listRunsBetween(dagId: string, from: Date, to: Date): Promise<DagRunRecord[]>;
  listRuns(filter: { dagId?: string; states?: readonly RunState[]; limit?: number }): Promise<DagRunRecord[]>;
  listTaskInstances(runId: string): Promise<TaskInstanceRecord[]>;
  listTries(taskInstanceId: number): Promise<TaskTryRecord[]>;
  listStateHistory(runId: string): Promise<StateChangeRecord[]>;

  /**
   * Atomically moves up to `limit` queued task instances to `running` for this worker (highest
   * priority first, then oldest), opening a try for each. No instance is ever claimed twice.
   */
  claimNextTasks(request: ClaimRequest): Promise<ClaimedTask[]>;
  /**
   * Results of upstream tasks in a run, by task id: the result of an unmapped task, or the
   * results of a mapped task's instances as an array in map-index order.
   */
  getTaskResults(runId: string, taskIds: readonly string[]): Promise<Map<string, unknown>>;
  appendLogs(tryId: number, lines: readonly Omit<StoredLogLine, "id">[]): Promise<void>;
  /**
   * Records a try's outcome and, in the same transaction: schedules a retry or dead-letters the
   * task instance, records dataset events, decides which downstream task instances are ready,
   * skipped or upstream_failed (trigger rules, branches, mapping), and closes the run when done.
   */
  completeTry(input: CompleteTryInput): Promise<CompleteTryResult>;
  /**
   * Marks the worker's running task instances as alive. Resolves to the ids that are still this
   * worker's running tries: any other was reclaimed (failed as a zombie), and the worker must stop it.
   */
  heartbeat(workerId: string, taskInstanceIds: readonly number[], now: Date): Promise<number[]>;
  /** Running task instances whose worker has not heartbeated since `before`: zombies. */
  findZombies(before: Date): Promise<{ taskInstanceId: number; tryNumber: number; dagId: string; workerId: string | null }[]>;
  /** Task instances queued since before `before` that no worker has claimed (e.g. no worker serves their queue). */
  findStuckQueued(before: Date): Promise<{ taskInstanceId: number; runId: string; dagId: string; taskId: string; queue: string; queuedAt: Date }[]>;
  /** Timers: moves `retrying` task instances whose delay has passed back to `queued`. */
  queueDueRetries(now: Date): Promise<number>;
  /** The earliest pending retry time, so a loop can sleep exactly until then. */
  nextRetryAt(): Promise<Date | undefined>;

  readLogs(query: { runId: string; taskId: string; mapIndex: number | null; tryNumber?: number }): Promise<{
    tryNumber: number;
    lines: StoredLogLine[];
  }>;
  listDeadLetters(filter: { open?: boolean }): Promise<DeadLetterRecord[]>;
  /** Named pools: at most `slots` task instances of a pool run at once. */
  listPools(): Promise<{ name: string; slots: number; description: string | null }[]>;
  setPool(input: { name: string; slots: number; description?: string; now: Date }): Promise<void>;
  deletePool(name: string): Promise<boolean>;
  listDatasetEvents(filter: { uri?: string; runId?: string }): Promise<
    { uri: string; runId: string | null; taskId: string | null; at: Date; metadata: Record<string, unknown> }[]
  >;
}
