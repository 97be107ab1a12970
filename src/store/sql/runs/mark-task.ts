/**
 * Airflow's "mark success" / "mark failed": an operator sets a task instance's outcome, from any
 * state but the same one. What follows is what a completion with that outcome would cause,
 * except that nothing is retried or dead-lettered (the operator decided):
 * - a running instance's open try is closed as failed with error kind `cancelled` whichever way
 *   it is marked: the try itself did not finish, and the record of tries stays true to what ran.
 *   Its worker learns from its next heartbeat that the try is no longer its own, and stops it;
 * - downstream instances still waiting are judged again (queued, skipped or upstream_failed, by
 *   their trigger rules); instances that already ended stay as they are (clear them to re-run);
 * - marking success resolves the instance's open dead letter as "acknowledged";
 * - the run is closed again if it is done, re-opened first when the mark changes its outcome;
 *   marking a task of a run that has not started starts the run.
 */
import { ConflictError, InvalidInputError, NotFoundError } from "../../../core/errors.js";
import { isTerminalRunState, runStateFromTasks } from "../../../core/state-machine.js";
import type { DagGraph } from "../../../core/types.js";
import type { TaskInstanceRecord } from "../../contract/store.js";
import { advanceRun, closeRunIfDone } from "./advance.js";
import { closeOpenTries } from "../tries/close-tries.js";
import { startRun } from "./create-run.js";
import { indexGraph } from "../../../core/graph-index.js";
import { lockRun, lockTaskInstance, type RowLocks } from "../shared/locks.js";
import { instanceFromRow } from "../shared/rows.js";
import { moveRun, moveTask } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";

export interface MarkTaskInput {
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  readonly state: "success" | "failed";
  readonly graph: DagGraph;
  readonly now: Date;
}

export async function markTaskInstance(tx: Tx, input: MarkTaskInput, rowLocks: RowLocks): Promise<TaskInstanceRecord> {
  if (input.state !== "success" && input.state !== "failed") {
    throw new InvalidInputError(`a task instance can be marked "success" or "failed", not ${JSON.stringify(input.state)}`, { field: "state" });
  }
  if (input.mapIndex !== null && !(Number.isInteger(input.mapIndex) && input.mapIndex >= 0)) {
    throw new InvalidInputError(`mapIndex must be a whole number from 0, or null; got ${String(input.mapIndex)}`, { field: "mapIndex" });
  }
  const at = input.now.getTime();
  await lockRun(tx, input.runId, rowLocks);
  const run = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`DAG run ${input.runId} not found`, { field: "runId" });
  const row = await lockTaskInstance(tx, input, rowLocks);
  const name = input.mapIndex === null ? input.taskId : `${input.taskId}[${input.mapIndex}]`;
  if (!row) {
    throw new NotFoundError(`no task instance "${name}" in DAG run ${input.runId}`, {
      dagId: run.dag_id,
      taskId: input.taskId,
      field: input.mapIndex === null ? "taskId" : "mapIndex",
    });
  }
  if (row.state === input.state) {
    throw new ConflictError(`task instance "${name}" of DAG run ${input.runId} is already ${input.state}`, { dagId: run.dag_id, taskId: input.taskId });
  }
  const ti = { ...row, id: Number(row.id) };
  const reason = `marked ${input.state}`;
  // A running try, or a sensor's try open between pokes (deferred, or woken and queued).
  if (ti.state === "running" || ti.wait_reason !== null) {
    await closeOpenTries(tx, [ti], { outcome: "failed", error: `stopped: the task instance was ${reason}`, errorKind: "cancelled" }, at);
  }
  await moveTask(
    tx,
    ti,
    input.state,
    at,
    {
      ended_at: at,
      worker_id: null,
      next_retry_at: null,
      wake_at: null,
      wait_reason: null,
      error: input.state === "success" ? null : (ti.error ?? `${reason} by an operator`),
    },
    reason,
  );
  if (input.state === "success") {
    await tx
      .updateTable("dead_letters")
      .set({ resolved_at: at, resolution: "acknowledged" })
      .where("task_instance_id", "=", ti.id)
      .where("resolved_at", "is", null)
      .execute();
  }

  if (run.state === "queued") {
    // Its tasks are being decided: the run is under way (its root tasks are queued as usual).
    await startRun(tx, input.runId, input.graph, input.now, rowLocks);
  } else if (isTerminalRunState(run.state)) {
    const rows = await tx.selectFrom("task_instances").select(["task_id", "state"]).where("run_id", "=", input.runId).execute();
    const outcome = runStateFromTasks(rows.map((r) => ({ taskId: r.task_id, state: r.state })), indexGraph(input.graph).leaves);
    // Re-opened only to be closed again with its new outcome (the history shows both moves).
    if (outcome !== run.state) await moveRun(tx, run, "running", at, { ended_at: null }, `task "${name}" ${reason}`);
  }
  await advanceRun(tx, input.runId, input.graph, [input.taskId], at);
  await closeRunIfDone(tx, input.runId, input.graph, at);
  const updated = await tx.selectFrom("task_instances").selectAll().where("id", "=", ti.id).executeTakeFirstOrThrow();
  return instanceFromRow(updated);
}
