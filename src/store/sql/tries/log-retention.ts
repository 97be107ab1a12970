/**
 * Task log retention: log lines go with their try once the try ended before the cutoff. Tries
 * still running (no end) keep theirs whatever their age.
 */
import type { Tx } from "../shared/tx.js";

export async function deleteTaskLogsBefore(tx: Tx, before: Date): Promise<number> {
  const result = await tx
    .deleteFrom("task_logs")
    .where("try_id", "in", (eb) => eb.selectFrom("task_tries").select("id").where("ended_at", "<", before.getTime()))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
