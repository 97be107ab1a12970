import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { chunks } from "../shared/transitions.js";
import { parseJson, UNMAPPED } from "../shared/rows.js";

/**
 * Elements of what a mapped task maps over (see Store.getMappedItems): the results of the task's
 * mapped instances at `indexes`, or, for an unmapped task, elements of its list result. The list
 * is read and parsed once for all the indexes asked together (a worker asks once per claim), not
 * once per element; and parsed again only when its text changed since the last ask (`lists`).
 */
export async function getMappedItems(
  db: Kysely<Database>,
  runId: string,
  taskId: string,
  indexes: readonly number[],
  lists: ParsedLists,
): Promise<Map<number, unknown>> {
  const items = new Map<number, unknown>();
  if (indexes.length === 0) return items;
  const wanted = [...new Set(indexes)];
  let list: unknown;
  let fromList = false;
  for (const batch of chunks(wanted, 500)) {
    const rows = await db
      .selectFrom("task_instances")
      .select(["map_index", "result"])
      .where("run_id", "=", runId)
      .where("task_id", "=", taskId)
      .where("map_index", "in", fromList ? batch : [UNMAPPED, ...batch])
      .execute();
    for (const row of rows) {
      if (row.map_index === UNMAPPED) {
        fromList = true;
        list = lists.parse(`${runId}\u0000${taskId}`, row.result);
      } else items.set(row.map_index, parseJson(row.result));
    }
  }
  if (Array.isArray(list)) {
    // Copies: a list parsed before is shared, and an inline task may change its item.
    for (const index of wanted) if (index >= 0 && index < list.length) items.set(index, structuredClone(list[index] as unknown));
  }
  return items;
}

/** How many lists a store keeps parsed: the fan-outs a worker drains at once. */
const KEPT_LISTS = 8;

/**
 * The list results of the last few tasks asked for (by run and task), kept parsed with their text.
 * A fan-out's worker asks for its list at every claim, a few hundred times for 10,000 instances,
 * and parsing it each time (a list of 10,000 small objects: 2.5 ms) cost more than the step.
 * The text is read each time and compared whole: a list cleared and run again is parsed again,
 * whatever the clock says.
 */
export class ParsedLists {
  readonly #lists = new Map<string, { readonly text: string; readonly value: unknown }>();

  parse(key: string, text: string | null): unknown {
    if (text === null) return null;
    const kept = this.#lists.get(key);
    // Read again, so that the map's order is the order of use (the oldest is dropped first).
    this.#lists.delete(key);
    const value = kept !== undefined && kept.text === text ? kept.value : parseJson(text);
    this.#lists.set(key, { text, value });
    if (this.#lists.size > KEPT_LISTS) this.#lists.delete(this.#lists.keys().next().value as string);
    return value;
  }
}
