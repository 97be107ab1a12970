/**
 * The transactional side of alerting: recording SLA misses once, raising (deduplicated) alerts,
 * and claiming due deliveries so that each escalation step is sent by exactly one process
 * (acknowledging and resolving: alert-state.ts). Every function runs inside the caller's write
 * transaction.
 */
import { sql } from "kysely";
import { NotFoundError } from "../../../core/errors.js";
import type {
  ClaimedDelivery,
  FinishDeliveryInput,
  RaiseAlertInput,
  RaiseAlertResult,
  SlaCheckInput,
  SlaMissRecord,
} from "../../contract/alert-records.js";
import { alertFromRow, deliveryFromRow, slaMissFromRow } from "./alert-rows.js";
import { getAlertOrThrow } from "./alert-state.js";
import type { RowLocks } from "../shared/locks.js";
import type { Tx } from "../shared/tx.js";
import { stateLiterals } from "../shared/state-literal.js";

/** Runs whose deadline passed longer ago than this are not checked any more (bounds each tick's scan). */
export const SLA_LOOKBACK_MS = 7 * 86_400_000;

/** Records each SLA miss that is not recorded yet; returns the new ones. */
export async function recordSlaMisses(tx: Tx, input: SlaCheckInput): Promise<SlaMissRecord[]> {
  const now = input.now.getTime();
  const found: { runId: string; taskId: string; deadlineAt: number; state: string }[] = [];
  if (input.slaMs !== undefined) {
    const sla = input.slaMs;
    const rows = await tx
      .selectFrom("dag_runs as r")
      .select(["r.run_id", "r.state", "r.data_interval_end"])
      .where("r.dag_id", "=", input.dagId)
      .where("r.run_type", "=", "scheduled")
      .where("r.data_interval_end", "<=", now - sla)
      .where("r.data_interval_end", ">", now - sla - SLA_LOOKBACK_MS)
      .where((eb) => eb.or([eb("r.state", "!=", "success"), eb("r.ended_at", ">", sql<number>`r.data_interval_end + ${sla}`)]))
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom("sla_misses as m").select("m.id").whereRef("m.run_id", "=", "r.run_id").where("m.task_id", "=", ""))),
      )
      .limit(1_000)
      .execute();
    for (const r of rows) found.push({ runId: r.run_id, taskId: "", deadlineAt: Number(r.data_interval_end) + sla, state: r.state });
  }
  for (const { taskId, deadlineMs } of input.deadlines) {
    const rows = await tx
      .selectFrom("dag_runs as r")
      .innerJoin("task_instances as ti", "ti.run_id", "r.run_id")
      .select(["r.run_id", "r.data_interval_end", "ti.state"])
      .where("r.dag_id", "=", input.dagId)
      .where("r.run_type", "=", "scheduled")
      .where("ti.task_id", "=", taskId)
      .where("r.data_interval_end", "<=", now - deadlineMs)
      .where("r.data_interval_end", ">", now - deadlineMs - SLA_LOOKBACK_MS)
      .where((eb) =>
        eb.or([eb("ti.state", "not in", stateLiterals(["success", "skipped"])), eb("ti.ended_at", ">", sql<number>`r.data_interval_end + ${deadlineMs}`)]),
      )
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom("sla_misses as m").select("m.id").whereRef("m.run_id", "=", "r.run_id").where("m.task_id", "=", taskId))),
      )
      .orderBy("r.run_id")
      .limit(1_000)
      .execute();
    const seen = new Set<string>();
    for (const r of rows) {
      // A mapped task has several instances: one miss per run.
      if (seen.has(r.run_id)) continue;
      seen.add(r.run_id);
      found.push({ runId: r.run_id, taskId, deadlineAt: Number(r.data_interval_end) + deadlineMs, state: r.state });
    }
  }
  const recorded: SlaMissRecord[] = [];
  for (const miss of found) {
    // The unique key (run, task) keeps a miss single even when two schedulers find it at once.
    const row = await tx
      .insertInto("sla_misses")
      .values({
        dag_id: input.dagId,
        run_id: miss.runId,
        task_id: miss.taskId,
        deadline_at: miss.deadlineAt,
        detected_at: now,
        state_at_detection: miss.state,
        alert_id: null,
      })
      .onConflict((oc) => oc.columns(["run_id", "task_id"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) recorded.push(slaMissFromRow(row));
  }
  return recorded;
}

/** Where each kind of alert source lives; each has an `alert_id` (null until its alert is raised). */
const SOURCE_TABLES = { dead_letter: "dead_letters", sla_miss: "sla_misses", approval: "approval_requests" } as const;

/**
 * Opens an alert for a source (or counts it on the open alert with the same dedup key) and marks
 * the source handled. Resolves to `undefined` when another process handled the source first.
 */
export async function raiseAlert(tx: Tx, input: RaiseAlertInput): Promise<RaiseAlertResult | undefined> {
  const table = SOURCE_TABLES[input.source.kind];
  // Claim the source first (0 = being handled): the conditional update lets only one process through.
  const claimed = await tx
    .updateTable(table)
    .set({ alert_id: 0 })
    .where("id", "=", input.source.id)
    .where("alert_id", "is", null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) return undefined;

  const now = input.now.getTime();
  const existing = await tx.selectFrom("alerts").selectAll().where("open_key", "=", input.dedupKey).executeTakeFirst();
  let alertId: number;
  let created: boolean;
  if (existing) {
    alertId = Number(existing.id);
    created = false;
    await tx
      .updateTable("alerts")
      .set((eb) => ({ occurrences: eb("occurrences", "+", 1), last_seen_at: now, last_run_id: input.runId, last_task_instance_id: input.taskInstanceId }))
      .where("id", "=", alertId)
      .execute();
  } else {
    const row = await tx
      .insertInto("alerts")
      .values({
        kind: input.source.kind,
        open_key: input.dedupKey,
        dedup_key: input.dedupKey,
        dag_id: input.dagId,
        run_id: input.runId,
        task_id: input.taskId,
        map_index: input.mapIndex,
        task_instance_id: input.taskInstanceId,
        title: input.title,
        details: input.details,
        state: "open",
        created_at: now,
        last_seen_at: now,
        last_run_id: input.runId,
        last_task_instance_id: input.taskInstanceId,
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
        resolved_by: null,
        ticket_key: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    alertId = Number(row.id);
    created = true;
    if (input.deliveries.length > 0) {
      await tx
        .insertInto("alert_deliveries")
        .values(
          input.deliveries.map((d) => ({
            alert_id: alertId,
            step: d.step,
            channel: d.channel,
            event: d.event,
            state: "pending",
            due_at: d.dueAt.getTime(),
            claimed_by: null,
            lease_until: null,
            last_error: null,
            sent_at: null,
            created_at: now,
          })),
        )
        .execute();
    }
  }
  await tx.updateTable(table).set({ alert_id: alertId }).where("id", "=", input.source.id).execute();
  return { alert: await getAlertOrThrow(tx, alertId), created };
}

/**
 * Claims up to `limit` deliveries that are due (or whose sender's lease ran out: it died while
 * sending). Each claim bumps `attempts`, which the sender passes back as its claim token.
 */
export async function claimDueDeliveries(
  tx: Tx,
  input: { claimer: string; now: Date; limit: number; leaseMs: number },
  rowLocks: RowLocks,
): Promise<ClaimedDelivery[]> {
  const now = input.now.getTime();
  const query = tx
    .selectFrom("alert_deliveries")
    .select("id")
    .where((eb) =>
      eb.or([
        eb.and([eb("state", "=", "pending"), eb("due_at", "<=", now)]),
        eb.and([eb("state", "=", "sending"), eb("lease_until", "<", now)]),
      ]),
    )
    .orderBy("due_at")
    .orderBy("id")
    .limit(input.limit);
  const due = await (rowLocks ? query.forUpdate().skipLocked() : query).execute();
  if (due.length === 0) return [];
  const rows = await tx
    .updateTable("alert_deliveries")
    .set((eb) => ({ state: "sending", attempts: eb("attempts", "+", 1), claimed_by: input.claimer, lease_until: now + input.leaseMs }))
    .where("id", "in", due.map((r) => Number(r.id)))
    .returningAll()
    .execute();
  const alertIds = [...new Set(rows.map((r) => Number(r.alert_id)))];
  const alerts = await tx.selectFrom("alerts").selectAll().where("id", "in", alertIds).execute();
  const byId = new Map(alerts.map((a) => [Number(a.id), alertFromRow(a)]));
  return rows
    .sort((a, b) => Number(a.id) - Number(b.id))
    .flatMap((row) => {
      const alert = byId.get(Number(row.alert_id));
      return alert ? [{ delivery: deliveryFromRow(row), attempt: Number(row.attempts), alert }] : [];
    });
}

/** Records one attempt and its consequence; false when the claim was lost (another sender took over). */
export async function finishDelivery(tx: Tx, input: FinishDeliveryInput): Promise<boolean> {
  const now = input.now.getTime();
  const row = await tx.selectFrom("alert_deliveries").select(["alert_id"]).where("id", "=", input.deliveryId).executeTakeFirst();
  if (!row) throw new NotFoundError(`no alert delivery ${input.deliveryId}`);
  await tx
    .insertInto("alert_delivery_attempts")
    .values({
      delivery_id: input.deliveryId,
      alert_id: Number(row.alert_id),
      attempt: input.attempt,
      at: now,
      ok: input.ok ? 1 : 0,
      status: input.status,
      error: input.error,
      duration_ms: Math.round(input.durationMs),
    })
    .execute();
  const next = input.ok
    ? { state: "sent", sent_at: now, last_error: null, lease_until: null }
    : input.retryAt
      ? { state: "pending", due_at: input.retryAt.getTime(), last_error: input.error, lease_until: null }
      : { state: "failed", last_error: input.error, lease_until: null };
  const updated = await tx
    .updateTable("alert_deliveries")
    .set(next)
    .where("id", "=", input.deliveryId)
    .where("state", "=", "sending")
    .where("attempts", "=", input.attempt)
    .executeTakeFirst();
  if (input.ok && input.ticketKey !== undefined) {
    await tx.updateTable("alerts").set({ ticket_key: input.ticketKey }).where("id", "=", Number(row.alert_id)).execute();
  }
  return Number(updated.numUpdatedRows) > 0;
}
