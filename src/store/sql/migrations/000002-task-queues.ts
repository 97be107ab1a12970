import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/** Worker queues: each task instance names the queue whose workers may run it. */
export const taskQueues = (_dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("task_instances").addColumn("queue", "text", (c) => c.notNull().defaultTo("default")).execute();
    await db.schema.createIndex("task_instances_claim_by_queue").on("task_instances").columns(["state", "queue", "priority"]).execute();
  },
});
