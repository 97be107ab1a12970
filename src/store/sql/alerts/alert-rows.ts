/** Conversions between the alert tables' rows and their records. */
import type { Selectable } from "kysely";
import type { AlertDeliveryAttemptTable, AlertDeliveryTable, AlertTable, SlaMissTable } from "./alert-tables.js";
import type {
  AlertDeliveryRecord,
  AlertKind,
  AlertRecord,
  AlertState,
  DeliveryAttemptRecord,
  DeliveryEvent,
  DeliveryState,
  SlaMissRecord,
} from "../../contract/alert-records.js";
import { toDate, toDateOrNull } from "../shared/rows.js";

const numOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

export function slaMissFromRow(row: Selectable<SlaMissTable>): SlaMissRecord {
  return {
    id: Number(row.id),
    dagId: row.dag_id,
    runId: row.run_id,
    taskId: row.task_id === "" ? null : row.task_id,
    deadlineAt: toDate(row.deadline_at),
    detectedAt: toDate(row.detected_at),
    stateAtDetection: row.state_at_detection,
    alertId: numOrNull(row.alert_id),
  };
}

export function alertFromRow(row: Selectable<AlertTable>): AlertRecord {
  return {
    id: Number(row.id),
    kind: row.kind as AlertKind,
    dedupKey: row.dedup_key,
    dagId: row.dag_id,
    runId: row.run_id,
    taskId: row.task_id,
    mapIndex: row.map_index,
    taskInstanceId: numOrNull(row.task_instance_id),
    title: row.title,
    details: row.details,
    state: row.state as AlertState,
    occurrences: Number(row.occurrences),
    createdAt: toDate(row.created_at),
    lastSeenAt: toDate(row.last_seen_at),
    lastRunId: row.last_run_id,
    acknowledgedAt: toDateOrNull(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: toDateOrNull(row.resolved_at),
    resolvedBy: row.resolved_by,
    ticketKey: row.ticket_key,
  };
}

export function deliveryFromRow(row: Selectable<AlertDeliveryTable>): AlertDeliveryRecord {
  return {
    id: Number(row.id),
    alertId: Number(row.alert_id),
    step: row.step,
    channel: row.channel,
    event: row.event as DeliveryEvent,
    state: row.state as DeliveryState,
    dueAt: toDate(row.due_at),
    attempts: Number(row.attempts),
    lastError: row.last_error,
    sentAt: toDateOrNull(row.sent_at),
  };
}

export function attemptFromRow(row: Selectable<AlertDeliveryAttemptTable>): DeliveryAttemptRecord {
  return {
    id: Number(row.id),
    deliveryId: Number(row.delivery_id),
    alertId: Number(row.alert_id),
    attempt: row.attempt,
    at: toDate(row.at),
    ok: Number(row.ok) === 1,
    status: row.status,
    error: row.error,
    durationMs: Number(row.duration_ms),
  };
}
