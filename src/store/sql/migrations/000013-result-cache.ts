import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Cached task results (the `cache` task option): one result per (DAG, task, key) with its expiry,
 * and on each try the key it computed and whether its result came from the cache.
 */
export const resultCache = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = dialect === "postgres" ? "bigint" : "integer";
    await db.schema
      .createTable("task_result_cache")
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("task_id", "text", (c) => c.notNull())
      .addColumn("cache_key", "text", (c) => c.notNull())
      .addColumn("result", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("stored_at", big, (c) => c.notNull())
      .addColumn("expires_at", big, (c) => c.notNull())
      .addPrimaryKeyConstraint("task_result_cache_pk", ["dag_id", "task_id", "cache_key"])
      .execute();
    await db.schema.alterTable("task_tries").addColumn("cache_key", "text").execute();
    await db.schema.alterTable("task_tries").addColumn("cached", "integer", (c) => c.notNull().defaultTo(0)).execute();
  },
});
