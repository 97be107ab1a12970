/**
 * Cancelling a DAG run (docs/architecture.md §3: "a cancelled run moves its unfinished instances to a terminal
 * state"), as Airflow does when a run is marked failed: a running instance fails (its open try is
 * closed as `cancelled`, and its worker learns from its next heartbeat that the try is no longer
 * its own and stops it); instances that have not started (scheduled, queued, waiting for a retry)
 * are skipped, since they never ran. No dead letters: nothing failed on its own, an operator stopped
 * it. The run itself fails with reason "cancelled".
 */
import { ConflictError, NotFoundError } from "../../../core/errors.js";
import { isTerminalRunState } from "../../../core/state-machine.js";
import type { DagGraph, RunState } from "../../../core/types.js";
import type { DagRunRecord } from "../../contract/store.js";
import { lockRun, type RowLocks } from "../shared/locks.js";
import { runFromRow } from "../shared/rows.js";
import { moveRun, moveTasks } from "../shared/transitions.js";
import { closeOpenTries } from "../tries/close-tries.js";
import type { Tx } from "../shared/tx.js";
import { stateLiterals } from "../shared/state-literal.js";

export async function cancelRun(
  tx: Tx,
  input: { runId: string; graph: DagGraph; now: Date; reason?: string },
  rowLocks: RowLocks,
): Promise<DagRunRecord> {
  const at = input.now.getTime();
  await lockRun(tx, input.runId, rowLocks);
  const run = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`DAG run ${input.runId} not found`, { field: "runId" });
  if (isTerminalRunState(run.state)) {
    throw new ConflictError(`DAG run ${input.runId} has already finished (${run.state}): there is nothing to cancel`, { dagId: run.dag_id });
  }
  const reason = input.reason === undefined || input.reason === "" ? "cancelled" : `cancelled: ${input.reason}`;
  await stopUnfinishedRun(tx, run, reason, at, rowLocks);
  const updated = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", input.runId).executeTakeFirstOrThrow();
  return runFromRow(updated);
}

/**
 * Fails an unfinished run (locked by the caller) with `reason`: its running instances fail, with
 * their open tries closed as `cancelled`; the ones that have not started are skipped.
 */
export async function stopUnfinishedRun(
  tx: Tx,
  run: { readonly run_id: string; readonly dag_id: string; readonly state: RunState },
  reason: string,
  at: number,
  rowLocks: RowLocks,
): Promise<void> {
  const query = tx
    .selectFrom("task_instances")
    .select(["id", "run_id", "dag_id", "task_id", "map_index", "state"])
    .where("run_id", "=", run.run_id)
    .where("state", "in", stateLiterals(["scheduled", "queued", "running", "deferred", "retrying"]))
    // In key order, whichever index the database reads: the history records them in this order.
    .orderBy("task_id")
    .orderBy("map_index");
  // Row locks keep a worker from claiming a queued instance between our read and our write.
  const rows = await (rowLocks ? query.forUpdate() : query).execute();
  const unfinished = rows.map((r) => ({ ...r, id: Number(r.id) }));
  // A deferred sensor has started (its try is open between pokes): it fails like a running one.
  const started = unfinished.filter((ti) => ti.state === "running" || ti.state === "deferred");
  // (A woken wait, queued, has an open try too: every open try of the run is closed.)
  await closeOpenTries(tx, unfinished, { outcome: "failed", error: reason, errorKind: "cancelled" }, at);
  const ended = { ended_at: at, worker_id: null, wake_at: null, wait_reason: null };
  await moveTasks(tx, started, "failed", at, { ...ended, error: reason }, reason);
  await moveTasks(tx, unfinished.filter((ti) => !started.includes(ti)), "skipped", at, { ...ended, next_retry_at: null }, reason);
  await moveRun(tx, run, "failed", at, { ended_at: at }, reason);
}
