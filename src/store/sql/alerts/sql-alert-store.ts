/** The AlertStore over Kysely, shared by both dialects. */
import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import type { AlertStore } from "../../contract/alerts.js";
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
} from "../../contract/alert-records.js";
import type { RunInTransaction } from "../shared/tx.js";
import * as engine from "./alerts.js";
import { isUniqueViolation } from "../shared/locks.js";
import { ackAlert, closeAlert, getAlertOrThrow, resolveAlert } from "./alert-state.js";
import * as queries from "./alert-queries.js";
import { findRecoveredAlerts } from "./alert-recovery.js";

export class SqlAlertStore implements AlertStore {
  readonly #db: Kysely<Database>;
  readonly #tx: RunInTransaction;
  readonly #rowLocks: boolean;

  constructor(db: Kysely<Database>, tx: RunInTransaction, rowLocks: boolean) {
    this.#db = db;
    this.#tx = tx;
    this.#rowLocks = rowLocks;
  }

  recordSlaMisses(input: SlaCheckInput): Promise<SlaMissRecord[]> {
    return this.#tx((tx) => engine.recordSlaMisses(tx, input));
  }

  listSlaMisses(filter: { dagId?: string; runId?: string; limit?: number }): Promise<SlaMissRecord[]> {
    return queries.listSlaMisses(this.#db, filter);
  }

  listAlertSources(limit = 100): Promise<AlertSource[]> {
    return queries.listAlertSources(this.#db, limit);
  }

  async raiseAlert(input: RaiseAlertInput): Promise<RaiseAlertResult | undefined> {
    try {
      return await this.#tx((tx) => engine.raiseAlert(tx, input));
    } catch (error) {
      // Another process opened the alert for the same key at the same moment: the caller's next
      // pass finds it open and counts this source on it.
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  listAlerts(filter: { states?: readonly AlertState[]; dagId?: string; limit?: number }): Promise<AlertRecord[]> {
    return queries.listAlerts(this.#db, filter);
  }

  getAlert(id: number): Promise<AlertRecord | undefined> {
    return queries.getAlert(this.#db, id);
  }

  ackAlert(input: { id: number; by: string; now: Date }): Promise<AlertRecord> {
    return this.#tx((tx) => ackAlert(tx, input));
  }

  resolveAlert(input: { id: number; by: string; now: Date }): Promise<AlertRecord> {
    return this.#tx((tx) => resolveAlert(tx, input));
  }

  async resolveRecoveredAlerts(input: { now: Date }): Promise<AlertRecord[]> {
    const resolved: AlertRecord[] = [];
    // Found without a transaction; each is closed in its own, only if nobody closed it meanwhile.
    for (const found of await findRecoveredAlerts(this.#db)) {
      const alert = await this.#tx(async (tx) =>
        (await closeAlert(tx, found.alertId, found.by, input.now.getTime())) ? getAlertOrThrow(tx, found.alertId) : undefined,
      );
      if (alert) resolved.push(alert);
    }
    return resolved;
  }

  claimDueDeliveries(input: { claimer: string; now: Date; limit: number; leaseMs: number }): Promise<ClaimedDelivery[]> {
    return this.#tx((tx) => engine.claimDueDeliveries(tx, input, this.#rowLocks));
  }

  finishDelivery(input: FinishDeliveryInput): Promise<boolean> {
    return this.#tx((tx) => engine.finishDelivery(tx, input));
  }

  nextDeliveryAt(): Promise<Date | undefined> {
    return queries.nextDeliveryAt(this.#db);
  }

  listAlertDeliveries(alertId: number): Promise<AlertDeliveryRecord[]> {
    return queries.listAlertDeliveries(this.#db, alertId);
  }

  listDeliveryAttempts(alertId: number): Promise<DeliveryAttemptRecord[]> {
    return queries.listDeliveryAttempts(this.#db, alertId);
  }

  metricsSnapshot(): Promise<MetricsSnapshot> {
    return queries.metricsSnapshot(this.#db);
  }
}
