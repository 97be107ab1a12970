/**
 * The claim of woken waits (a sensor's next poke): each instance goes back to `running` for this
 * worker and goes on with its open try, which keeps its number and start (docs/sensors.md: pokes
 * are not tries). Called by the claim (sql/tries/claim.ts) for the queued instances it took that
 * carry a wait reason; like the rest of the claim, a fixed number of statements however many
 * wake, and each move conditional on the row's state.
 */
import { sql, type Selectable } from "kysely";
import { WAIT_RESUMED_REASON } from "../../../core/sensor-wait.js";
import type { TaskInstanceTable } from "../schema.js";
import { instanceFromRow } from "../shared/rows.js";
import { chunks, moveTasksEach } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";
import type { TaskInstanceRecord } from "../../contract/store.js";

export interface ResumedWait {
  readonly instance: TaskInstanceRecord;
  readonly tryId: number;
  readonly tryNumber: number;
  readonly resumed: true;
}

/**
 * Resumes the open tries of `rows`, keyed by instance id. An instance whose open try is gone is
 * left out, its wait reason cleared: the claim then starts a new try for it as usual.
 */
export async function resumeWaits(
  tx: Tx,
  rows: readonly Selectable<TaskInstanceTable>[],
  workerId: string,
  at: number,
): Promise<Map<number, ResumedWait>> {
  const resumed = new Map<number, ResumedWait>();
  if (rows.length === 0) return resumed;
  const tryIds = new Map<number, number>();
  for (const batch of chunks(rows, 500)) {
    // Each instance's open try has the instance's current try number.
    const tryNumber = sql<number>`case ${sql.ref("task_instance_id")} ${sql.join(
      batch.map((row) => sql`when ${Number(row.id)} then cast(${row.try_number} as integer)`),
      sql` `,
    )} end`;
    const open = await tx
      .updateTable("task_tries")
      .set({ worker_id: workerId })
      .where("task_instance_id", "in", batch.map((row) => Number(row.id)))
      .where("try_number", "=", tryNumber)
      .where("outcome", "=", "running")
      .returning(["id", "task_instance_id"])
      .execute();
    for (const row of open) tryIds.set(Number(row.task_instance_id), Number(row.id));
  }
  const gone = rows.filter((row) => !tryIds.has(Number(row.id))).map((row) => Number(row.id));
  for (const batch of chunks(gone, 500)) {
    await tx.updateTable("task_instances").set({ wait_reason: null, wake_at: null }).where("id", "in", batch).execute();
  }
  const moves = rows
    .filter((row) => tryIds.has(Number(row.id)))
    .map((row) => {
      // A poke never appears to start before the wait was woken (clocks of other machines differ).
      const heartbeat = Math.max(at, Number(row.queued_at ?? 0));
      return { row, heartbeat };
    });
  await moveTasksEach(
    tx,
    moves.map(({ row, heartbeat }) => ({
      instance: { ...row, id: Number(row.id) },
      at: heartbeat,
      fields: { worker_id: workerId, heartbeat_at: heartbeat, wait_reason: null, wake_at: null },
    })),
    "running",
    WAIT_RESUMED_REASON,
  );
  for (const { row, heartbeat } of moves) {
    const id = Number(row.id);
    resumed.set(id, {
      instance: instanceFromRow({ ...row, state: "running", worker_id: workerId, heartbeat_at: heartbeat, wait_reason: null, wake_at: null }),
      tryId: tryIds.get(id) as number,
      tryNumber: row.try_number,
      resumed: true,
    });
  }
  return resumed;
}
