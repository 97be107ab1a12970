/**
 * Acknowledging and resolving an alert, inside the caller's write transaction. Acknowledging
 * skips the escalation steps still to come and ends the alert's deduplication; resolving cancels
 * everything pending and queues a `resolve` for every channel that was already told.
 */
import { NotFoundError } from "../../../core/errors.js";
import type { AlertRecord } from "../../contract/alert-records.js";
import { alertFromRow } from "./alert-rows.js";
import type { Tx } from "../shared/tx.js";

/** The steps an acknowledgement skips: the page (step 2) and the ticket (step 3). */
const ESCALATION_EVENTS = ["trigger", "ticket"];

/** Acknowledges an open alert: escalation stops (a page already sent is acknowledged too). */
export async function ackAlert(tx: Tx, input: { id: number; by: string; now: Date }): Promise<AlertRecord> {
  const alert = await getAlertOrThrow(tx, input.id);
  if (alert.state !== "open") return alert;
  const now = input.now.getTime();
  // Without its open key the alert absorbs no more repeats: one after this opens a new alert.
  const updated = await tx
    .updateTable("alerts")
    .set({ state: "acknowledged", open_key: null, acknowledged_at: now, acknowledged_by: input.by })
    .where("id", "=", input.id)
    .where("state", "=", "open")
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) {
    await cancelPending(tx, input.id, ESCALATION_EVENTS);
    await followUp(tx, input.id, "acknowledge", now);
  }
  return getAlertOrThrow(tx, input.id);
}

/** Resolves an alert (by hand); an alert already resolved stays as it was. */
export async function resolveAlert(tx: Tx, input: { id: number; by: string; now: Date }): Promise<AlertRecord> {
  await getAlertOrThrow(tx, input.id);
  await closeAlert(tx, input.id, input.by, input.now.getTime());
  return getAlertOrThrow(tx, input.id);
}

/**
 * Resolves an unresolved alert: nothing pending is sent any more, and each channel that was told
 * about it (a step-1 message or a page that was tried) gets a `resolve`. False when the alert was
 * already resolved (by another process, too: the conditional update decides).
 */
export async function closeAlert(tx: Tx, id: number, by: string, now: number): Promise<boolean> {
  const updated = await tx
    .updateTable("alerts")
    .set({ state: "resolved", open_key: null, resolved_at: now, resolved_by: by })
    .where("id", "=", id)
    .where("state", "<>", "resolved")
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await cancelPending(tx, id, undefined);
  await followUp(tx, id, "resolve", now);
  return true;
}

/**
 * Cancels an alert's pending deliveries: all of them (resolve), or only never-tried ones of the
 * given events (acknowledge: a page that is being retried may already have reached PagerDuty,
 * and its `acknowledge` follows it).
 */
async function cancelPending(tx: Tx, alertId: number, events: readonly string[] | undefined): Promise<void> {
  let query = tx
    .updateTable("alert_deliveries")
    .set({ state: "cancelled", lease_until: null })
    .where("alert_id", "=", alertId)
    .where("state", "=", "pending");
  if (events !== undefined) query = query.where("event", "in", events).where("attempts", "=", 0);
  await query.execute();
}

/**
 * After an acknowledgement, tells PagerDuty if it may have been paged; after a resolution, tells
 * PagerDuty and every step-1 channel that may have received the alert (a tried message may have
 * arrived even if its answer was lost). The unique (alert, channel, event) key keeps each single.
 */
async function followUp(tx: Tx, alertId: number, event: "acknowledge" | "resolve", now: number): Promise<void> {
  const told = await tx
    .selectFrom("alert_deliveries")
    .select(["step", "channel"])
    .where("alert_id", "=", alertId)
    .where("event", "in", event === "resolve" ? ["notify", "trigger"] : ["trigger"])
    .where("attempts", ">", 0)
    .orderBy("id")
    .execute();
  if (told.length === 0) return;
  await tx
    .insertInto("alert_deliveries")
    .values(
      told.map((d) => ({
        alert_id: alertId,
        step: d.step,
        channel: d.channel,
        event,
        state: "pending",
        due_at: now,
        claimed_by: null,
        lease_until: null,
        last_error: null,
        sent_at: null,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(["alert_id", "channel", "event"]).doNothing())
    .execute();
}

export async function getAlertOrThrow(tx: Tx, id: number): Promise<AlertRecord> {
  const row = await tx.selectFrom("alerts").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError(`no alert ${id}`, { field: "id" });
  return alertFromRow(row);
}
