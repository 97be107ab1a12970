/** The shapes the REST API answers with (src/api/routes/*.ts), as the UI reads them. Dates are ISO strings. */

export type Role = "viewer" | "operator" | "admin";
export type RunState = "queued" | "running" | "success" | "failed";
export type RunType = "scheduled" | "manual" | "backfill" | "event";
export type TaskState = "scheduled" | "queued" | "running" | "success" | "failed" | "retrying" | "skipped" | "upstream_failed";

export interface Me {
  readonly username: string;
  readonly role: Role;
  readonly mustChangePassword: boolean;
  readonly csrfToken: string | null;
}

export interface RunSummary {
  readonly runId: string;
  readonly state: RunState;
  readonly runType: RunType;
  readonly logicalDate: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
}

export interface DagRun extends RunSummary {
  readonly dagId: string;
  readonly dataIntervalStart: string;
  readonly dataIntervalEnd: string;
  readonly params: Record<string, unknown>;
  readonly createdAt: string;
  /** The DAG version the run used (a hash of structure and source); null for runs older than versions. */
  readonly dagVersion?: string | null;
  /** An operator's note on the run (PUT /runs/:runId/note); null when it has none. */
  readonly note?: RunNote | null;
}

export interface RunNote {
  readonly runId: string;
  readonly note: string;
  readonly updatedBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What POST /runs/bulk does to each run. */
export type BulkRunAction = "clear_failed" | "mark_success" | "mark_failed" | "cancel";

export type BulkRunResult =
  | { readonly runId: string; readonly ok: true; readonly run: DagRun }
  | { readonly runId: string; readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export interface DagSummary {
  readonly dagId: string;
  readonly description: string | null;
  readonly file: string | null;
  readonly isPaused: boolean;
  readonly tags: readonly string[];
  readonly schedule: unknown;
  readonly scheduleText: string | null;
  readonly timezone: string | null;
  readonly catchup: boolean | null;
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly maxActiveRuns: number | null;
  readonly maxActiveTasks: number | null;
  /** The loaded version: new runs and cleared tasks run with it (null when the DAG is not loaded). */
  readonly version?: string | null;
  readonly nextRun: { readonly logicalDate: string; readonly dataIntervalEnd: string; readonly createdAt: string } | null;
}

export interface DagListEntry extends DagSummary {
  readonly recentRuns: readonly RunSummary[];
}

export interface ImportError {
  readonly file: string | null;
  readonly message: string;
}

export interface TaskSpec {
  readonly id: string;
  readonly kind?: string;
  readonly upstream: readonly string[];
  readonly mapOver?: string;
  readonly triggerRule: string;
  readonly retry?: { readonly retries?: number; readonly retryDelayMs?: number; readonly backoff?: string };
  readonly timeoutMs?: number;
  readonly pool?: string;
  readonly queue?: string;
  readonly priority?: number;
  readonly inputDatasets: readonly string[];
  readonly outputDatasets: readonly string[];
}

export interface DagDetail extends DagSummary {
  readonly tasks: readonly TaskSpec[];
  readonly datasetSchedule: { readonly uris: readonly string[]; readonly when: string } | null;
  readonly params: JsonSchema | null;
  readonly loaded: boolean;
  /** How late the latest scheduled runs were created after their intervals ended. */
  readonly schedulerLag: { readonly runs: number; readonly latestSeconds: number; readonly maxSeconds: number } | null;
}

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly format?: string;
}

export interface TaskInstance {
  readonly id: number;
  readonly runId: string;
  readonly dagId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  readonly state: TaskState;
  readonly tryNumber: number;
  readonly maxTries: number;
  readonly queuedAt: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly nextRetryAt: string | null;
  readonly workerId: string | null;
  readonly result: unknown;
  readonly error: string | null;
}

export interface TaskTry {
  readonly tryNumber: number;
  readonly outcome: "running" | "success" | "failed";
  readonly workerId: string;
  readonly queuedAt: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly error: string | null;
  readonly errorKind: string | null;
}

export interface StateChange {
  readonly id: number;
  readonly runId: string;
  readonly dagId?: string;
  readonly taskId: string | null;
  readonly mapIndex: number | null;
  readonly fromState: string | null;
  readonly toState: string;
  readonly at: string;
  readonly reason: string | null;
}

export interface DatasetEvent {
  readonly uri: string;
  readonly metadata?: Record<string, unknown>;
  readonly at?: string;
  readonly createdAt?: string;
}

export interface TaskInstanceDetail extends TaskInstance {
  readonly tries: readonly TaskTry[];
  readonly history: readonly StateChange[];
  readonly datasetEvents: readonly DatasetEvent[];
}

export interface LogLine {
  readonly id: number;
  readonly at: string;
  readonly stream: "stdout" | "stderr" | "log";
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
}

export interface LogPage {
  readonly tryNumber: number;
  readonly lines: readonly LogLine[];
  readonly nextAfter: number;
  readonly running: boolean;
}

export type ReprocessMode = "skip" | "failed" | "all";

export interface BackfillInterval {
  readonly start?: string;
  readonly logicalDate?: string;
  readonly end?: string;
  readonly action?: string;
  readonly existingRunId?: string | null;
}

export interface Backfill {
  readonly id: number;
  readonly dagId: string;
  readonly from: string;
  readonly to: string;
  readonly reprocess: ReprocessMode;
  readonly maxActiveRuns: number;
  readonly state: "running" | "completed" | "cancelled";
  readonly createdBy?: string | null;
  readonly createdAt?: string;
  readonly endedAt?: string | null;
  readonly progress: { readonly total: number; readonly done: number; readonly succeeded: number; readonly failed: number; readonly skipped: number; readonly running: number };
}

/** One version of a DAG that a run used (GET /dags/:dagId/versions/:version). */
export interface DagVersion {
  readonly dagId: string;
  readonly version: string;
  readonly graph: { readonly dagId: string; readonly tasks: readonly TaskSpec[]; readonly datasetSchedule?: { readonly uris: readonly string[]; readonly when: string } };
  readonly source: string | null;
  readonly createdAt: string;
}

export interface DagVersionSummary {
  readonly version: string;
  readonly createdAt: string;
  readonly tasks: readonly string[];
}

export type DatasetWriter =
  | { readonly kind: "task"; readonly dagId: string; readonly taskId: string; readonly runId: string | null; readonly tryNumber: number | null }
  | { readonly kind: "external"; readonly source: string | null };

export interface Dataset {
  readonly uri: string;
  readonly events: number;
  readonly lastUpdatedAt: string | null;
  readonly lastWriter: DatasetWriter | null;
  readonly lastMetadata: Readonly<Record<string, unknown>> | null;
  readonly freshnessMs: number | null;
  /** `dagId.taskId` of the tasks that write it. */
  readonly producers: readonly string[];
  /** `dagId.taskId` of the tasks that read it, and the DAGs it triggers. */
  readonly consumers: readonly string[];
}

export type LineageNodeKind = "dataset" | "task" | "dag";
export type LineageEdgeKind = "reads" | "writes" | "feeds" | "triggers" | "contains";

export interface LineageNode {
  /** `dataset:<uri>`, `dag:<dagId>` or `task:<dagId>/<taskId>`. */
  readonly id: string;
  readonly kind: LineageNodeKind;
  readonly name: string;
  readonly uri?: string;
  readonly dagId?: string;
  readonly taskId?: string;
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: LineageEdgeKind;
  readonly declared: boolean;
  readonly observed: boolean;
}

export interface LineageResult {
  readonly root: LineageNode;
  readonly direction: "downstream" | "upstream";
  readonly depth: number | null;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

export type AlertState = "open" | "acknowledged" | "resolved";

export interface Alert {
  readonly id: number;
  readonly kind: "dead_letter" | "sla_miss";
  readonly dagId: string;
  readonly runId: string | null;
  readonly taskId: string | null;
  readonly mapIndex: number | null;
  readonly title: string;
  readonly details: string;
  readonly state: AlertState;
  /** Repeats of the same DAG, task and kind while the alert was open. */
  readonly occurrences: number;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** The run of the latest occurrence (`runId` is the first one's). */
  readonly lastRunId: string | null;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly ticketKey: string | null;
}

export interface AlertDelivery {
  readonly id: number;
  readonly step: number;
  readonly channel: string;
  readonly event: string;
  readonly state: "pending" | "sending" | "sent" | "failed" | "cancelled";
  readonly dueAt: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly sentAt: string | null;
}

export interface DeliveryAttempt {
  readonly id: number;
  readonly deliveryId: number;
  readonly attempt: number;
  readonly at: string;
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface AlertDetail extends Alert {
  readonly deliveries: readonly AlertDelivery[];
  readonly attempts: readonly DeliveryAttempt[];
}

export interface DeadLetter {
  readonly id: number;
  readonly runId: string;
  readonly dagId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  readonly tryNumber: number;
  readonly error: string | null;
  readonly createdAt: string;
  readonly resolvedAt: string | null;
  readonly resolution: "retried" | "acknowledged" | null;
}

export interface SlaMiss {
  readonly id: number;
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string | null;
  readonly deadlineAt: string;
  readonly detectedAt: string;
  readonly stateAtDetection: string;
  readonly alertId: number | null;
}
