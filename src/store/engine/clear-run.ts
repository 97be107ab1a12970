import { NotFoundError } from "../../core/errors.js";
import type { DagGraph, TaskState } from "../../core/types.js";
import type { DagRunRecord } from "../store.js";
import { runFromRow, UNMAPPED } from "./rows.js";
import { insertTaskInstances } from "./create-run.js";
import { indexGraph } from "./graph-index.js";
import { chunks, moveRun, moveTasks } from "./transitions.js";
import { lockRun, type RowLocks } from "./locks.js";
import type { Tx } from "./tx.js";

const UNSUCCESSFUL: readonly TaskState[] = ["failed", "upstream_failed"];

/**
 * Clears a finished DAG run so that it runs again (Airflow's "clear"): its task instances go back
 * to `scheduled` (all of them, or only the failed and upstream_failed ones and those skipped
 * because of them), each with its retries again; when all are cleared, mapped tasks collapse back
 * to one placeholder to expand afresh. The run returns to `queued`, to be started again by the
 * scheduler. Tries and history are kept. A run still in progress is left as it is.
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
  // Clearing part of a run still in progress would leave the cleared instances waiting for
  // upstream tasks that finished long ago: only a finished run is cleared.
  if (run.state !== "success" && run.state !== "failed") return runFromRow(run);
  const index = indexGraph(input.graph);
  const rows = await tx
    .selectFrom("task_instances")
    .select(["id", "run_id", "dag_id", "task_id", "map_index", "state"])
    .where("run_id", "=", input.runId)
    .execute();
  const all = rows.map((r) => ({ ...r, id: Number(r.id) }));
  // A task that is not in the DAG any more cannot run again: its instances stay as they are.
  const instances = all.filter((ti) => index.spec(ti.task_id) !== undefined);
  const terminal = instances.filter((ti) => ["success", "failed", "skipped", "upstream_failed"].includes(ti.state));
  let toClear = terminal;
  if (input.onlyFailed) {
    const failed = terminal.filter((ti) => UNSUCCESSFUL.includes(ti.state as TaskState));
    if (failed.length === 0) return runFromRow(run);
    // Skipped instances downstream of a failure may run once it is fixed; others (a branch's
    // unchosen tasks, say) stay skipped.
    const downstream = new Set<string>();
    const pending = failed.map((ti) => ti.task_id);
    for (let taskId = pending.pop(); taskId !== undefined; taskId = pending.pop()) {
      for (const next of index.downstream(taskId)) {
        if (!downstream.has(next)) {
          downstream.add(next);
          pending.push(next);
        }
      }
    }
    toClear = [...failed, ...terminal.filter((ti) => ti.state === "skipped" && downstream.has(ti.task_id))];
  }
  // Mapped tasks cleared with their upstream: drop their expanded instances, keep one placeholder
  // to expand afresh. Clearing only failed tasks keeps the list they map over, and so the expansion:
  // only the failed map indexes run again.
  const collapse = !input.onlyFailed;
  const clearedTasks = new Set(toClear.map((ti) => ti.task_id));
  const extra = collapse ? instances.filter((ti) => ti.map_index > 0 && clearedTasks.has(ti.task_id)) : [];
  if (extra.length > 0) {
    await tx.deleteFrom("task_instances").where("id", "in", extra.map((ti) => ti.id)).execute();
  }
  const survivors = collapse ? toClear.filter((ti) => !(ti.map_index > 0)) : toClear;
  await moveTasks(tx, survivors, "scheduled", at, {
    ended_at: null,
    started_at: null,
    queued_at: null,
    next_retry_at: null,
    result: null,
    error: null,
    worker_id: null,
  }, "cleared");
  // A cleared instance gets its tries again: as many more as a new one has (see complete-try.ts).
  const byTries = new Map<number, number[]>();
  for (const ti of survivors) {
    const tries = (index.spec(ti.task_id)?.retry.retries ?? 0) + 1;
    byTries.set(tries, [...(byTries.get(tries) ?? []), ti.id]);
  }
  for (const [tries, ids] of byTries) {
    for (const batch of chunks(ids, 500)) {
      await tx
        .updateTable("task_instances")
        .set((eb) => ({ max_tries: eb("try_number", "+", tries) }))
        .where("id", "in", batch)
        .execute();
    }
  }
  const placeholders = collapse ? survivors.filter((ti) => ti.map_index === 0) : [];
  if (placeholders.length > 0) {
    await tx.updateTable("task_instances").set({ map_index: UNMAPPED }).where("id", "in", placeholders.map((ti) => ti.id)).execute();
  }
  // Tasks new to the DAG get an instance.
  const known = new Set(all.map((ti) => ti.task_id));
  const added = input.graph.tasks.filter((t) => !known.has(t.id));
  await insertTaskInstances(tx, { runId: run.run_id, dagId: run.dag_id }, added, at);
  await moveRun(tx, run, "queued", at, { ended_at: null }, input.onlyFailed ? "failed tasks cleared" : "cleared");
  const updated = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirstOrThrow();
  return runFromRow(updated);
}
