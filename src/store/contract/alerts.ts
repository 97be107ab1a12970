/**
 * The alerting part of the store (docs/architecture.md §8): SLA misses, alerts with their escalation timers
 * (deliveries), and the counts `/metrics` reads. Domain operations only; each write is one
 * transaction, and every claim is safe with several schedulers on one PostgreSQL.
 */
import type {
  AlertDeliveryRecord,
  AlertRecord,
  AlertSource,
  AlertState,
  ClaimedDelivery,
  DeliveryAttemptRecord,
  FinishDeliveryInput,
  MetricsSnapshot,
  RaiseAlertInput,
  RaiseAlertResult,
  SlaCheckInput,
  SlaMissRecord,
} from "./alert-records.js";

export interface AlertStore {
  /** Records every SLA miss of a DAG not recorded yet (once per run and task); resolves to the new ones. */
  recordSlaMisses(input: SlaCheckInput): Promise<SlaMissRecord[]>;
  listSlaMisses(filter: { dagId?: string; runId?: string; limit?: number }): Promise<SlaMissRecord[]>;

  /** Open dead letters and SLA misses that have no alert yet, oldest first. */
  listAlertSources(limit?: number): Promise<AlertSource[]>;
  /**
   * Opens an alert for a source with its escalation plan, or counts the source on the open alert
   * with the same dedup key (one open alert per DAG, task and kind). `undefined`: another process
   * handled this source first, or opened the alert for the same key at the same moment (the
   * source is then counted on it by a later call).
   */
  raiseAlert(input: RaiseAlertInput): Promise<RaiseAlertResult | undefined>;
  /** Newest first; by default every state. */
  listAlerts(filter: { states?: readonly AlertState[]; dagId?: string; limit?: number }): Promise<AlertRecord[]>;
  getAlert(id: number): Promise<AlertRecord | undefined>;
  /**
   * Stops the escalation of an open alert (the page and the ticket still to come are skipped) and
   * ends its deduplication: a repeat opens a new alert. Throws NotFoundError for an unknown id;
   * other states are left as they are.
   */
  ackAlert(input: { id: number; by: string; now: Date }): Promise<AlertRecord>;
  /**
   * Closes an alert: every channel already told about it is told it is resolved (a PagerDuty
   * `resolve` for a page, a message for each step-1 channel). Throws NotFoundError for an unknown id.
   */
  resolveAlert(input: { id: number; by: string; now: Date }): Promise<AlertRecord>;
  /**
   * Resolves (as resolveAlert does) every unresolved alert whose DAG/task has succeeded since its
   * latest occurrence: a dead letter's task in a later run, or the same task instance retried; an
   * SLA miss's run (or task) in a later scheduled run, within its SLA. Resolves to those alerts;
   * with several schedulers each is resolved by one.
   */
  resolveRecoveredAlerts(input: { now: Date }): Promise<AlertRecord[]>;

  /** Claims due deliveries (and ones whose sender's lease expired): each is sent by one process. */
  claimDueDeliveries(input: { claimer: string; now: Date; limit: number; leaseMs: number }): Promise<ClaimedDelivery[]>;
  /** Records one attempt; false when this claim was lost to another sender. */
  finishDelivery(input: FinishDeliveryInput): Promise<boolean>;
  /** When the next pending delivery is due. */
  nextDeliveryAt(): Promise<Date | undefined>;
  listAlertDeliveries(alertId: number): Promise<AlertDeliveryRecord[]>;
  listDeliveryAttempts(alertId: number): Promise<DeliveryAttemptRecord[]>;

  /** Counts by state and the like, read when `/metrics` is scraped. */
  metricsSnapshot(): Promise<MetricsSnapshot>;
}
