import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * How many tries of a task instance were lost to infrastructure and retried without counting
 * against its retries since it was created or last cleared (core/lost-tries.ts), so that the
 * number of such free retries has a bound.
 */
export const lostTries = (_dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("task_instances").addColumn("lost_tries", "integer", (c) => c.notNull().defaultTo(0)).execute();
  },
});
