/** The tables of migrations 000005 and 000010 (alerts, SLA misses, deliveries), as Kysely sees them. */
import type { Generated } from "kysely";

export interface SlaMissTable {
  id: Generated<number>;
  dag_id: string;
  run_id: string;
  /** '' for the DAG's own SLA. */
  task_id: string;
  deadline_at: number;
  detected_at: number;
  state_at_detection: string;
  alert_id: number | null;
}

/** Migration 000017: an approval with \`notify\` that started to wait, the source of its alert. */
export interface ApprovalRequestTable {
  id: Generated<number>;
  task_instance_id: number;
  try_number: number;
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  requested_at: number;
  deadline_at: number;
  alert_id: number | null;
}

export interface AlertTable {
  id: Generated<number>;
  kind: string;
  open_key: string | null;
  dedup_key: string;
  dag_id: string;
  run_id: string | null;
  task_id: string | null;
  map_index: number | null;
  task_instance_id: number | null;
  title: string;
  details: string;
  state: string;
  occurrences: Generated<number>;
  created_at: number;
  last_seen_at: number;
  /** The latest occurrence's run and task instance (migration 000010). */
  last_run_id: string | null;
  last_task_instance_id: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  ticket_key: string | null;
}

export interface AlertDeliveryTable {
  id: Generated<number>;
  alert_id: number;
  step: number;
  channel: string;
  event: string;
  state: string;
  due_at: number;
  attempts: Generated<number>;
  claimed_by: string | null;
  lease_until: number | null;
  last_error: string | null;
  sent_at: number | null;
  created_at: number;
}

export interface AlertDeliveryAttemptTable {
  id: Generated<number>;
  delivery_id: number;
  alert_id: number;
  attempt: number;
  at: number;
  ok: number;
  status: number | null;
  error: string | null;
  duration_ms: number;
}
