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
}

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
  readonly progress: { readonly total: number; readonly done: number; readonly succeeded: number; readonly failed: number; readonly skipped: number; readonly running: number };
}
