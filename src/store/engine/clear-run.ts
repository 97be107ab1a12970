import { NotFoundError } from "../../core/errors.js";
import type { DagGraph, TaskState } from "../../core/types.js";
import type { DagRunRecord } from "../store.js";
import { runFromRow, UNMAPPED } from "./rows.js";
import { insertTaskInstances } from "./create-run.js";
import { moveRun, moveTasks } from "./transitions.js";
import { lockRun, type RowLocks } from "./locks.js";
import type { Tx } from "./tx.js";

const UNSUCCESSFUL: readonly TaskState[] = ["failed", "upstream_failed"];

/**
 * Clears a finished DAG run so that it runs again (Airflow's "clear"): its task instances go back
 * to `scheduled` (all of them, or only the failed and upstream_failed ones and those skipped
 * because of them), mapped tasks collapse back to one placeholder to expand afresh, and the run
 * returns to `queued`, to be started again by the scheduler. Tries and history are kept.
 */
export async function clearRun(
  tx: Tx,
  input: { runId: string; graph: DagGraph; onlyFailed: boolean; now: Date },
  rowLocks: RowLocks = false,
): Promise<DagRunRecord> {
  const at = input.now.getTime();
  await lockRun(tx, input.runId, rowLocks);
  const run = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`DAG run ${input.runId} not found`);
  const rows = await tx
    .selectFrom("task_instances")
    .select(["id", "run_id", "dag_id", "task_id", "map_index", "state"])
    .where("run_id", "=", input.runId)
    .execute();
  const instances = rows.map((r) => ({ ...r, id: Number(r.id) }));
  const terminal = instances.filter((ti) => ["success", "failed", "skipped", "upstream_failed"].includes(ti.state));
  const toClear = input.onlyFailed ? terminal.filter((ti) => ti.state !== "success") : terminal;
  if (input.onlyFailed && !terminal.some((ti) => UNSUCCESSFUL.includes(ti.state as TaskState))) {
    return runFromRow(run);
  }
  // Mapped tasks being cleared: drop their expanded instances, keep one placeholder.
  const clearedTasks = new Set(toClear.map((ti) => ti.task_id));
  const mapped = instances.filter((ti) => ti.map_index !== UNMAPPED && clearedTasks.has(ti.task_id));
  const extra = mapped.filter((ti) => ti.map_index > 0);
  if (extra.length > 0) {
    await tx.deleteFrom("task_instances").where("id", "in", extra.map((ti) => ti.id)).execute();
  }
  const survivors = toClear.filter((ti) => !(ti.map_index > 0));
  await moveTasks(tx, survivors, "scheduled", at, {
    ended_at: null,
    started_at: null,
    queued_at: null,
    next_retry_at: null,
    result: null,
    error: null,
    worker_id: null,
  }, "cleared");
  const placeholders = survivors.filter((ti) => ti.map_index === 0);
  if (placeholders.length > 0) {
    await tx.updateTable("task_instances").set({ map_index: UNMAPPED }).where("id", "in", placeholders.map((ti) => ti.id)).execute();
  }
  // A task that is not in the DAG any more cannot run again; new tasks get an instance.
  const known = new Set(instances.map((ti) => ti.task_id));
  const added = input.graph.tasks.filter((t) => !known.has(t.id));
  await insertTaskInstances(tx, { runId: run.run_id, dagId: run.dag_id }, added, at);
  if (run.state === "success" || run.state === "failed") {
    await moveRun(tx, run, "queued", at, { ended_at: null }, input.onlyFailed ? "failed tasks cleared" : "cleared");
  }
  const updated = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirstOrThrow();
  return runFromRow(updated);
}
