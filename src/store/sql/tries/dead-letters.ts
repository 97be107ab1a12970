import type { InstanceRef } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";

/** Records that a task instance failed for good (docs/architecture.md §3): an open dead-letter entry. */
export async function recordDeadLetter(
  tx: Tx,
  ti: InstanceRef,
  tryNumber: number,
  error: string | null,
  at: number,
): Promise<void> {
  await tx
    .insertInto("dead_letters")
    .values({
      task_instance_id: ti.id,
      run_id: ti.run_id,
      dag_id: ti.dag_id,
      task_id: ti.task_id,
      map_index: ti.map_index,
      try_number: tryNumber,
      error,
      created_at: at,
      resolved_at: null,
      resolution: null,
    })
    .execute();
}
