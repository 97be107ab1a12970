/**
 * Waking deferred task instances whose time has come (a sensor's next poke), inside a worker's
 * claim: only into the slots no queued task instance took, so pokes never crowd out queued work,
 * and only instances this worker could run. Due instances are locked with SKIP LOCKED and moved
 * conditionally on still being `deferred`, so two workers never wake the same one.
 */
import type { ClaimedTask, ClaimRequest } from "../../contract/store.js";
import type { RowLocks } from "../shared/locks.js";
import { moveTasks } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";
import { claimNextTasks, type LockWait } from "../tries/claim.js";
import { stateLiteral } from "../shared/state-literal.js";
import { wakeDagsOf } from "../shared/claim-dags.js";

/**
 * Claims as `claimNextTasks` does; free slots left over are filled with due deferred instances.
 * Without `wakeDagIds` (no DAG has sensors) this is exactly `claimNextTasks`.
 */
export async function claimWithWakeUps(tx: Tx, request: ClaimRequest, rowLocks: RowLocks, lockWait: LockWait): Promise<ClaimedTask[]> {
  const claimed = await claimNextTasks(tx, request, rowLocks, lockWait);
  const spare = request.limit - claimed.length;
  const dagIds = wakeDagsOf(request);
  // A worker serving no queue at all wakes nothing either (and `in ()` is no SQL for PostgreSQL).
  if (spare <= 0 || dagIds.length === 0 || request.queues?.length === 0) return claimed;
  const woken = await wakeDue(tx, { ...request, dagIds }, spare, rowLocks);
  if (woken === 0) return claimed;
  // Whatever was claimable was claimed above: this claim takes the woken instances (pools
  // permitting). Those it cannot take stay queued, and moveTasks has marked them for the
  // notification of other workers.
  return [...claimed, ...(await claimNextTasks(tx, { ...request, limit: spare }, rowLocks, lockWait))];
}

async function wakeDue(tx: Tx, request: ClaimRequest, limit: number, rowLocks: RowLocks): Promise<number> {
  const at = request.now.getTime();
  let query = tx
    .selectFrom("task_instances")
    .select(["id", "run_id", "dag_id", "task_id", "map_index", "state", "wait_reason"])
    .where("state", "=", stateLiteral("deferred"))
    .where("wake_at", "<=", at)
    .where("dag_id", "in", request.dagIds);
  if (request.queues !== undefined) query = query.where("queue", "in", request.queues);
  query = query.orderBy("wake_at").orderBy("id").limit(limit);
  // Another waker's rows are skipped, never waited for (PostgreSQL); the move below is
  // conditional on `deferred` as well.
  const rows = await (rowLocks ? query.forUpdate().skipLocked() : query).execute();
  const due = rows.map((row) => ({ ...row, id: Number(row.id) }));
  await moveTasks(tx, due, "queued", at, { queued_at: at, wake_at: null }, "woken: its next poke is due");
  // An event wait woken by its deadline is settled now, to null: the try replays it as timed out,
  // and an event delivered later finds no waiting step to change (deliver-event.ts).
  const timedOut = due.filter((row) => row.wait_reason === "event").map((row) => row.id);
  if (timedOut.length > 0) {
    await tx.updateTable("task_steps").set({ awaiting_event: null, result: "null" }).where("task_instance_id", "in", timedOut).where("awaiting_event", "is not", null).execute();
  }
  return due.length;
}
