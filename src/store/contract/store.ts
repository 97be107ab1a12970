/**
 * The store: the only place state lives. One contract of domain operations; each dialect
 * (SQLite now, PostgreSQL next) implements it through the shared query layer, and one
 * conformance suite runs against every implementation. Nothing here exposes SQL,
 * connections or transactions.
 */
import type { DagGraph, RunState, RunType, TaskState, WaitReason } from "../../core/types.js";
import type { MigrationReport } from "../sql/migrate.js";
import type { CreateRunInput, CreateRunResult, DagRunRecord, StartQueuedRunsInput, StateChangeRecord } from "./run-records.js";
export type { CreateRunInput, CreateRunResult, DagRunRecord, StartQueuedRunsInput, StateChangeRecord } from "./run-records.js";
import type { BackfillIntervalRecord, BackfillIntervalToStart, BackfillRecord, BackfillState, CreateBackfillInput } from "./backfills.js";
import type { AccessStore } from "./access.js";
import type { LineageStore } from "./lineage.js";
import type { AlertStore } from "./alerts.js";
import type { RunNoteRecord, SetRunNoteInput } from "./run-notes.js";
import type { ResultCacheStore, TryCacheNote } from "./result-cache.js";
import type { StepStore } from "./steps.js";

export interface DagRecord {
  readonly dagId: string;
  readonly file: string;
  readonly isPaused: boolean;
  readonly graph: DagGraph;
  readonly updatedAt: Date;
}

/** One version of a DAG, kept for the runs that used it: its graph (with tasks removed since) and source. */
export interface DagVersionRecord {
  readonly dagId: string;
  readonly version: string;
  readonly graph: DagGraph;
  /** The DAG file's source text, when the run's creator knew it. */
  readonly source: string | null;
  /** When this version was first used by a run. */
  readonly createdAt: Date;
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
  /** When a `deferred` instance wakes up (a sensor's next poke), else null. */
  readonly wakeAt: Date | null;
  /** Why a `deferred` instance waits (also set once it is woken, until a worker goes on with its try). */
  readonly waitReason: WaitReason | null;
  /** When a sensor's first poke started: its timeout counts from here. */
  readonly waitingSince: Date | null;
  /** A sensor's pokes since the instance was created or last cleared. */
  readonly pokes: number;
  readonly workerId: string | null;
  readonly result: unknown;
  readonly error: string | null;
}

export type TryOutcome = "running" | "success" | "failed";
/**
 * `cancelled`: the try was stopped by an operator (its run cancelled, or its instance marked).
 * `zombie` and `lost`: the try was lost to infrastructure (its worker stopped heartbeating; a
 * shutdown, a lost lease or a process that died of something other than the try's own code), and
 * is retried without counting against the task's retries, up to a bound (core/lost-tries.ts).
 */
export type TryErrorKind = "error" | "timeout" | "crash" | "result_too_large" | "zombie" | "cancelled" | "lost";

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
  /** The task's cache key as shown (secret values masked), for tasks with a `cache` option. */
  readonly cacheKey: string | null;
  /** True when the try's result came from the cache: the task did not run. */
  readonly cached: boolean;
}

export interface StoredLogLine {
  readonly id: number;
  readonly at: Date;
  readonly stream: "stdout" | "stderr" | "log";
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
}

/** A pool's occupancy: its task instances that hold a slot (running) and that wait for one (queued). */
export interface PoolUsage {
  readonly pool: string;
  readonly running: number;
  readonly queued: number;
}

