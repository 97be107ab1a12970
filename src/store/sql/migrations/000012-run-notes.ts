import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Run notes (Airflow's "DAG run notes"): free text an operator writes on a run, with who wrote it
 * and when. One note per run, in a table of its own so that listing runs reads no note text.
 */
export const runNotes = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = dialect === "postgres" ? "bigint" : "integer";
    await db.schema
      .createTable("run_notes")
      .addColumn("run_id", "text", (c) => c.primaryKey())
      .addColumn("note", "text", (c) => c.notNull())
      .addColumn("updated_by", "text")
      .addColumn("created_at", big, (c) => c.notNull())
      .addColumn("updated_at", big, (c) => c.notNull())
      .execute();
  },
});
