import type { Selectable } from "kysely";
import { NotFoundError } from "../../../core/errors.js";
import type { DagGraph, TaskState } from "../../../core/types.js";
import type { DagRunRecord } from "../../contract/store.js";
import { runFromRow, UNMAPPED } from "../shared/rows.js";
import { insertTaskInstances } from "./create-run.js";
import { downstreamClosure, indexGraph, type GraphIndex } from "../../../core/graph-index.js";
import { chunks, moveRun, moveTasks, type InstanceRef } from "../shared/transitions.js";
import { lockRun, type RowLocks } from "../shared/locks.js";
import type { DagRunTable } from "../schema.js";
import type { Tx } from "../shared/tx.js";
import { versionAfterClear } from "./dag-versions.js";
import { deleteSteps } from "../steps/delete-steps.js";

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
  input: { runId: string; graph: DagGraph; onlyFailed: boolean; now: Date; source?: string },
  rowLocks: RowLocks,
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
    // In key order, whichever index the database reads: the history records them in this order.
    .orderBy("task_id")
    .orderBy("map_index")
    .execute();
  const all = rows.map((r) => ({ ...r, id: Number(r.id) }));
  // A task that is not in the DAG any more cannot run again: its instances stay as they are.
  const instances = all.filter((ti) => index.spec(ti.task_id) !== undefined);
  const terminal = instances.filter((ti) => ["success", "failed", "skipped", "upstream_failed"].includes(ti.state));
  let toClear = terminal;
  if (input.onlyFailed) {
    const failed = terminal.filter((ti) => UNSUCCESSFUL.includes(ti.state));
    if (failed.length === 0) return runFromRow(run);
    // Skipped instances downstream of a failure may run once it is fixed; others (a branch's
    // unchosen tasks, say) stay skipped.
    const downstream = downstreamClosure(index, failed.map((ti) => ti.task_id));
    toClear = [...failed, ...terminal.filter((ti) => ti.state === "skipped" && downstream.has(ti.task_id))];
  }
  await resetInstances(tx, instances, toClear, index, at);
  await reopenRun(tx, run, all, input.graph, input.source, at, input.onlyFailed ? "failed tasks cleared" : "cleared");
  const updated = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirstOrThrow();
  return runFromRow(updated);
}

/**
 * Sends the chosen terminal instances of a run back to `scheduled`, each with its retries again
 * (shared by clearing a whole run and clearing chosen tasks, clear-tasks.ts). Mapped tasks cleared
 * with the task they map over collapse back to one placeholder, to expand afresh over the new
 * list: their other instances are dropped. A mapped task cleared without it keeps its expansion:
 * only the cleared map indexes run again. Returns the instances now `scheduled`.
 */
export async function resetInstances(
  tx: Tx,
  instances: readonly InstanceRef[],
  toClear: readonly InstanceRef[],
  index: GraphIndex,
  at: number,
): Promise<InstanceRef[]> {
  const clearedTasks = new Set(toClear.map((ti) => ti.task_id));
  const collapsed = new Set(
    [...clearedTasks].filter((taskId) => {
      const over = index.spec(taskId)?.mapOver;
      return over !== undefined && clearedTasks.has(over);
    }),
  );
  const extra = instances.filter((ti) => ti.map_index > 0 && collapsed.has(ti.task_id));
  for (const batch of chunks(extra.map((ti) => ti.id), 500)) {
    await tx.deleteFrom("task_instances").where("id", "in", batch).execute();
  }
  await deleteSteps(tx, extra.map((ti) => ti.id));
  const chosen = new Set(toClear.map((ti) => ti.id));
  // A collapsed task's instance 0 becomes its placeholder, chosen or not.
  const firsts = instances.filter((ti) => ti.map_index === 0 && collapsed.has(ti.task_id));
  const survivors = [
    ...toClear.filter((ti) => !(ti.map_index > 0 && collapsed.has(ti.task_id))),
    ...firsts.filter((ti) => !chosen.has(ti.id) && ti.state !== "scheduled"),
  ];
  await moveTasks(tx, survivors, "scheduled", at, {
    ended_at: null,
    started_at: null,
    queued_at: null,
    next_retry_at: null,
    result: null,
    error: null,
    worker_id: null,
    // A sensor waits afresh: its timeout counts from its next first poke.
    wake_at: null,
    wait_reason: null,
    waiting_since: null,
    pokes: 0,
  }, "cleared");
  // A cleared instance runs all its steps again: a re-run, not a resume.
  await deleteSteps(tx, survivors.map((ti) => ti.id));
  // A cleared instance gets its tries again: as many more as a new one has (see complete-tries.ts).
  const byTries = new Map<number, number[]>();
  for (const ti of survivors) {
    const tries = (index.spec(ti.task_id)?.retry.retries ?? 0) + 1;
    byTries.set(tries, [...(byTries.get(tries) ?? []), ti.id]);
  }
  for (const [tries, ids] of byTries) {
    for (const batch of chunks(ids, 500)) {
      await tx
        .updateTable("task_instances")
        // Its free retries for lost tries start over too.
        .set((eb) => ({ max_tries: eb("try_number", "+", tries), lost_tries: 0 }))
        .where("id", "in", batch)
        .execute();
    }
  }
  if (firsts.length > 0) {
    await tx.updateTable("task_instances").set({ map_index: UNMAPPED }).where("id", "in", firsts.map((ti) => ti.id)).execute();
  }
  return survivors;
}

/**
 * A finished run with cleared instances goes back to `queued`, to be started again by the
 * scheduler (within the DAG's maxActiveRuns), which then judges every task afresh. Tasks new to
 * the DAG get an instance.
 */
export async function reopenRun(
  tx: Tx,
  run: Selectable<DagRunTable>,
  all: readonly InstanceRef[],
  graph: DagGraph,
  source: string | undefined,
  at: number,
  cleared: string,
): Promise<void> {
  // Tasks new to the DAG get an instance.
  const known = new Set(all.map((ti) => ti.task_id));
  const added = graph.tasks.filter((t) => !known.has(t.id));
  await insertTaskInstances(tx, { runId: run.run_id, dagId: run.dag_id }, added, at);
  // The run goes on with the DAG it was cleared with: record that version, and in the history which one it replaces.
  const version = await versionAfterClear(tx, run, graph, source, at);
  const reason = version === run.dag_version ? cleared : `${cleared}; runs with DAG version ${version} (was ${run.dag_version ?? "unversioned"})`;
  await moveRun(tx, run, "queued", at, { ended_at: null, dag_version: version }, reason);
}