/** One secret of the encrypted store backend: AES-256-GCM output as base64 text. */
export interface StoredSecret {
  readonly name: string;
  readonly ciphertext: string;
  readonly iv: string;
  readonly tag: string;
  /** Which key encrypted it (a hash of the key, not the key). */
  readonly keyId: string;
  readonly updatedAt: Date;
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

export interface LogQuery {
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  readonly tryNumber?: number;
  readonly afterId?: number;
  readonly limit?: number;
  /** Only lines containing this text. */
  readonly search?: string;
}

export interface RunFilter {
  readonly dagId?: string;
  readonly states?: readonly RunState[];
  readonly runTypes?: readonly RunType[];
  /** Logical dates from `from` to `to`, both included. */
  readonly from?: Date;
  readonly to?: Date;
  readonly limit?: number;
  readonly offset?: number;
}

/** For `getTaskResultsOfRuns`: the upstream tasks of one run whose results are read. */
export interface TaskResultsAsk {
  readonly runId: string;
  readonly taskIds: readonly string[];
}

/** A task instance a worker has claimed: it is `running` and its try row exists. */
export interface ClaimedTask {
  readonly instance: TaskInstanceRecord;
  readonly run: DagRunRecord;
  readonly tryId: number;
  readonly tryNumber: number;
  /** The claim goes on with a try that waited `deferred` (a sensor's next poke, a ctx.sleep that is over). */
  readonly resumed?: true;
}

export interface ClaimRequest {
  readonly workerId: string;
  readonly limit: number;
  /**
   * Only claim task instances of these DAGs (the ones this worker can load). This list and
   * `wakeDagIds` are read once per array: a store keeps what it made of them (a set, PostgreSQL's
   * registered key) by the array's identity, so a caller whose DAGs change passes new arrays and
   * never changes one it passed before (worker.ts makes them once per change of its DAGs).
   */
  readonly dagIds: readonly string[];
  /** Only claim task instances of these queues (default: every queue). */
  readonly queues?: readonly string[];
  /** Per-DAG limits on running task instances (a DAG's `maxActiveTasks`). */
  readonly maxActiveTasks?: ReadonlyMap<string, number>;
  /**
   * DAGs (among `dagIds`) with sensors: slots that no queued task instance takes are filled by
   * waking their deferred instances that are due (a sensor's next poke), so waking never crowds
   * out queued work. Leave it out when no DAG has sensors: the claim then costs nothing more.
   */
  readonly wakeDagIds?: readonly string[];
  readonly now: Date;
}

export interface AnswerApprovalInput {
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  /** `approve` with the answer (already checked against the approval's form), or `reject`. */
  readonly decision: "approve" | "reject";
  readonly answer?: unknown;
  /** Why, in the answerer's words: kept in the state history, and a rejection's error. */
  readonly comment?: string;
  /** Who answered, as the audit log names them. */
  readonly actor: string;
  readonly graph: DagGraph;
  readonly now: Date;
}

/** An approval waiting for its answer: its instance (`wakeAt` is its deadline) and its run. */
export interface WaitingApproval {
  readonly instance: TaskInstanceRecord;
  readonly run: DagRunRecord;
}

export interface CompleteTryInput {
  readonly taskInstanceId: number;
  /**
   * The instance's task, when the caller knows it (a worker does): lets the store record a plain
   * success in one call (postgres/ and sqlite/step-function.ts). Checked against the stored row.
   */
  readonly taskId?: string;
  readonly tryNumber: number;
  /**
   * `deferred`: a sensor's poke found nothing yet. The instance waits (holding no slot) until its
   * next poke, with its try left open; or, past its timeout, fails (skipped with softFail).
   */
  readonly outcome: "success" | "failed" | "deferred";
  /**
   * With `deferred`: the try reached a `ctx.sleep` (docs/durable-steps.md) and waits, its try
   * open, until this time (wait reason `sleep`; no poke is counted, no sensor timeout applies).
   */
  readonly sleepsUntil?: Date;
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
  /** How many lost tries (errorKind `zombie`/`lost`) of an instance are retried for free (default 3). */
  readonly lostTryRetries?: number;
  /** For a task with a `cache` option: its key, whether the result came from the cache, and until when to store it. */
  readonly cache?: TryCacheNote;
  /**
   * The try's log lines not stored yet (its last ones), stored in the same transaction as the
   * outcome, whether or not the outcome is applied (another outcome got there first: the try still
   * ran and said it): a try that logs then costs no transaction of its own for them at its end.
   * Known limit: a commit whose acknowledgement is lost (PostgreSQL's connection dropping at that
   * moment) is sent again by the worker, and stores these lines a second time, for every try of
   * the batch; the outcome itself is not applied twice. A separate flush had the same limit, for
   * one try.
   */
  readonly logs?: TryLogLines;
}

/** Log lines of one try, to store. */
export interface TryLogLines {
  readonly tryId: number;
  readonly lines: readonly Omit<StoredLogLine, "id">[];
}

/** A count of outcome writes by one path for one reason (`Store.outcomeWrites`). */
export interface OutcomeWriteCount {
  /**
   * `one_call`: the step function did everything (PostgreSQL's in one statement, SQLite's in one
   * synchronous transaction of prepared statements); `one_call_then_claim`:
   * it recorded the outcomes and the claim took statements of its own; `statements`: the
   * statements did it all.
   */
  readonly path: "one_call" | "one_call_then_claim" | "statements";
  /** Why the statements (empty for `one_call`): the function's own reason for giving up, or why it was not called. */
  readonly reason: string;
  readonly count: number;
}

export interface CompleteTryResult {
  /** The state the task instance ended in: success, retrying, failed (dead-lettered), deferred or skipped (a sensor). */
  readonly state: TaskState;
  readonly nextRetryAt: Date | null;
  /** For a deferred instance: when it wakes up. */
  readonly wakeAt?: Date;
  readonly runState: RunState;
  /** Task instances queued by this completion (downstream tasks that became ready). */
  readonly queued: number;
  /** False when the try had already been completed (e.g. a zombie sweep got there first). */
  readonly applied: boolean;
}

/**
 * What a caller plans around where the databases differ, so that no code outside the store asks
 * which database it is (each dialect's open function sets these; Kysely's capability flags such as
 * `supportsReturning` are the model).
 */
export interface StoreCapabilities {
  /**
   * How long a state change may stay unseen behind later ones (a transaction on PostgreSQL may
   * commit a lower id after a higher one): readers of the whole history (`takeStateChanges`)
   * leave younger changes for their next pass.
   */
  readonly stateChangeSettleMs: number;
}

export interface Store {
  /** Which database: for reports (`/health`), never for decisions (those are `capabilities`). */
  readonly dialect: "sqlite" | "postgres";
  readonly capabilities: StoreCapabilities;
  /** Users, API tokens, sessions and the audit log (src/store/contract/access.ts). */
  readonly access: AccessStore;
  /** Dataset events, data-aware triggers, the OpenLineage emitter's position (src/store/contract/lineage.ts). */
  readonly lineage: LineageStore;
  /** SLA misses, alerts and their escalation timers, metrics counts (src/store/contract/alerts.ts). */
  readonly alerts: AlertStore;
  /** Cached task results (src/store/contract/result-cache.ts). */
  readonly resultCache: ResultCacheStore;
  /** Completed durable steps of task instances (src/store/contract/steps.ts). */
  readonly steps: StepStore;

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
  /** The ids of the paused DAGs (what the scheduler needs on every tick, without the graphs). */
  listPausedDagIds(): Promise<string[]>;
  /** Pauses or unpauses a DAG: a paused DAG gets no new scheduled runs. False if the DAG is unknown. */
  setDagPaused(dagId: string, paused: boolean, now: Date): Promise<boolean>;
  /** Records (or refreshes) a DAG's file and structure; keeps its paused flag. */
  upsertDag(input: { dagId: string; file: string; graph: DagGraph; now: Date }): Promise<void>;
  /** `upsertDag` for many DAGs in one transaction (a start records thousands; one commit each is most of the time). */
  upsertDags(input: { dags: readonly { dagId: string; file: string; graph: DagGraph }[]; now: Date }): Promise<void>;
  getDag(dagId: string): Promise<DagRecord | undefined>;

