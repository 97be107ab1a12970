import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { toDate } from "../shared/rows.js";
import { stateLiteral } from "../shared/state-literal.js";

/** The earliest wake-up among deferred instances of these DAGs (and queues): read in wake-up order from its index. */
export async function nextWakeAt(db: Kysely<Database>, filter: { dagIds: readonly string[]; queues?: readonly string[] }): Promise<Date | undefined> {
  if (filter.dagIds.length === 0 || filter.queues?.length === 0) return undefined;
  let query = db
    .selectFrom("task_instances")
    .select("wake_at")
    .where("state", "=", stateLiteral("deferred"))
    .where("wake_at", "is not", null)
    .where("dag_id", "in", filter.dagIds);
  if (filter.queues !== undefined) query = query.where("queue", "in", filter.queues);
  const row = await query.orderBy("wake_at").limit(1).executeTakeFirst();
  return row?.wake_at === null || row?.wake_at === undefined ? undefined : toDate(row.wake_at);
}
