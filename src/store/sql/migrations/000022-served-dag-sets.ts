import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * The lists of DAGs workers serve, registered once per list (postgres/served-dag-sets.ts), so that
 * PostgreSQL's step function names a list by its key instead of taking every DAG's name in each
 * call's argument: a service's worker serves every DAG of its folder, and 3,000 names twice over
 * in every step cost 1.1 ms of a chain's step. A member row says whether the claim wakes that
 * DAG's due waits (`wakes`). SQLite's step runs in the worker's own process and reads the lists
 * where they are, so the tables are PostgreSQL's alone.
 */
export const servedDagSets = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    if (dialect !== "postgres") return;
    await db.schema
      .createTable("served_dag_sets")
      .addColumn("set_key", "text", (c) => c.primaryKey())
      // When a worker last registered it: lists no worker registered for a week are deleted.
      .addColumn("registered_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("served_dag_set_members")
      .addColumn("set_key", "text", (c) => c.notNull().references("served_dag_sets.set_key").onDelete("cascade"))
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("wakes", "boolean", (c) => c.notNull())
      .addPrimaryKeyConstraint("served_dag_set_members_pkey", ["set_key", "dag_id"])
      .execute();
  },
});
