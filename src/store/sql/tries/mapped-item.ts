import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.js";
import { parseJson, UNMAPPED } from "../shared/rows.js";

/**
 * Element `index` of what a mapped task maps over (see Store.getMappedItem). For a list result the
 * database picks the element out of the stored JSON, so a mapped instance never reads and parses
 * the whole list: with n instances that would be O(n) each, O(n^2) for the run.
 */
export async function getMappedItem(db: Kysely<Database>, dialect: "sqlite" | "postgres", runId: string, taskId: string, index: number): Promise<unknown> {
  // `->` gives the element as JSON text on both (SQLite 3.38+; PostgreSQL's `json`, not `jsonb`,
  // keeps the element's text as stored, key order included).
  const element = dialect === "postgres" ? sql<string | null>`(result::json -> ${index}::int)::text` : sql<string | null>`result -> ${`$[${index}]`}`;
  const rows = await db
    .selectFrom("task_instances")
    .select(["map_index", "result", element.as("element")])
    .where("run_id", "=", runId)
    .where("task_id", "=", taskId)
    .where("map_index", "in", [UNMAPPED, index])
    .execute();
  const mapped = rows.find((row) => row.map_index === index);
  if (mapped) return parseJson(mapped.result);
  const unmapped = rows.find((row) => row.map_index === UNMAPPED);
  return unmapped?.element == null ? undefined : parseJson(unmapped.element);
}
