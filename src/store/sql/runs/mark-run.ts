/**
 * Airflow's "mark run success" / "mark run failed": an operator sets a whole DAG run's outcome.
 * - success: every task instance that is not `success` or `skipped` (a branch not taken stays
 *   skipped) becomes `success`, as if each were marked (sql/runs/mark-task.ts): a running try is
 *   closed as failed with error kind `cancelled`, open dead letters are acknowledged, nothing is
 *   retried; the run ends `success`.
 * - failed: an unfinished run stops as a cancelled one does (running instances fail, the others
 *   are skipped); a successful run is failed as it is, its task instances untouched (Airflow's
 *   behaviour: the operator says its output is not to be trusted).
 * A finished run that changes outcome is re-opened only to be closed again: the history shows
 * both moves. ConflictError when the run is in that state already.
 */
import { ConflictError, InvalidInputError, NotFoundError } from "../../../core/errors.js";
import { isTerminalRunState } from "../../../core/state-machine.js";
import type { DagRunRecord } from "../../contract/store.js";
import { stopUnfinishedRun } from "./cancel-run.js";
import { closeOpenTries } from "../tries/close-tries.js";
import { lockRun, type RowLocks } from "../shared/locks.js";
import { runFromRow } from "../shared/rows.js";
import { chunks, moveRun, moveTasks } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";
import { stateLiterals } from "../shared/state-literal.js";

export interface MarkRunInput {
  readonly runId: string;
  readonly state: "success" | "failed";
  readonly now: Date;
}

export async function markRun(tx: Tx, input: MarkRunInput, rowLocks: RowLocks): Promise<DagRunRecord> {
  if (input.state !== "success" && input.state !== "failed") {
    throw new InvalidInputError(`a DAG run can be marked "success" or "failed", not ${JSON.stringify(input.state)}`, { field: "state" });
  }
  const at = input.now.getTime();
  await lockRun(tx, input.runId, rowLocks);
  const run = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`DAG run ${input.runId} not found`, { field: "runId" });
  if (run.state === input.state) throw new ConflictError(`DAG run ${input.runId} is already ${input.state}`, { dagId: run.dag_id });
  const reason = `marked ${input.state}`;
  if (input.state === "failed") {
    if (isTerminalRunState(run.state)) {
      await moveRun(tx, run, "running", at, { ended_at: null }, reason);
      await moveRun(tx, { ...run, state: "running" }, "failed", at, { ended_at: at }, reason);
    } else {
      await stopUnfinishedRun(tx, run, reason, at, rowLocks);
    }
  } else {
    await markInstancesSuccess(tx, input.runId, reason, at, rowLocks);
    if (run.state !== "running") await moveRun(tx, run, "running", at, { ended_at: null, started_at: run.started_at ?? at }, reason);
    await moveRun(tx, { ...run, state: "running" }, "success", at, { ended_at: at }, reason);
  }
  const updated = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirstOrThrow();
  return runFromRow(updated);
}

async function markInstancesSuccess(tx: Tx, runId: string, reason: string, at: number, rowLocks: RowLocks): Promise<void> {
  const query = tx
    .selectFrom("task_instances")
    .select(["id", "run_id", "dag_id", "task_id", "map_index", "state"])
    .where("run_id", "=", runId)
    .where("state", "not in", stateLiterals(["success", "skipped"]))
    // In key order, whichever index the database reads: the history records them in this order.
    .orderBy("task_id")
    .orderBy("map_index");
  const rows = await (rowLocks ? query.forUpdate() : query).execute();
  const instances = rows.map((r) => ({ ...r, id: Number(r.id) }));
  // Running tries, and sensors' tries open between pokes: every open try is closed.
  await closeOpenTries(tx, instances, { outcome: "failed", error: "stopped: the run was marked success", errorKind: "cancelled" }, at);
  await moveTasks(tx, instances, "success", at, { ended_at: at, worker_id: null, next_retry_at: null, wake_at: null, wait_reason: null, error: null }, reason);
  for (const ids of chunks(instances.map((ti) => ti.id), 500)) {
    await tx.updateTable("dead_letters").set({ resolved_at: at, resolution: "acknowledged" }).where("task_instance_id", "in", ids).where("resolved_at", "is", null).execute();
  }
}
