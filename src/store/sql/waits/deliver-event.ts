/**
 * Delivering an event to the tasks waiting for it (`ctx.waitForEvent`, docs/durable-steps.md):
 * each waiting `event` step of that name gets the payload as its result, and a task instance
 * waiting `deferred` on one is queued at once (its open try resumes and replays the step as
 * delivered). Only waits recorded (committed) before the delivery and still waiting are reached:
 * an event is not kept for a wait that starts later, and a wait whose deadline woke it was settled
 * to null by that wake-up (wake-due.ts), so a late event can no longer change what it replayed.
 * (No comparison with the wait's start: that time comes from another machine's clock.)
 *
 * The race with a try suspending at the same step (PostgreSQL, READ COMMITTED): the step is
 * recorded waiting, the event is delivered, and only then the try's completion records the
 * instance `deferred`. Both this transaction and the completion (sql/tries/complete-tries.ts) lock
 * the run rows of the instances first, in run id order, so they take turns on those runs. If the
 * delivery goes first, the completion's statements (each sees what committed before it started)
 * find the step delivered, and record-sleep.ts makes the instance due at once. If the completion
 * goes first, this transaction's statements after the lock find the instance `deferred` and
 * queue it. Either way the event wakes the try.
 */
import { TASK_STATES, type TaskState } from "../../../core/types.js";
import { isTerminalTaskState } from "../../../core/state-machine.js";
import type { DeliverEventInput } from "../../contract/steps.js";
import type { RowLocks } from "../shared/locks.js";
import { chunks, moveTasks } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";
import { stateLiteral, stateLiterals } from "../shared/state-literal.js";

const UNFINISHED: readonly TaskState[] = TASK_STATES.filter((state) => !isTerminalTaskState(state));

export async function deliverEvent(tx: Tx, input: DeliverEventInput, rowLocks: RowLocks): Promise<number> {
  const at = input.now.getTime();
  // The waiting steps of this event (partial index task_steps_awaiting_event), of unfinished instances.
  const found = await tx
    .selectFrom("task_steps")
    .innerJoin("task_instances", "task_instances.id", "task_steps.task_instance_id")
    .select(["task_steps.task_instance_id", "task_instances.run_id"])
    .where("task_steps.awaiting_event", "=", input.name)
    .where("task_steps.ended_at", ">", at)
    .where("task_instances.state", "in", stateLiterals(UNFINISHED))
    .execute();
  if (found.length === 0) return 0;
  if (rowLocks) {
    const runIds = [...new Set(found.map((row) => row.run_id))].sort();
    for (const batch of chunks(runIds, 500)) {
      await tx.selectFrom("dag_runs").select("run_id").where("run_id", "in", batch).orderBy("run_id").forUpdate().execute();
    }
  }
  const instanceIds = [...new Set(found.map((row) => Number(row.task_instance_id)))].sort((a, b) => a - b);
  const reached: number[] = [];
  for (const batch of chunks(instanceIds, 500)) {
    // Conditions checked again under the run locks: a step delivered or an instance finished meanwhile is left out.
    const updated = await tx
      .updateTable("task_steps")
      .set({ result: input.payloadJson, ended_at: at, awaiting_event: null })
      .where("task_instance_id", "in", (eb) => eb.selectFrom("task_instances").select("id").where("id", "in", batch).where("state", "in", stateLiterals(UNFINISHED)))
      .where("awaiting_event", "=", input.name)
      .where("ended_at", ">", at)
      .returning("task_instance_id")
      .execute();
    reached.push(...updated.map((row) => Number(row.task_instance_id)));
  }
  // The instances already suspended at their wait go back to the queue: their next claim resumes the open try.
  for (const batch of chunks([...new Set(reached)], 500)) {
    const query = tx
      .selectFrom("task_instances")
      .select(["id", "run_id", "dag_id", "task_id", "map_index", "state"])
      .where("id", "in", batch)
      .where("state", "=", stateLiteral("deferred"))
      .where("wait_reason", "=", "event");
    // Locked, so that a wake-up at the deadline taking the same rows (wake-due.ts) either goes
    // first (the row is no longer deferred when this re-reads it) or skips them.
    const suspended = await (rowLocks ? query.forUpdate() : query).execute();
    await moveTasks(
      tx,
      suspended.map((row) => ({ ...row, id: Number(row.id) })),
      "queued",
      at,
      { queued_at: at, wake_at: null },
      `event "${input.name}" delivered`,
    );
  }
  return reached.length;
}
