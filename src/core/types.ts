/**
 * Tributary's vocabulary, where its types live (docs/architecture.md §2):
 *
 * - DAG: a named pipeline: tasks plus dependencies, schedule, params, defaults. Acyclic, checked at load.
 * - task: one step of a DAG: a TypeScript function, a shell command (or, later, an HTTP call).
 * - DAG run: one execution of a DAG for one logical date (or one manual/event trigger); it has a
 *   run id and a run type (`scheduled`, `manual`, `backfill`, `event`).
 * - logical date, data interval: a scheduled run covers [start, end); its logical date is the start;
 *   `ds` is the start as YYYY-MM-DD in the DAG's timezone (Airflow's convention).
 * - task instance: one task within one DAG run (and one map index, for mapped tasks); it has tries.
 * - try: one attempt of a task instance, numbered from 1, with its own log, timing and outcome.
 * - dataset: a named piece of data (URI) that tasks read and write; the nodes of lineage.
 * - worker: a process that claims queued task instances and runs them.
 * - scheduler: the loop that creates due DAG runs, decides which task instances are ready, handles timers.
 * - store: the only place state lives: SQLite (default) or PostgreSQL.
 *
 * This file holds plain data types only: no behaviour, no side effects.
 */

/**
 * The states of a task instance (docs/architecture.md §3). `core/state-machine.ts` owns every move between them.
 * `deferred`: waiting for a wake-up time (a sensor between pokes, docs/sensors.md), holding no
 * worker slot and no process; its try stays open and goes on when it wakes.
 */
export type TaskState =
  | "scheduled"
  | "queued"
  | "running"
  | "deferred"
  | "success"
  | "failed"
  | "retrying"
  | "skipped"
  | "upstream_failed";

export const TASK_STATES: readonly TaskState[] = [
  "scheduled",
  "queued",
  "running",
  "deferred",
  "success",
  "failed",
  "retrying",
  "skipped",
  "upstream_failed",
];

/** The states of a DAG run. */
export type RunState = "queued" | "running" | "success" | "failed";

export type RunType = "scheduled" | "manual" | "backfill" | "event";

/** When a task becomes ready, judged from the states of its direct upstream task instances. */
export type TriggerRule =
  | "all_success"
  | "all_failed"
  | "all_done"
  | "one_success"
  | "one_failed"
  | "none_failed"
  | "none_failed_min_one_success"
  | "none_skipped"
  | "always";

export const TRIGGER_RULES: readonly TriggerRule[] = [
  "all_success",
  "all_failed",
  "all_done",
  "one_success",
  "one_failed",
  "none_failed",
  "none_failed_min_one_success",
  "none_skipped",
  "always",
];

export type Backoff = "fixed" | "exponential";

export type TaskKind = "task" | "shell" | "branch" | "map" | "sensor" | "approval";

/**
 * Why a task instance is `deferred`: `sensor`, a sensor between pokes (docs/sensors.md); `sleep`, a
 * task's `ctx.sleep` (docs/durable-steps.md); `event`, a task's `ctx.waitForEvent`; `approval`, a human approval waiting for its answer
 * (docs/approvals.md).
 */
export type WaitReason = "sensor" | "sleep" | "event" | "approval";

/** Who may answer an approval: everyone with a role (or a role above it), or named users. */
export type Approvers = { readonly role: "viewer" | "operator" | "admin" } | { readonly users: readonly string[] };

/** What an approval's timeout does: fail the task, skip it, or succeed with a default answer. */
export type ApprovalTimeout = { readonly kind: "fail" } | { readonly kind: "skip" } | { readonly kind: "answer"; readonly answer: unknown };

/**
 * How a human approval waits (docs/approvals.md). The wait itself is a sensor's (its `sensor`
 * policy: one wake-up, at the deadline); an answer ends it early through the store.
 */
export interface ApprovalPolicy {
  readonly approvers: Approvers;
  readonly timeoutMs: number;
  readonly onTimeout: ApprovalTimeout;
  /** The answer's form as JSON Schema (from the approval's zod schema): the UI draws it, the API documents it. */
  readonly form: Readonly<Record<string, unknown>>;
  /** Told to the approvers (the UI shows it above the form). */
  readonly description?: string;
  /** Whether a waiting approval is announced on the DAG's alert channels (step 1: Slack, webhooks, email). */
  readonly notify: boolean;
}

/** How a sensor waits (docs/sensors.md). Durations in milliseconds. */
export interface SensorPolicy {
  /** Time between the end of one poke and the next. */
  readonly everyMs: number;
  /** How long the sensor may wait, from its first poke; then it fails (or is skipped, with softFail). */
  readonly timeoutMs: number;
  /** A timeout skips the task instead of failing it. */
  readonly softFail: boolean;
}

