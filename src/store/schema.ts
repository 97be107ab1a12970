/**
 * The tables, as Kysely sees them. Times are epoch milliseconds (integers sort and compare the
 * same way in SQLite and PostgreSQL); JSON values are stored as text.
 */
import type { Generated } from "kysely";

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
  run_type: string;
  state: string;
  logical_date: number;
  data_interval_start: number;
  data_interval_end: number;
  params: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
}

export interface TaskInstanceTable {
  id: Generated<number>;
  run_id: string;
  dag_id: string;
  task_id: string;
  /** -1 for an unmapped task (a unique key cannot hold NULL portably); exposed as `null`. */
  map_index: number;
  state: string;
  /** Number of the latest try; 0 before the first. */
  try_number: number;
  max_tries: number;
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
}

export interface PoolTable {
  name: string;
  slots: number;
  description: string | null;
  updated_at: number;
}

export interface Database {
  dags: DagTable;
  dag_runs: DagRunTable;
  task_instances: TaskInstanceTable;
  task_tries: TaskTryTable;
  task_logs: TaskLogTable;
  state_history: StateHistoryTable;
  dead_letters: DeadLetterTable;
  dataset_events: DatasetEventTable;
  pools: PoolTable;
}