  /**
   * Creates a DAG run and one task instance per task (mapped tasks get theirs when they expand),
   * in one transaction. Idempotent for scheduled and backfill runs: a second call for the same
   * (DAG, logical date) returns the existing run with `created: false`.
   */
  createRun(input: CreateRunInput): Promise<CreateRunResult>;
  /**
   * `createRun` for many runs in one transaction (a scheduler catching up missed intervals), with
   * a number of statements that does not grow with their number; results in the order of `inputs`.
   * A later input for the (DAG, logical date) of an earlier one gets that run, `created: false`.
   * When another process creates one of their intervals' runs meanwhile (a unique-key race), the
   * runs are created one transaction each instead, as `createRun` would, and that one is found.
   */
  createRuns(inputs: readonly CreateRunInput[]): Promise<CreateRunResult[]>;
  /** Moves a `queued` run to `running` and queues its tasks that have no upstream. */
  startRun(runId: string, graph: DagGraph, now: Date): Promise<DagRunRecord>;
  getRun(runId: string): Promise<DagRunRecord | undefined>;
  /** The latest logical date among a DAG's scheduled and backfill runs. */
  latestLogicalDate(dagId: string): Promise<Date | undefined>;
  /** `latestLogicalDate` of many DAGs at once (a tick looks at every DAG); a DAG without such runs is not in the map. */
  latestLogicalDates(dagIds: readonly string[]): Promise<Map<string, Date>>;
  /** Starts queued runs of a DAG, oldest first, while fewer than `maxActiveRuns` are running. */
  startQueuedRuns(input: StartQueuedRunsInput): Promise<DagRunRecord[]>;
  /**
   * `startQueuedRuns` for several DAGs in one transaction (a tick in which many DAGs came due),
   * each DAG locked in turn, in the order of their ids, the order `upsertDags` writes them in (two
   * such transactions never wait on each other in a circle); the runs started, in the order of
   * `inputs`.
   */
  startQueuedRunsOfDags(inputs: readonly StartQueuedRunsInput[]): Promise<DagRunRecord[][]>;
  /**
   * Clears a finished run so it runs again: all its task instances, or only the unsuccessful ones
   * (`onlyFailed`). The run goes back to `queued`; tries and history are kept.
   */
  clearRun(input: { runId: string; graph: DagGraph; onlyFailed: boolean; now: Date; source?: string }): Promise<DagRunRecord>;
  /**
   * Cancels a queued or running run (sql/runs/cancel-run.ts): running instances fail (their tries
   * closed as `cancelled`), the others are skipped, no dead letters; the run fails with reason
   * "cancelled". ConflictError when the run has finished; NotFoundError when it is unknown.
   */
  cancelRun(input: { runId: string; graph: DagGraph; now: Date; reason?: string }): Promise<DagRunRecord>;
  /**
   * Marks a whole run success or failed (sql/runs/mark-run.ts): success marks every instance that is
   * not success or skipped; failed stops an unfinished run as a cancel does, or fails a successful
   * one as it is. ConflictError when the run is in that state already; NotFoundError when unknown.
   */
  markRun(input: { runId: string; state: "success" | "failed"; now: Date }): Promise<DagRunRecord>;
  /**
   * Writes an operator's note on a run (store/contract/run-notes.ts), replacing the one it had; an empty
   * note removes it (resolves to null). NotFoundError for an unknown run; InvalidInputError for a
   * note longer than MAX_RUN_NOTE_CHARS.
   */
  setRunNote(input: SetRunNoteInput): Promise<RunNoteRecord | null>;
  /** The notes of these runs; runs without a note are left out. */
  listRunNotes(runIds: readonly string[]): Promise<RunNoteRecord[]>;
  /**
   * Marks a task instance success or failed from any other state (sql/runs/mark-task.ts): downstream
   * instances still waiting follow, no retry and no dead letter; marking success acknowledges the
   * instance's open dead letter. ConflictError when it is in that state already.
   */
  markTaskInstance(input: {
    runId: string;
    taskId: string;
    mapIndex: number | null;
    state: "success" | "failed";
    graph: DagGraph;
    now: Date;
  }): Promise<TaskInstanceRecord>;
  /**
   * Answers a human approval waiting for its answer (sql/runs/answer-approval.ts): approved, it
   * ends `success` with the answer as its result; rejected, `failed`. Downstream instances follow.
   * ConflictError unless it is `deferred` waiting for an answer (answered already, timed out).
   */
  answerApproval(input: AnswerApprovalInput): Promise<TaskInstanceRecord>;
  /** Approvals waiting for an answer, with their runs, oldest request first (of these DAGs, if given). */
  listWaitingApprovals(filter?: { readonly dagIds?: readonly string[] }): Promise<WaitingApproval[]>;
  /**
   * Clears chosen tasks of a run, and optionally all downstream of them, to run again
   * (sql/runs/clear-tasks.ts). ConflictError when one of them is queued, running or retrying.
   */
  clearTaskInstances(input: {
    runId: string;
    taskIds: readonly string[];
    mapIndex?: number | null;
    downstream: boolean;
    graph: DagGraph;
    source?: string;
    now: Date;
  }): Promise<{ run: DagRunRecord; cleared: number }>;

