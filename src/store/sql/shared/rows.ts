/** Conversions between table rows and the store's records: the one place that knows both shapes. */
import type { Selectable } from "kysely";
import type { DagGraph } from "../../../core/types.js";
import type {
  DagTable,
  DagRunTable,
  DeadLetterTable,
  StateHistoryTable,
  TaskInstanceTable,
  TaskLogTable,
  TaskTryTable,
} from "../schema.js";
import type {
  DagRecord,
  DagRunRecord,
  DeadLetterRecord,
  StateChangeRecord,
  StoredLogLine,
  TaskInstanceRecord,
  TaskTryRecord,
  TryErrorKind,
  TryOutcome,
} from "../../contract/store.js";

/** PostgreSQL returns bigint columns as strings; SQLite as numbers. */
export const toDate = (value: number | string): Date => new Date(Number(value));
export const toDateOrNull = (value: number | string | null): Date | null => (value === null ? null : toDate(value));

export const UNMAPPED = -1;
export const toMapIndex = (value: number): number | null => (value === UNMAPPED ? null : value);
export const fromMapIndex = (value: number | null): number => value ?? UNMAPPED;

export function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

export function runFromRow(row: Selectable<DagRunTable>): DagRunRecord {
  return {
    runId: row.run_id,
    dagId: row.dag_id,
    runType: row.run_type,
    state: row.state,
    logicalDate: toDate(row.logical_date),
    dataIntervalStart: toDate(row.data_interval_start),
    dataIntervalEnd: toDate(row.data_interval_end),
    params: JSON.parse(row.params) as Record<string, unknown>,
    createdAt: toDate(row.created_at),
    startedAt: toDateOrNull(row.started_at),
    endedAt: toDateOrNull(row.ended_at),
    dagVersion: row.dag_version ?? null,
  };
}

export function instanceFromRow(row: Selectable<TaskInstanceTable>): TaskInstanceRecord {
  return {
    id: Number(row.id),
    runId: row.run_id,
    dagId: row.dag_id,
    taskId: row.task_id,
    mapIndex: toMapIndex(row.map_index),
    state: row.state,
    tryNumber: row.try_number,
    maxTries: row.max_tries,
    priority: row.priority,
    pool: row.pool,
    queue: row.queue,
    queuedAt: toDateOrNull(row.queued_at),
    startedAt: toDateOrNull(row.started_at),
    endedAt: toDateOrNull(row.ended_at),
    nextRetryAt: toDateOrNull(row.next_retry_at),
    wakeAt: toDateOrNull(row.wake_at),
    waitReason: row.wait_reason,
    waitingSince: toDateOrNull(row.waiting_since),
    pokes: row.pokes,
    workerId: row.worker_id,
    result: parseJson(row.result),
    error: row.error,
  };
}

export function tryFromRow(row: Selectable<TaskTryTable>): TaskTryRecord {
  return {
    id: Number(row.id),
    taskInstanceId: Number(row.task_instance_id),
    tryNumber: row.try_number,
    outcome: row.outcome as TryOutcome,
    workerId: row.worker_id,
    queuedAt: toDateOrNull(row.queued_at),
    startedAt: toDate(row.started_at),
    endedAt: toDateOrNull(row.ended_at),
    error: row.error,
    errorKind: row.error_kind as TryErrorKind | null,
    cacheKey: row.cache_key,
    cached: Number(row.cached) === 1,
  };
}

export function stateChangeFromRow(row: Selectable<StateHistoryTable>): StateChangeRecord {
  return {
    id: Number(row.id),
    runId: row.run_id,
    taskId: row.task_id,
    mapIndex: row.map_index === null ? null : toMapIndex(row.map_index),
    fromState: row.from_state,
    toState: row.to_state,
    at: toDate(row.at),
    reason: row.reason,
  };
}

export function logLineFromRow(row: Selectable<TaskLogTable>): StoredLogLine {
  return {
    id: Number(row.id),
    at: toDate(row.at),
    stream: row.stream as StoredLogLine["stream"],
    level: row.level as StoredLogLine["level"],
    message: row.message,
  };
}

export function deadLetterFromRow(row: Selectable<DeadLetterTable>): DeadLetterRecord {
  return {
    id: Number(row.id),
    taskInstanceId: Number(row.task_instance_id),
    runId: row.run_id,
    dagId: row.dag_id,
    taskId: row.task_id,
    mapIndex: toMapIndex(row.map_index),
    tryNumber: row.try_number,
    error: row.error,
    createdAt: toDate(row.created_at),
    resolvedAt: toDateOrNull(row.resolved_at),
    resolution: row.resolution as DeadLetterRecord["resolution"],
  };
}

export function dagFromRow(row: Selectable<DagTable>): DagRecord {
  return {
    dagId: row.dag_id,
    file: row.file,
    isPaused: row.is_paused !== 0,
    graph: JSON.parse(row.graph) as DagGraph,
    updatedAt: toDate(row.updated_at),
  };
}
