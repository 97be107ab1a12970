/**
 * The tables, as Kysely sees them. Times are epoch milliseconds (integers sort and compare the
 * same way in SQLite and PostgreSQL); JSON values are stored as text.
 */
import type { Generated } from "kysely";
import type { RunState, RunType, TaskState, WaitReason } from "../../core/types.js";
import type { BackfillState } from "../contract/backfills.js";
import type { AlertDeliveryAttemptTable, AlertDeliveryTable, AlertTable, ApprovalRequestTable, SlaMissTable } from "./alerts/alert-tables.js";

export interface DagTable {
  dag_id: string;
  file: string;
  is_paused: number;
  graph: string;
  updated_at: number;
}

export interface DagRunTable {
  run_id: string;
  dag_id: string;
  run_type: RunType;
  state: RunState;
  logical_date: number;
  data_interval_start: number;
  data_interval_end: number;
  params: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
  /** The version of the DAG the run runs (migration 000004); null for older runs. */
  dag_version: string | null;
}

/** One version of a DAG: its graph and source, kept for the runs that used it. */
export interface DagVersionTable {
  dag_id: string;
  version: string;
  graph: string;
  source: string | null;
  created_at: number;
}

export interface TaskInstanceTable {
  id: Generated<number>;
  run_id: string;
  dag_id: string;
  task_id: string;
  /** -1 for an unmapped task (a unique key cannot hold NULL portably); exposed as `null`. */
  map_index: number;
  state: TaskState;
  /** Number of the latest try; 0 before the first. */
  try_number: number;
  max_tries: number;
  /** Tries lost to infrastructure and retried for free since creation or the last clear (core/lost-tries.ts). */
  lost_tries: Generated<number>;
  priority: number;
  pool: string | null;
  queue: Generated<string>;
  queued_at: number | null;
  started_at: number | null;
  ended_at: number | null;
  next_retry_at: number | null;
  worker_id: string | null;
  heartbeat_at: number | null;
  result: string | null;
  error: string | null;
  updated_at: number;
  /** When a deferred instance wakes up (migration 000014). */
  wake_at: Generated<number | null>;
  /** Why it waits; set while deferred and once woken until claimed, which goes on with the open try. */
  wait_reason: Generated<WaitReason | null>;
  /** When a sensor's first poke started (its timeout counts from here); kept across retries, reset by a clear. */
  waiting_since: Generated<number | null>;
  /** A sensor's pokes since creation or the last clear. */
  pokes: Generated<number>;
}

export interface TaskTryTable {
  id: Generated<number>;
  task_instance_id: number;
  try_number: number;
  /** running, success or failed. */
  outcome: string;
  worker_id: string;
  queued_at: number | null;
  started_at: number;
  ended_at: number | null;
  error: string | null;
  error_kind: string | null;
  /** The task's cache key as shown (migration 000013), for tries of tasks that cache their result. */
  cache_key: string | null;
  /** 1 when the try's result came from the cache (it did not run). */
  cached: Generated<number>;
}

export interface TaskLogTable {
  id: Generated<number>;
  try_id: number;
  at: number;
  stream: string;
  level: string;
  message: string;
}

export interface StateHistoryTable {
  id: Generated<number>;
  run_id: string;
  task_instance_id: number | null;
  task_id: string | null;
  map_index: number | null;
  from_state: string | null;
  to_state: string;
  at: number;
  reason: string | null;
}

export interface DeadLetterTable {
  id: Generated<number>;
  task_instance_id: number;
  run_id: string;
  dag_id: string;
  task_id: string;
  map_index: number;
  try_number: number;
  error: string | null;
  created_at: number;
  resolved_at: number | null;
  resolution: string | null;
  /** The alert raised for this dead letter (migration 000005); 0 for ones from before alerts existed. */
  alert_id: Generated<number | null>;
}

export interface DatasetEventTable {
  id: Generated<number>;
  dataset_uri: string;
  run_id: string | null;
  dag_id: string | null;
  task_id: string | null;
  map_index: number | null;
  try_number: number | null;
  at: number;
  metadata: string;
  /** Who reported an event from outside a task run (`api`, `cli`...; migration 000006); null for tasks. */
  source: string | null;
}

