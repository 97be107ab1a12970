/**
 * The claim of a woken wait (a sensor's next poke): the instance goes back to `running` for this
 * worker and goes on with its open try, which keeps its number and start (docs/sensors.md: pokes
 * are not tries). Called by the claim (sql/tries/claim.ts) for queued instances that carry a wait
 * reason; each move is conditional on the row's state, like every claim.
 */
import type { Selectable } from "kysely";
import { WAIT_RESUMED_REASON } from "../../../core/sensor-wait.js";
import type { TaskInstanceTable } from "../schema.js";
import { instanceFromRow } from "../shared/rows.js";
import { moveTask } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";
import type { TaskInstanceRecord } from "../../contract/store.js";

export interface ResumedWait {
  readonly instance: TaskInstanceRecord;
  readonly tryId: number;
  readonly tryNumber: number;
}

/** Resolves to undefined when the open try is gone (the instance then starts a new try as usual). */
export async function resumeWait(tx: Tx, row: Selectable<TaskInstanceTable>, workerId: string, at: number): Promise<ResumedWait | undefined> {
  const id = Number(row.id);
  const open = await tx
    .updateTable("task_tries")
    .set({ worker_id: workerId })
    .where("task_instance_id", "=", id)
    .where("try_number", "=", row.try_number)
    .where("outcome", "=", "running")
    .returning("id")
    .executeTakeFirst();
  if (open === undefined) {
    await tx.updateTable("task_instances").set({ wait_reason: null, wake_at: null }).where("id", "=", id).execute();
    return undefined;
  }
  // A poke never appears to start before the wait was woken (clocks of other machines differ).
  const heartbeat = Math.max(at, Number(row.queued_at ?? 0));
  await moveTask(tx, { ...row, id }, "running", heartbeat, { worker_id: workerId, heartbeat_at: heartbeat, wait_reason: null, wake_at: null }, WAIT_RESUMED_REASON);
  return {
    instance: instanceFromRow({ ...row, state: "running", worker_id: workerId, heartbeat_at: heartbeat, wait_reason: null, wake_at: null }),
    tryId: Number(open.id),
    tryNumber: row.try_number,
  };
}
