import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Backfills as stored, resumable entities driven by the scheduler: the backfill (range, options,
 * state) and its planned intervals, each with what to do and, once started, its run.
 */
export const backfills = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = dialect === "postgres";
    const big = pg ? "bigint" : "integer";
    await db.schema
      .createTable("backfills")
      .addColumn("id", pg ? sql`bigserial primary key` : sql`integer primary key autoincrement`)
      .addColumn("dag_id", "text", (c) => c.notNull())
      // "from" and "to" are SQL keywords: the range's ends are from_date and to_date.
      .addColumn("from_date", big, (c) => c.notNull())
      .addColumn("to_date", big, (c) => c.notNull())
      .addColumn("reprocess", "text", (c) => c.notNull())
      .addColumn("max_active_runs", "integer", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("created_by", "text")
      .addColumn("created_at", big, (c) => c.notNull())
      .addColumn("updated_at", big, (c) => c.notNull())
      .addColumn("ended_at", big)
      .execute();
    await db.schema.createIndex("backfills_by_state").on("backfills").columns(["state", "id"]).execute();
    await db.schema.createIndex("backfills_by_dag").on("backfills").columns(["dag_id", "id"]).execute();

    await db.schema
      .createTable("backfill_intervals")
      .addColumn("backfill_id", big, (c) => c.notNull())
      .addColumn("logical_date", big, (c) => c.notNull())
      .addColumn("interval_start", big, (c) => c.notNull())
      .addColumn("interval_end", big, (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      /** The run found when the backfill was planned (skip, rerun, rerun_failed, resume). */
      .addColumn("existing_run_id", "text")
      /** The run this backfill started (or, for a skipped interval, the existing one); null until then. */
      .addColumn("run_id", "text")
      /** When a driver reserved the interval to start it; null while it waits. */
      .addColumn("started_at", big)
      /** 1 once the interval's run has finished (skipped intervals: from the start). */
      .addColumn("done", "integer", (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint("backfill_intervals_key", ["backfill_id", "logical_date"])
      .execute();
  },
});