/** Which dataset events triggered a data-aware DAG run; an event triggers a DAG at most once. */
export interface DatasetTriggerTable {
  run_id: string;
  dag_id: string;
  dataset_uri: string;
  event_id: number;
}

/** How far a consumer of the state history (the OpenLineage emitter) has read, shared by processes. */
export interface LineageCursorTable {
  consumer: string;
  position: number;
  updated_at: number;
}

export interface PoolTable {
  name: string;
  slots: number;
  description: string | null;
  updated_at: number;
}

/** A list of DAGs a worker serves, by key (PostgreSQL only: postgres/served-dag-sets.ts). */
export interface ServedDagSetTable {
  set_key: string;
  registered_at: number;
}

export interface ServedDagSetMemberTable {
  set_key: string;
  dag_id: string;
  /** Whether a claim of the list wakes this DAG's due waits. */
  wakes: boolean;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  role: string;
  password_hash: string | null;
  must_change_password: number;
  created_at: number;
  password_changed_at: number | null;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SessionTable {
  id: Generated<number>;
  user_id: number;
  session_hash: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  details: string;
}

/** Secrets of the store backend: AES-256-GCM ciphertext, IV and tag (base64), and the key's id. */
export interface SecretTable {
  name: string;
  ciphertext: string;
  iv: string;
  tag: string;
  key_id: string;
  updated_at: number;
}

/** A backfill (store/contract/backfills.ts); the range's ends are epoch ms of logical dates. */
export interface BackfillTable {
  id: Generated<number>;
  dag_id: string;
  from_date: number;
  to_date: number;
  reprocess: string;
  max_active_runs: number;
  state: BackfillState;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
}

export interface BackfillIntervalTable {
  backfill_id: number;
  logical_date: number;
  interval_start: number;
  interval_end: number;
  action: string;
  existing_run_id: string | null;
  run_id: string | null;
  started_at: number | null;
  /** 0 or 1. */
  done: number;
}

/** An operator's note on a DAG run (migration 000012): one per run. */
export interface RunNoteTable {
  run_id: string;
  note: string;
  updated_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A cached task result (migration 000013): one per (DAG, task, key), served until `expires_at`. */
export interface TaskResultCacheTable {
  dag_id: string;
  task_id: string;
  cache_key: string;
  /** JSON text. */
  result: string;
  run_id: string;
  stored_at: number;
  expires_at: number;
}

/** A completed durable step (migration 000015): one per (task instance, step number). */
export interface TaskStepTable {
  task_instance_id: number;
  step_number: number;
  name: string;
  /** `run`, `sleep` or `event` (store/contract/steps.ts). */
  kind: string;
  try_number: number;
  /** JSON text. */
  result: string;
  started_at: number;
  /** For an `event` step still waiting: its deadline. */
  ended_at: number;
  /** The event an `event` step still waits for; null once delivered, and for other kinds. */
  awaiting_event: string | null;
}

export interface Database {
  backfills: BackfillTable;
  backfill_intervals: BackfillIntervalTable;
  secrets: SecretTable;
  sla_misses: SlaMissTable;
  approval_requests: ApprovalRequestTable;
  alerts: AlertTable;
  alert_deliveries: AlertDeliveryTable;
  alert_delivery_attempts: AlertDeliveryAttemptTable;
  users: UserTable;
  api_tokens: ApiTokenTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
  dags: DagTable;
  dag_runs: DagRunTable;
  dag_versions: DagVersionTable;
  run_notes: RunNoteTable;
  task_instances: TaskInstanceTable;
  task_tries: TaskTryTable;
  task_result_cache: TaskResultCacheTable;
  task_steps: TaskStepTable;
  task_logs: TaskLogTable;
  state_history: StateHistoryTable;
  dead_letters: DeadLetterTable;
  dataset_events: DatasetEventTable;
  dataset_triggers: DatasetTriggerTable;
  lineage_cursors: LineageCursorTable;
  pools: PoolTable;
  served_dag_sets: ServedDagSetTable;
  served_dag_set_members: ServedDagSetMemberTable;
}
