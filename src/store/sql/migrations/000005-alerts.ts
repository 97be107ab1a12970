import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Alerts (docs/architecture.md §8): SLA misses (one per run and task, by a unique key), alerts (one open alert
 * per dedup key), and their deliveries. A delivery row is both the outbox entry of one message
 * (one channel, one step) and its timer: `due_at` says when it may be sent, so escalation
 * survives restarts and is claimed by exactly one scheduler. Every HTTP/SMTP attempt is recorded
 * in alert_delivery_attempts.
 */
export const alerts = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = dialect === "postgres";
    const id = pg ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
    const big = pg ? "bigint" : "integer";

    await db.schema
      .createTable("sla_misses")
      .addColumn("id", id)
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      // '' for the DAG's own SLA: a unique key cannot hold NULL portably.
      .addColumn("task_id", "text", (c) => c.notNull())
      .addColumn("deadline_at", big, (c) => c.notNull())
      .addColumn("detected_at", big, (c) => c.notNull())
      .addColumn("state_at_detection", "text", (c) => c.notNull())
      .addColumn("alert_id", big)
      .addUniqueConstraint("sla_misses_once", ["run_id", "task_id"])
      .execute();
    await db.schema.createIndex("sla_misses_by_dag").on("sla_misses").columns(["dag_id", "detected_at"]).execute();

    await db.schema
      .createTable("alerts")
      .addColumn("id", id)
      .addColumn("kind", "text", (c) => c.notNull())
      // The dedup key while the alert is not resolved, NULL afterwards: one open alert per key.
      .addColumn("open_key", "text", (c) => c.unique())
      .addColumn("dedup_key", "text", (c) => c.notNull())
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("run_id", "text")
      .addColumn("task_id", "text")
      .addColumn("map_index", "integer")
      .addColumn("task_instance_id", big)
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("details", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("occurrences", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("created_at", big, (c) => c.notNull())
      .addColumn("last_seen_at", big, (c) => c.notNull())
      .addColumn("acknowledged_at", big)
      .addColumn("acknowledged_by", "text")
      .addColumn("resolved_at", big)
      .addColumn("resolved_by", "text")
      .addColumn("ticket_key", "text")
      .execute();
    await db.schema.createIndex("alerts_by_state").on("alerts").columns(["state", "id"]).execute();

    await db.schema
      .createTable("alert_deliveries")
      .addColumn("id", id)
      .addColumn("alert_id", big, (c) => c.notNull())
      .addColumn("step", "integer", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("due_at", big, (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("claimed_by", "text")
      .addColumn("lease_until", big)
      .addColumn("last_error", "text")
      .addColumn("sent_at", big)
      .addColumn("created_at", big, (c) => c.notNull())
      .addUniqueConstraint("alert_deliveries_once", ["alert_id", "channel", "event"])
      .execute();
    await db.schema.createIndex("alert_deliveries_due").on("alert_deliveries").columns(["state", "due_at"]).execute();

    await db.schema
      .createTable("alert_delivery_attempts")
      .addColumn("id", id)
      .addColumn("delivery_id", big, (c) => c.notNull())
      .addColumn("alert_id", big, (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("at", big, (c) => c.notNull())
      .addColumn("ok", "integer", (c) => c.notNull())
      .addColumn("status", "integer")
      .addColumn("error", "text")
      .addColumn("duration_ms", "integer", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("alert_delivery_attempts_by_alert").on("alert_delivery_attempts").columns(["alert_id", "id"]).execute();

    // Dead letters point at the alert raised for them; the ones from before this migration are
    // marked handled (0) so that upgrading does not page anyone about old failures.
    await db.schema.alterTable("dead_letters").addColumn("alert_id", big).execute();
    await sql`update dead_letters set alert_id = 0`.execute(db);
  },
});
