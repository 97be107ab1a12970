/**
 * What the store says about SLA misses, alerts and their deliveries (docs/architecture.md §8), and what the
 * metrics endpoint reads from it. Plain data: the Store methods that use them are in store.ts.
 *
 * - SLA miss: a run (or one of its tasks) had not succeeded when its deadline passed; recorded once.
 * - alert: something a person must look at (a dead-lettered task instance, an SLA miss); at most
 *   one open alert per dedup key (a DAG, task and kind), which counts the repeats as occurrences;
 *   acknowledged (escalation stops, repeats open a new alert) or resolved (by hand, or by itself
 *   when the next run of its DAG/task succeeds).
 * - delivery: one message of an alert on one channel at one escalation step; it is also the
 *   escalation timer (`dueAt`), claimed by exactly one process, retried with backoff.
 */

export interface SlaMissRecord {
  readonly id: number;
  readonly dagId: string;
  readonly runId: string;
  /** `null` for the DAG's own SLA (`sla`), else the task whose `deadline` passed. */
  readonly taskId: string | null;
  readonly deadlineAt: Date;
  readonly detectedAt: Date;
  /** The run's (or task instance's) state when the miss was detected. */
  readonly stateAtDetection: string;
  readonly alertId: number | null;
}

/** `approval`: a human approval waiting for its answer (docs/approvals.md), told on step 1 only. */
export type AlertKind = "dead_letter" | "sla_miss" | "approval";
export type AlertState = "open" | "acknowledged" | "resolved";
export const ALERT_STATES: readonly AlertState[] = ["open", "acknowledged", "resolved"];

export interface AlertRecord {
  readonly id: number;
  readonly kind: AlertKind;
  readonly dedupKey: string;
  readonly dagId: string;
  readonly runId: string | null;
  readonly taskId: string | null;
  readonly mapIndex: number | null;
  readonly taskInstanceId: number | null;
  readonly title: string;
  readonly details: string;
  readonly state: AlertState;
  /** How many times the same problem (same DAG, task and kind) was raised while this alert was open. */
  readonly occurrences: number;
  readonly createdAt: Date;
  /** When the latest occurrence was raised. */
  readonly lastSeenAt: Date;
  /** The run of the latest occurrence (`runId` is the first one's). */
  readonly lastRunId: string | null;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedAt: Date | null;
  readonly resolvedBy: string | null;
  /** The key of the ticket opened for it (step 3), e.g. `OPS-42`. */
  readonly ticketKey: string | null;
}

/** A dead letter or SLA miss for which no alert has been raised yet. */
export type AlertSource =
  | {
      readonly kind: "dead_letter";
      readonly sourceId: number;
      readonly dagId: string;
      readonly runId: string;
      readonly taskId: string;
      readonly mapIndex: number | null;
      readonly taskInstanceId: number;
      readonly tryNumber: number;
      readonly error: string | null;
      readonly at: Date;
    }
  | {
      readonly kind: "sla_miss";
      readonly sourceId: number;
      readonly dagId: string;
      readonly runId: string;
      readonly taskId: string | null;
      readonly deadlineAt: Date;
      readonly stateAtDetection: string;
      readonly at: Date;
    }
  | {
      readonly kind: "approval";
      readonly sourceId: number;
      readonly dagId: string;
      readonly runId: string;
      readonly taskId: string;
      readonly mapIndex: number | null;
      readonly taskInstanceId: number;
      readonly deadlineAt: Date;
      readonly at: Date;
    };

/**
 * Channels: `slack`, `email`, `pagerduty`, `jira`, `webhook:<n>` (the n-th generic webhook).
 * Events: `notify` (step 1), `trigger` (step 2), `ticket` (step 3); `acknowledge` and `resolve`
 * follow a page, and `resolve` follows every step-1 message once the alert is resolved.
 */
export type DeliveryEvent = "notify" | "trigger" | "acknowledge" | "resolve" | "ticket";
export type DeliveryState = "pending" | "sending" | "sent" | "failed" | "cancelled";

export interface PlannedDelivery {
  readonly step: number;
  readonly channel: string;
  readonly event: DeliveryEvent;
  readonly dueAt: Date;
}

export interface RaiseAlertInput {
  readonly source: { readonly kind: AlertKind; readonly id: number };
  readonly dedupKey: string;
  readonly dagId: string;
  readonly runId: string | null;
  readonly taskId: string | null;
  readonly mapIndex: number | null;
  readonly taskInstanceId: number | null;
  readonly title: string;
  readonly details: string;
  /** The escalation plan, used only when a new alert is opened (a duplicate adds no messages). */
  readonly deliveries: readonly PlannedDelivery[];
  readonly now: Date;
}

export interface RaiseAlertResult {
  readonly alert: AlertRecord;
  /** False when an open alert with the same dedup key absorbed this source. */
  readonly created: boolean;
}

export interface AlertDeliveryRecord {
  readonly id: number;
  readonly alertId: number;
  readonly step: number;
  readonly channel: string;
  readonly event: DeliveryEvent;
  readonly state: DeliveryState;
  readonly dueAt: Date;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly sentAt: Date | null;
}

export interface DeliveryAttemptRecord {
  readonly id: number;
  readonly deliveryId: number;
  readonly alertId: number;
  readonly attempt: number;
  readonly at: Date;
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** A delivery claimed for sending: `attempt` is this claim's number, passed back to finishDelivery. */
export interface ClaimedDelivery {
  readonly delivery: AlertDeliveryRecord;
  readonly attempt: number;
  readonly alert: AlertRecord;
}

export interface FinishDeliveryInput {
  readonly deliveryId: number;
  readonly attempt: number;
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** When to try again after a failure; `null`: give up (the delivery is `failed`). */
  readonly retryAt: Date | null;
  /** The ticket a successful `ticket` delivery opened. */
  readonly ticketKey?: string;
  readonly now: Date;
}

export interface SlaCheckInput {
  readonly dagId: string;
  readonly slaMs: number | undefined;
  readonly deadlines: readonly { readonly taskId: string; readonly deadlineMs: number }[];
  readonly now: Date;
}

/** Counts read from the store when `/metrics` is scraped. */
export interface MetricsSnapshot {
  readonly runs: readonly { readonly dagId: string; readonly state: string; readonly count: number }[];
  readonly taskInstances: readonly { readonly dagId: string; readonly state: string; readonly count: number }[];
  readonly retries: readonly { readonly dagId: string; readonly taskId: string; readonly count: number }[];
  readonly zombies: readonly { readonly dagId: string; readonly count: number }[];
  readonly deadLettersOpen: readonly { readonly dagId: string; readonly count: number }[];
  readonly slaMisses: readonly { readonly dagId: string; readonly count: number }[];
  readonly alerts: readonly { readonly state: string; readonly count: number }[];
  readonly datasets: readonly { readonly uri: string; readonly lastUpdate: Date }[];
  /** Running task instances per worker id. */
  readonly runningByWorker: readonly { readonly workerId: string; readonly count: number }[];
}
