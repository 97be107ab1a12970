/**
 * Read-only queries for alerting and metrics: alerts, deliveries and their attempts, SLA misses,
 * sources that still need an alert, and the counts `/metrics` reports. No transaction needed.
 */
import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import type {
  AlertDeliveryRecord,
  AlertRecord,
  AlertSource,
  AlertState,
  DeliveryAttemptRecord,
  MetricsSnapshot,
  SlaMissRecord,
} from "../../contract/alert-records.js";
import { alertFromRow, attemptFromRow, deliveryFromRow, slaMissFromRow } from "./alert-rows.js";
import { toDate, toMapIndex } from "../shared/rows.js";
import { stateLiteral } from "../shared/state-literal.js";

type Db = Kysely<Database>;

export async function listAlerts(db: Db, filter: { states?: readonly AlertState[]; dagId?: string; limit?: number }): Promise<AlertRecord[]> {
  let query = db.selectFrom("alerts").selectAll();
  if (filter.states !== undefined && filter.states.length > 0) query = query.where("state", "in", filter.states);
  if (filter.dagId !== undefined) query = query.where("dag_id", "=", filter.dagId);
  const rows = await query.orderBy("id", "desc").limit(filter.limit ?? 100).execute();
  return rows.map(alertFromRow);
}

export async function getAlert(db: Db, id: number): Promise<AlertRecord | undefined> {
  const row = await db.selectFrom("alerts").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? alertFromRow(row) : undefined;
}

export async function listAlertDeliveries(db: Db, alertId: number): Promise<AlertDeliveryRecord[]> {
  const rows = await db.selectFrom("alert_deliveries").selectAll().where("alert_id", "=", alertId).orderBy("id").execute();
  return rows.map(deliveryFromRow);
}

export async function listDeliveryAttempts(db: Db, alertId: number): Promise<DeliveryAttemptRecord[]> {
  const rows = await db.selectFrom("alert_delivery_attempts").selectAll().where("alert_id", "=", alertId).orderBy("id").execute();
  return rows.map(attemptFromRow);
}

export async function listSlaMisses(db: Db, filter: { dagId?: string; runId?: string; limit?: number }): Promise<SlaMissRecord[]> {
  let query = db.selectFrom("sla_misses").selectAll();
  if (filter.dagId !== undefined) query = query.where("dag_id", "=", filter.dagId);
  if (filter.runId !== undefined) query = query.where("run_id", "=", filter.runId);
  const rows = await query.orderBy("id", "desc").limit(filter.limit ?? 100).execute();
  return rows.map(slaMissFromRow);
}

/** The earliest time a pending delivery is due, so a dispatcher can sleep until then. */
export async function nextDeliveryAt(db: Db): Promise<Date | undefined> {
  const row = await db
    .selectFrom("alert_deliveries")
    .select((eb) => eb.fn.min("due_at").as("next"))
    .where("state", "=", "pending")
    .executeTakeFirst();
  return row?.next === null || row?.next === undefined ? undefined : toDate(row.next);
}