  /** Records a planned backfill (store/contract/backfills.ts), for the scheduler to drive. */
  createBackfill(input: CreateBackfillInput): Promise<BackfillRecord>;
  getBackfill(id: number): Promise<BackfillRecord | undefined>;
  /** Backfills, newest first. */
  listBackfills(filter: { dagId?: string; states?: readonly BackfillState[] }): Promise<BackfillRecord[]>;
  /** Stops a running or paused backfill for good (runs in flight finish). ConflictError when completed or cancelled. */
  cancelBackfill(id: number, now: Date): Promise<BackfillRecord>;
  /** Stops a running backfill from starting more runs until it is resumed (runs in flight go on). ConflictError when not running. */
  pauseBackfill(id: number, now: Date): Promise<BackfillRecord>;
  /**
   * Lets a paused backfill start runs again (a running one stays running), with a new
   * maxActiveRuns when one is given. ConflictError when completed or cancelled.
   */
  resumeBackfill(input: { id: number; maxActiveRuns?: number; now: Date }): Promise<BackfillRecord>;
  /** A backfill's intervals, oldest first, each with its run and the run's state (none for an unknown id). */
  listBackfillIntervals(id: number): Promise<BackfillIntervalRecord[]>;
  /**
   * For the scheduler: notes which started intervals' runs have finished (completing the backfill
   * when all have), then reserves the next intervals to start, within its maxActiveRuns. Each
   * interval is handed to one caller only, however many schedulers ask.
   *
   * `create`, when given, is asked for the run of each reserved interval whose action is `create`
   * (and which has no run yet): that run is created, started if its input says so, and recorded
   * in the same transaction, and the interval comes back with it (`run`). One transaction starts a
   * pass's runs instead of three per run. An interval whose date has a run by now (a scheduler made
   * one since the plan) comes back without `run`, like every other action, for the caller to
   * start and record.
   */
  takeBackfillIntervals(
    backfillId: number,
    now: Date,
    create?: (interval: BackfillIntervalToStart) => CreateRunInput,
  ): Promise<BackfillIntervalToStart[]>;
  /** For the scheduler: the run an interval reserved by takeBackfillIntervals got (done: it has already finished). */
  recordBackfillRun(input: { backfillId: number; logicalDate: Date; runId: string; done: boolean }): Promise<void>;
  /**
   * One version of a DAG (the graph and source a run used), or undefined. A cleared run runs with the
   * graph it was cleared with: its `dagVersion` then names that version (the state history says which it replaced).
   */
  getDagVersion(dagId: string, version: string): Promise<DagVersionRecord | undefined>;
  /** The versions of a DAG that runs used, newest first. */
  listDagVersions(dagId: string): Promise<DagVersionRecord[]>;
  /** Runs of a DAG whose logical dates lie in [from, to], oldest first (scheduled and backfill only). */
  listRunsBetween(dagId: string, from: Date, to: Date): Promise<DagRunRecord[]>;
  /** Runs matching the filter, latest logical date first, `limit` (default 100) from `offset`. */
  listRuns(filter: RunFilter): Promise<DagRunRecord[]>;
  countRuns(filter: RunFilter): Promise<number>;
  /** The latest `perDag` runs of every DAG (latest first), by DAG id. */
  listRecentRuns(perDag: number): Promise<Map<string, DagRunRecord[]>>;
  listTaskInstances(runId: string): Promise<TaskInstanceRecord[]>;
  listTries(taskInstanceId: number): Promise<TaskTryRecord[]>;
  listStateHistory(runId: string): Promise<StateChangeRecord[]>;
  /** State changes of every run recorded after the change with id `afterId`, oldest first (live updates). */
  listStateChangesSince(afterId: number, limit: number): Promise<(StateChangeRecord & { dagId: string })[]>;
  /** The id of the latest recorded state change (0 when none). */
  latestStateChangeId(): Promise<number>;

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
  /**
   * `getTaskResults` for several runs at once, by run id (a worker starting tries of many runs
   * together, as a backfill does, reads their inputs in one statement): each asked task that has
   * instances, with what `getTaskResults` gives for it.
   */
  getTaskResultsOfRuns(asks: readonly TaskResultsAsk[]): Promise<Map<string, Map<string, unknown>>>;
  /**
   * Elements of what a mapped task maps over, by index: item i of task `taskId`'s list result, or
   * the result of its mapped instance i. An index with no element is absent from the map. One
   * call for the instances a worker claimed together.
   */
  getMappedItems(runId: string, taskId: string, indexes: readonly number[]): Promise<Map<number, unknown>>;
  appendLogs(tryId: number, lines: readonly Omit<StoredLogLine, "id">[]): Promise<void>;
  /**
   * Records a try's outcome and, in the same transaction: schedules a retry or dead-letters the
   * task instance, records dataset events, decides which downstream task instances are ready,
   * skipped or upstream_failed (trigger rules, branches, mapping), and closes the run when done.
   */
  completeTry(input: CompleteTryInput): Promise<CompleteTryResult>;
  /**
   * `completeTry` for several tries in one transaction, in the order given (a group commit): all
   * are recorded, or none is and the call fails. With `claim`, the same transaction then claims
   * as `claimNextTasks` does (what the outcomes queued included), saving a commit per claim.
   */
  completeTries(inputs: readonly CompleteTryInput[], claim?: ClaimRequest): Promise<{ results: CompleteTryResult[]; claimed: ClaimedTask[] }>;
  /**
   * How this store object has recorded outcomes since it was opened (`completeTry` and
   * `completeTries` calls), by path and reason: the metric `tributary_outcome_writes_total`
   * (docs/metrics.md). A deployment that rarely takes `one_call` shows why here.
   */
  outcomeWrites(): readonly OutcomeWriteCount[];
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
  /**
   * The earliest wake-up of a deferred task instance of these DAGs (and queues), so that a worker
   * sleeps until its next poke is due. Due instances are woken by claims (`ClaimRequest.wakeDagIds`).
   */
  nextWakeAt(filter: { dagIds: readonly string[]; queues?: readonly string[] }): Promise<Date | undefined>;

