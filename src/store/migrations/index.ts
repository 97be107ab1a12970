import type { Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";
import { initial } from "./000001-initial.js";
import { taskQueues } from "./000002-task-queues.js";

/**
 * The numbered migrations. Append a new entry (never edit or reorder existing ones) whenever the
 * schema changes; names sort in the order they run.
 */
export function migrationsFor(dialect: SqlDialectName): Record<string, Migration> {
  return {
    "000001_initial": initial(dialect),
    "000002_task_queues": taskQueues(dialect),
  };
}