/**
 * Where a task's tries run (docs/architecture.md, "Running tasks in isolation"): `process`, the
 * default, in a pool of long-lived task processes; `thread` in a pool of worker threads of the
 * worker process; `inline` in the worker's own thread. Cheaper down the list, and less isolated:
 * `thread` and `inline` tasks must be trusted with the worker process.
 */
export type Isolation = "process" | "thread" | "inline";

export const ISOLATIONS: readonly Isolation[] = ["process", "thread", "inline"];

/** A data interval [start, end). */
export interface DataInterval {
  readonly start: Date;
  readonly end: Date;
}

/** How a task's tries are retried. Durations are in milliseconds once a DAG is loaded. */
export interface RetryPolicy {
  /** Retries after the first try: a task with `retries: 4` has up to 5 tries. */
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly backoff: Backoff;
  /** Upper bound on one delay; `undefined` means no cap. */
  readonly maxRetryDelayMs: number | undefined;
  /** Spread each delay randomly by up to this fraction (0 = none, 0.1 = ±10%). */
  readonly jitter: number;
}

/**
 * The serialisable description of one task: everything the scheduler, the store and the worker
 * need to know about it, without its code.
 */
export interface TaskSpec {
  readonly id: string;
  readonly kind: TaskKind;
  /** Ids of the direct upstream tasks (from `inputs`, `after` and `over`), in declaration order. */
  readonly upstream: readonly string[];
  /** Names under which upstream results are handed to the task: input name -> upstream task id. */
  readonly inputs: Readonly<Record<string, string>>;
  /** For `map` tasks: the task whose (array) result is mapped over. */
  readonly mapOver: string | undefined;
  readonly triggerRule: TriggerRule;
  readonly retry: RetryPolicy;
  /** Per-try time limit in milliseconds; `undefined` means none. */
  readonly timeoutMs: number | undefined;
  readonly pool: string | undefined;
  /** The worker queue that runs the task; workers serve one or more queues. */
  readonly queue: string;
  readonly priority: number;
  /** Where its tries run; absent means `process`, so graphs of DAGs that do not choose keep their shape. */
  readonly isolation?: Isolation;
  /** Dataset URIs the task reads and writes (declared; tasks may emit more at run time). */
  readonly inputDatasets: readonly string[];
  readonly outputDatasets: readonly string[];
  readonly secrets: readonly string[];
  /** The task must have succeeded this long after its run's data interval ends (an SLA); none if absent. */
  readonly deadlineMs?: number;
  /** For `sensor` and `approval` tasks only: how they wait between pokes (absent for other kinds, so their graphs keep their shape). */
  readonly sensor?: SensorPolicy;
  /** For `approval` tasks only: who answers, with what form, and what a timeout does. */
  readonly approval?: ApprovalPolicy;
  /** Set when the task caches its result (its `cache` option): how long a stored result is served. */
  readonly cacheTtlMs?: number;
}

/**
 * A DAG's alert escalation policy (its `alerts` option), over the global defaults of the
 * configuration. `false` turns a channel of the defaults off for this DAG.
 */
export interface AlertPolicySpec {
  /** How long an alert may stay unacknowledged before step 2 pages (default 15 minutes). */
  readonly escalateAfterMs?: number;
  /** How long after the page (step 2) step 3 opens a ticket, if still unacknowledged (default 15 minutes). */
  readonly ticketAfterMs?: number;
  /** Step 1: a Slack-compatible incoming webhook URL. */
  readonly slack?: string | false;
  /** Step 1 too: generic webhooks that receive the alert as JSON. */
  readonly webhooks?: readonly string[];
  /** Step 1 too: email recipients (SMTP settings come from the configuration). */
  readonly email?: { readonly to: readonly string[] } | false;
  /** Step 2: a PagerDuty Events API v2 routing key (and endpoint, for compatible services). */
  readonly pagerduty?: { readonly routingKey: string; readonly url?: string } | false;
  /** Step 3: a Jira project to open a ticket in (the server comes from the configuration unless given). */
  readonly jira?: { readonly project: string; readonly url?: string; readonly issueType?: string } | false;
}

/** A data-aware schedule: run when `all` (or `any`) of these datasets have new events. */
export interface DatasetSchedule {
  readonly uris: readonly string[];
  readonly when: "all" | "any";
}

/** The serialisable structure of a DAG: tasks in a topological order. */
export interface DagGraph {
  readonly dagId: string;
  readonly tasks: readonly TaskSpec[];
  /** Set when the DAG runs on dataset updates (lineage draws these datasets as its triggers). */
  readonly datasetSchedule?: DatasetSchedule;
  /** A run must succeed this long after its data interval ends (the DAG's `sla`); none if absent. */
  readonly slaMs?: number;
  readonly alerts?: AlertPolicySpec;
}

/** Count of a task's upstream task instances by state: the input of a trigger rule. */
export type UpstreamStateCounts = Readonly<Partial<Record<TaskState, number>>>;
