import type { Tx } from "../shared/tx.js";
import { chunks } from "../shared/transitions.js";

/**
 * Forgets the completed steps of task instances that start afresh (a clear, a dropped mapped
 * instance): their next try runs every step again instead of replaying the old results.
 */
export async function deleteSteps(tx: Tx, taskInstanceIds: readonly number[]): Promise<void> {
  for (const batch of chunks(taskInstanceIds, 500)) {
    await tx.deleteFrom("task_steps").where("task_instance_id", "in", batch).execute();
  }
}