  /** Secrets of the encrypted backend (src/secrets): ciphertext only; the store never sees a value. */
  putSecret(secret: StoredSecret): Promise<void>;
  getSecret(name: string): Promise<StoredSecret | undefined>;
  /** Every stored secret, by name. */
  listSecrets(): Promise<StoredSecret[]>;
  deleteSecret(name: string): Promise<boolean>;
  /**
   * Replaces every stored secret by `reencrypt(secret)` in one transaction (key rotation): if it
   * throws for any secret, nothing changes. Resolves to the number of secrets rewritten.
   */
  rewriteSecrets(reencrypt: (secret: StoredSecret) => StoredSecret): Promise<number>;
  /** Log retention: deletes the log lines of tries that ended before `before`; resolves to how many. */
  deleteTaskLogsBefore(before: Date): Promise<number>;

  /** Log lines of one try (default: the latest), oldest first; after the line `afterId`, at most `limit`. */
  readLogs(query: LogQuery): Promise<{
    tryNumber: number;
    lines: StoredLogLine[];
  }>;
  listDeadLetters(filter: { open?: boolean }): Promise<DeadLetterRecord[]>;
  /** Named pools: at most `slots` task instances of a pool run at once. */
  listPools(): Promise<{ name: string; slots: number; description: string | null }[]>;
  setPool(input: { name: string; slots: number; description?: string; now: Date }): Promise<void>;
  deletePool(name: string): Promise<boolean>;
  /** How many task instances of each pool run and wait in the queue now (pools in use only, configured or not). */
  listPoolUsage(): Promise<PoolUsage[]>;
  listDatasetEvents(filter: { uri?: string; runId?: string }): Promise<
    { uri: string; runId: string | null; taskId: string | null; at: Date; metadata: Record<string, unknown> }[]
  >;
}
