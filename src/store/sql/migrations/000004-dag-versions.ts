import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * DAG versions: each run records the version of its DAG (a hash of structure and source), and each
 * version's graph and source are kept, so an old run's graph can be shown with tasks removed since.
 */
export const dagVersions = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = dialect === "postgres" ? "bigint" : "integer";
    await db.schema
      .createTable("dag_versions")
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("version", "text", (c) => c.notNull())
      .addColumn("graph", "text", (c) => c.notNull())
      .addColumn("source", "text")
      .addColumn("created_at", big, (c) => c.notNull())
      .addPrimaryKeyConstraint("dag_versions_pk", ["dag_id", "version"])
      .execute();
    // Runs created before this migration have no version (null).
    await db.schema.alterTable("dag_runs").addColumn("dag_version", "text").execute();
  },
});
