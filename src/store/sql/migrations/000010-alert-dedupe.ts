import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Alerts deduplicated per (DAG, task, kind) instead of per task instance or run (issue 14), with
 * the latest occurrence's run and task instance, which auto-resolve compares later runs with.
 *
 * Unresolved alerts are re-keyed so that the upgrade does not open a second alert for a problem
 * already open: the newest open alert of each (DAG, task, kind) takes the new key (the format of
 * src/alerts/alert-text.ts alertDedupKey, frozen here as a migration must be); acknowledged ones
 * and older duplicates take none, as an acknowledged alert no longer absorbs repeats.
 */
export const alertDedupe = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = dialect === "postgres" ? "bigint" : "integer";
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable("alerts").addColumn("last_run_id", "text").execute();
    await db.schema.alterTable("alerts").addColumn("last_task_instance_id", big).execute();
    await sql`update alerts set last_run_id = run_id, last_task_instance_id = task_instance_id`.execute(db);

    await sql`update alerts set open_key = null where state <> 'resolved'`.execute(db);
    await sql`
      update alerts set open_key = kind || ':' || dag_id || ':' || coalesce(task_id, '')
      where state = 'open' and id = (
        select max(newer.id) from alerts newer
        where newer.state = 'open' and newer.kind = alerts.kind and newer.dag_id = alerts.dag_id
          and coalesce(newer.task_id, '') = coalesce(alerts.task_id, '')
      )`.execute(db);
  },
});
