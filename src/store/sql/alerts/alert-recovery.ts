/**
 * Which unresolved alerts have recovered: their DAG/task succeeded after their latest occurrence.
 * Read without a transaction (the dispatcher asks on every pass, and most passes find nothing);
 * each recovered alert is then closed by a conditional update, so a stale answer is harmless.
 *
 * - dead letter: the task succeeded in a run with a later logical date, or the very task instance
 *   of the latest occurrence succeeded (retried by hand). A success in an earlier run (a backfill
 *   of old dates) says nothing about the problem.
 * - approval: its wait is over (answered or timed out: resolved then already, in the same
 *   transaction; marked, cancelled, cleared, or answered by default at the deadline: here).
 * - SLA miss: a later scheduled run (or, for a task deadline, its task) succeeded within the same
 *   SLA. A late success is not a recovery: it is recorded as one more miss.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.js";
import { stateLiteral, stateLiterals } from "../shared/state-literal.js";

type Db = Kysely<Database>;

export interface RecoveredAlert {
  readonly alertId: number;
  /** The run whose success resolved it. */
  readonly runId: string;
  /** Who resolved it, as recorded (`resolvedBy`). */
  readonly by: string;
}

interface Candidate {
  readonly id: number;
  readonly kind: string;
  readonly dagId: string;
  readonly taskId: string | null;
  readonly lastRunId: string;
  readonly lastTaskInstanceId: number | null;
}

export async function findRecoveredAlerts(db: Db, limit = 200): Promise<RecoveredAlert[]> {
  const rows = await db
    .selectFrom("alerts")
    .select(["id", "kind", "dag_id", "task_id", "last_run_id", "last_task_instance_id"])
    .where("state", "in", ["open", "acknowledged"])
    .where("last_run_id", "is not", null)
    .orderBy("id")
    .limit(limit)
    .execute();
  const found: RecoveredAlert[] = [];
  for (const row of rows) {
    const candidate: Candidate = {
      id: Number(row.id),
      kind: row.kind,
      dagId: row.dag_id,
      taskId: row.task_id,
      lastRunId: row.last_run_id ?? "",
      lastTaskInstanceId: row.last_task_instance_id === null ? null : Number(row.last_task_instance_id),
    };
    const subject = candidate.taskId === null ? candidate.dagId : `${candidate.dagId}.${candidate.taskId}`;
    if (candidate.kind === "approval") {
      const ended = await approvalEnded(db, candidate);
      if (ended !== undefined) found.push({ alertId: candidate.id, runId: ended, by: `tributary: the approval ${subject} of run ${ended} no longer waits` });
      continue;
    }
    const runId = candidate.kind === "dead_letter" ? await taskSucceededSince(db, candidate) : await slaMetSince(db, candidate);
    if (runId === undefined) continue;
    found.push({ alertId: candidate.id, runId, by: `tributary: ${subject} succeeded in run ${runId}` });
  }
  return found;
}

/** The run of an approval alert's request whose wait is over; undefined while it still waits. */
async function approvalEnded(db: Db, alert: Candidate): Promise<string | undefined> {
  const request = await db
    .selectFrom("approval_requests as r")
    .innerJoin("task_instances as ti", "ti.id", "r.task_instance_id")
    .select(["ti.state", "ti.wait_reason", "ti.try_number", "r.try_number as asked_try", "ti.run_id"])
    .where("r.alert_id", "=", alert.id)
    .executeTakeFirst();
  if (!request) return alert.lastRunId;
  const waiting = request.state === "deferred" && request.wait_reason === "approval" && request.try_number === request.asked_try;
  return waiting ? undefined : request.run_id;
}

async function taskSucceededSince(db: Db, alert: Candidate): Promise<string | undefined> {
  if (alert.taskId === null) return undefined;
  if (alert.lastTaskInstanceId !== null) {
    const retried = await db
      .selectFrom("task_instances")
      .select("run_id")
      .where("id", "=", alert.lastTaskInstanceId)
      .where("state", "=", stateLiteral("success"))
      .executeTakeFirst();
    if (retried) return retried.run_id;
  }
  const later = await db
    .selectFrom("dag_runs as r")
    .innerJoin("task_instances as ti", "ti.run_id", "r.run_id")
    .select("r.run_id")
    .where("r.dag_id", "=", alert.dagId)
    .where("r.logical_date", ">", (eb) => eb.selectFrom("dag_runs as last").select("last.logical_date").where("last.run_id", "=", alert.lastRunId))
    .where("ti.task_id", "=", alert.taskId)
    .where("ti.state", "=", stateLiteral("success"))
    .orderBy("r.logical_date")
    .limit(1)
    .executeTakeFirst();
  return later?.run_id;
}

async function slaMetSince(db: Db, alert: Candidate): Promise<string | undefined> {
  // The SLA (or deadline) as it was measured for the latest miss: its deadline minus its interval's end.
  const miss = await db
    .selectFrom("sla_misses as m")
    .innerJoin("dag_runs as r", "r.run_id", "m.run_id")
    .select(["m.deadline_at", "r.data_interval_end"])
    .where("m.run_id", "=", alert.lastRunId)
    .where("m.task_id", "=", alert.taskId ?? "")
    .executeTakeFirst();
  if (!miss) return undefined;
  const intervalEnd = Number(miss.data_interval_end);
  const slaMs = Number(miss.deadline_at) - intervalEnd;
  const deadline = sql<number>`r.data_interval_end + ${slaMs}`;
  const later = db
    .selectFrom("dag_runs as r")
    .select("r.run_id")
    .where("r.dag_id", "=", alert.dagId)
    .where("r.run_type", "=", "scheduled")
    .where("r.data_interval_end", ">", intervalEnd)
    .orderBy("r.data_interval_end")
    .limit(1);
  if (alert.taskId === null) {
    const run = await later.where("r.state", "=", "success").where("r.ended_at", "<=", deadline).executeTakeFirst();
    return run?.run_id;
  }
  const taskId = alert.taskId;
  // Every instance of the task (a mapped task has several) done in time, and at least one of them.
  const run = await later
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("task_instances as ti")
          .select("ti.id")
          .whereRef("ti.run_id", "=", "r.run_id")
          .where("ti.task_id", "=", taskId)
          .where("ti.state", "in", stateLiterals(["success", "skipped"])),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("task_instances as late")
            .select("late.id")
            .whereRef("late.run_id", "=", "r.run_id")
            .where("late.task_id", "=", taskId)
            .where((w) => w.or([w("late.state", "not in", stateLiterals(["success", "skipped"])), w("late.ended_at", ">", deadline)])),
        ),
      ),
    )
    .executeTakeFirst();
  return run?.run_id;
}