/** Dead letters and SLA misses that no alert was raised for yet, oldest first. */
export async function listAlertSources(db: Db, limit: number): Promise<AlertSource[]> {
  const dead = await db
    .selectFrom("dead_letters")
    .selectAll()
    .where("alert_id", "is", null)
    .where("resolved_at", "is", null)
    .orderBy("id")
    .limit(limit)
    .execute();
  const misses = await db.selectFrom("sla_misses").selectAll().where("alert_id", "is", null).orderBy("id").limit(limit).execute();
  // Only requests whose approval still waits for that answer (a wait that ended is not news).
  const asked = await db
    .selectFrom("approval_requests as r")
    .innerJoin("task_instances as ti", "ti.id", "r.task_instance_id")
    .selectAll("r")
    .where("r.alert_id", "is", null)
    .where("ti.state", "=", stateLiteral("deferred"))
    .where("ti.wait_reason", "=", "approval")
    .whereRef("ti.try_number", "=", "r.try_number")
    .orderBy("r.id")
    .limit(limit)
    .execute();
  const sources: AlertSource[] = [
    ...asked.map(
      (r): AlertSource => ({
        kind: "approval",
        sourceId: Number(r.id),
        dagId: r.dag_id,
        runId: r.run_id,
        taskId: r.task_id,
        mapIndex: toMapIndex(r.map_index),
        taskInstanceId: Number(r.task_instance_id),
        deadlineAt: toDate(r.deadline_at),
        at: toDate(r.requested_at),
      }),
    ),
    ...dead.map(
      (r): AlertSource => ({
        kind: "dead_letter",
        sourceId: Number(r.id),
        dagId: r.dag_id,
        runId: r.run_id,
        taskId: r.task_id,
        mapIndex: toMapIndex(r.map_index),
        taskInstanceId: Number(r.task_instance_id),
        tryNumber: r.try_number,
        error: r.error,
        at: toDate(r.created_at),
      }),
    ),
    ...misses.map(slaMissFromRow).map(
      (m): AlertSource => ({
        kind: "sla_miss",
        sourceId: m.id,
        dagId: m.dagId,
        runId: m.runId,
        taskId: m.taskId,
        deadlineAt: m.deadlineAt,
        stateAtDetection: m.stateAtDetection,
        at: m.detectedAt,
      }),
    ),
  ];
  return sources.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export async function metricsSnapshot(db: Db): Promise<MetricsSnapshot> {
  const count = (value: number | string | bigint): number => Number(value);
  const [runs, instances, retries, zombies, dead, misses, alerts, datasets, running] = await Promise.all([
    db.selectFrom("dag_runs").select(["dag_id", "state"]).select((eb) => eb.fn.countAll().as("n")).groupBy(["dag_id", "state"]).execute(),
    db
      .selectFrom("task_instances")
      .select(["dag_id", "state"])
      .select((eb) => eb.fn.countAll().as("n"))
      .groupBy(["dag_id", "state"])
      .execute(),
    db
      .selectFrom("task_tries as t")
      .innerJoin("task_instances as ti", "ti.id", "t.task_instance_id")
      .select(["ti.dag_id", "ti.task_id"])
      .select((eb) => eb.fn.countAll().as("n"))
      .where("t.try_number", ">", 1)
      .groupBy(["ti.dag_id", "ti.task_id"])
      .execute(),
    db
      .selectFrom("task_tries as t")
      .innerJoin("task_instances as ti", "ti.id", "t.task_instance_id")
      .select(["ti.dag_id"])
      .select((eb) => eb.fn.countAll().as("n"))
      .where("t.error_kind", "=", "zombie")
      .groupBy(["ti.dag_id"])
      .execute(),
    db
      .selectFrom("dead_letters")
      .select(["dag_id"])
      .select((eb) => eb.fn.countAll().as("n"))
      .where("resolved_at", "is", null)
      .groupBy("dag_id")
      .execute(),
    db.selectFrom("sla_misses").select(["dag_id"]).select((eb) => eb.fn.countAll().as("n")).groupBy("dag_id").execute(),
    db.selectFrom("alerts").select(["state"]).select((eb) => eb.fn.countAll().as("n")).groupBy("state").execute(),
    db.selectFrom("dataset_events").select(["dataset_uri"]).select((eb) => eb.fn.max("at").as("last")).groupBy("dataset_uri").execute(),
    db
      .selectFrom("task_instances")
      .select(["worker_id"])
      .select((eb) => eb.fn.countAll().as("n"))
      .where("state", "=", stateLiteral("running"))
      .where("worker_id", "is not", null)
      .groupBy("worker_id")
      .execute(),
  ]);
  return {
    runs: runs.map((r) => ({ dagId: r.dag_id, state: r.state, count: count(r.n) })),
    taskInstances: instances.map((r) => ({ dagId: r.dag_id, state: r.state, count: count(r.n) })),
    retries: retries.map((r) => ({ dagId: r.dag_id, taskId: r.task_id, count: count(r.n) })),
    zombies: zombies.map((r) => ({ dagId: r.dag_id, count: count(r.n) })),
    deadLettersOpen: dead.map((r) => ({ dagId: r.dag_id, count: count(r.n) })),
    slaMisses: misses.map((r) => ({ dagId: r.dag_id, count: count(r.n) })),
    alerts: alerts.map((r) => ({ state: r.state, count: count(r.n) })),
    datasets: datasets.map((r) => ({ uri: r.dataset_uri, lastUpdate: toDate(r.last) })),
    runningByWorker: running.map((r) => ({ workerId: r.worker_id ?? "", count: count(r.n) })),
  };
}
