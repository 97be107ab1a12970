import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Approval requests (docs/approvals.md): one row each time an approval with `notify` starts to
 * wait (a task instance's try), the source of the alert that tells the approvers, like a dead
 * letter is the source of a failure's alert (`alert_id`: null until an alert is raised for it).
 */
export const approvalRequests = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = dialect === "postgres" ? "bigint" : "integer";
    await db.schema
      .createTable("approval_requests")
      .addColumn("id", dialect === "postgres" ? sql`bigserial primary key` : sql`integer primary key autoincrement`)
      .addColumn("task_instance_id", big, (c) => c.notNull())
      .addColumn("try_number", "integer", (c) => c.notNull())
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("task_id", "text", (c) => c.notNull())
      .addColumn("map_index", "integer", (c) => c.notNull())
      .addColumn("requested_at", big, (c) => c.notNull())
      .addColumn("deadline_at", big, (c) => c.notNull())
      .addColumn("alert_id", big)
      .addUniqueConstraint("approval_requests_once", ["task_instance_id", "try_number"])
      .execute();
  },
});
