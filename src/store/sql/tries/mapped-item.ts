import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { chunks } from "../shared/transitions.js";
import { parseJson, UNMAPPED } from "../shared/rows.js";

/**
 * Elements of what a mapped task maps over (see Store.getMappedItems): the results of the task's
 * mapped instances at `indexes`, or, for an unmapped task, elements of its list result. The list
 * is read and parsed once for all the indexes asked together (a worker asks once per claim), not
 * once per element.
 */
export async function getMappedItems(db: Kysely<Database>, runId: string, taskId: string, indexes: readonly number[]): Promise<Map<number, unknown>> {
  const items = new Map<number, unknown>();
  if (indexes.length === 0) return items;
  const wanted = [...new Set(indexes)];
  let list: unknown;
  for (const batch of chunks(wanted, 500)) {
    const rows = await db
      .selectFrom("task_instances")
      .select(["map_index", "result"])
      .where("run_id", "=", runId)
      .where("task_id", "=", taskId)
      .where("map_index", "in", list === undefined ? [UNMAPPED, ...batch] : batch)
      .execute();
    for (const row of rows) {
      if (row.map_index === UNMAPPED) list = parseJson(row.result);
      else items.set(row.map_index, parseJson(row.result));
    }
  }
  if (Array.isArray(list)) {
    for (const index of wanted) if (index >= 0 && index < list.length) items.set(index, list[index] as unknown);
  }
  return items;
}
