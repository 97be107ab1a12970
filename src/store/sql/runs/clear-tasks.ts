/**
 * Airflow's "clear" of chosen tasks of a run (and, optionally, of everything downstream of them):
 * their finished instances go back to `scheduled` with their retries again, through the same code
 * that clears a whole run (clear-run.ts). A finished run goes back to `queued`, and the scheduler
 * starts it again; in a running run, the cleared instances whose upstream tasks are done are
 * queued at once. Instances that are scheduled already are left as they are (they will run); an
 * instance in progress (queued, running, deferred, waiting for a retry) makes the whole clear a conflict,
 * since clearing it would mean stopping a try: cancel or mark it first, or wait for it.
 */
import { ConflictError, InvalidInputError, NotFoundError } from "../../../core/errors.js";
import { isTerminalRunState, isTerminalTaskState } from "../../../core/state-machine.js";
import type { DagGraph } from "../../../core/types.js";
import type { DagRunRecord } from "../../contract/store.js";
import { advanceRun, closeRunIfDone } from "./advance.js";
import { reopenRun, resetInstances } from "./clear-run.js";
import { downstreamClosure, indexGraph } from "../../../core/graph-index.js";
import { lockRun, type RowLocks } from "../shared/locks.js";
import { fromMapIndex, runFromRow, toMapIndex } from "../shared/rows.js";
import type { Tx } from "../shared/tx.js";

export interface ClearTasksInput {
  readonly runId: string;
  readonly taskIds: readonly string[];
  /** Only this map index of the chosen tasks (`null`: their unmapped instance); all when omitted. */
  readonly mapIndex?: number | null;
  /** Also clear every task downstream of the chosen ones (all their instances). */
  readonly downstream: boolean;
  readonly graph: DagGraph;
  /** The DAG file's source with the graph: the version the run is recorded to run with. */
  readonly source?: string;
  readonly now: Date;
}

const IN_PROGRESS: ReadonlySet<string> = new Set(["queued", "running", "deferred", "retrying"]);

export async function clearTaskInstances(
  tx: Tx,
  input: ClearTasksInput,
  rowLocks: RowLocks,
): Promise<{ run: DagRunRecord; cleared: number }> {
  if (!Array.isArray(input.taskIds) || input.taskIds.length === 0 || input.taskIds.some((id) => typeof id !== "string" || id === "")) {
    throw new InvalidInputError("taskIds must list at least one task id", { field: "taskIds" });
  }
  const mapIndex = input.mapIndex;
  if (mapIndex !== undefined && mapIndex !== null && !(Number.isInteger(mapIndex) && mapIndex >= 0)) {
    throw new InvalidInputError(`mapIndex must be a whole number from 0, or null; got ${String(mapIndex)}`, { field: "mapIndex" });
  }
  const at = input.now.getTime();
  await lockRun(tx, input.runId, rowLocks);
  const run = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`DAG run ${input.runId} not found`, { field: "runId" });
  const index = indexGraph(input.graph);
  const query = tx
    .selectFrom("task_instances")
    .select(["id", "run_id", "dag_id", "task_id", "map_index", "state"])
    .where("run_id", "=", input.runId)
    // In key order, whichever index the database reads: the history records them in this order.
    .orderBy("task_id")
    .orderBy("map_index");
  const rows = await (rowLocks ? query.forUpdate() : query).execute();
  const all = rows.map((r) => ({ ...r, id: Number(r.id) }));
  // A task that is not in the DAG any more cannot run again: its instances stay as they are.
  const instances = all.filter((ti) => index.spec(ti.task_id) !== undefined);

  const chosenTasks = new Set(input.taskIds);
  const chosen = instances.filter((ti) => chosenTasks.has(ti.task_id) && (mapIndex === undefined || ti.map_index === fromMapIndex(mapIndex)));
  for (const taskId of chosenTasks) {
    if (chosen.some((ti) => ti.task_id === taskId)) continue;
    const where = { dagId: run.dag_id, taskId };
    if (index.spec(taskId) === undefined) throw new NotFoundError(`DAG "${run.dag_id}" has no task "${taskId}"`, { ...where, field: "taskIds" });
    if (mapIndex !== undefined) {
      throw new NotFoundError(`task "${taskId}" has no instance with map index ${String(mapIndex)} in DAG run ${input.runId}`, { ...where, field: "mapIndex" });
    }
    throw new NotFoundError(`task "${taskId}" has no instance in DAG run ${input.runId}`, { ...where, field: "taskIds" });
  }
  const downstream = input.downstream ? downstreamClosure(index, chosenTasks) : new Set<string>();
  const selected = [...chosen, ...instances.filter((ti) => downstream.has(ti.task_id) && !chosen.includes(ti))];

  const busy = selected.find((ti) => IN_PROGRESS.has(ti.state));
  if (busy) {
    const name = toMapIndex(busy.map_index) === null ? busy.task_id : `${busy.task_id}[${busy.map_index}]`;
    throw new ConflictError(
      `task instance "${name}" of DAG run ${input.runId} is ${busy.state}: wait for it to finish, or mark it, before clearing it`,
      { dagId: run.dag_id, taskId: busy.task_id },
    );
  }
  const toClear = selected.filter((ti) => isTerminalTaskState(ti.state));
  if (toClear.length === 0) return { run: runFromRow(run), cleared: 0 };

  const scheduled = await resetInstances(tx, instances, toClear, index, at);
  if (isTerminalRunState(run.state)) {
    await reopenRun(tx, run, all, input.graph, input.source, at, "tasks cleared");
  } else if (run.state === "running") {
    // The run goes on: the cleared instances whose upstream tasks are done are queued now.
    const taskIds = [...new Set(scheduled.map((ti) => ti.task_id))];
    await advanceRun(tx, input.runId, input.graph, [], at, { evaluate: taskIds });
    await closeRunIfDone(tx, input.runId, input.graph, at);
  }
  // A queued run judges every task when the scheduler starts it.
  const updated = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirstOrThrow();
  return { run: runFromRow(updated), cleared: toClear.length };
}
