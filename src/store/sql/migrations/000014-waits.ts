import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Deferred task instances (docs/sensors.md): a sensor between pokes waits in the store, not in a
 * worker: when it wakes, why it waits, since when (its timeout's start) and how often it poked.
 * The index serves the wake-up: due deferred instances in wake-up order.
 */
export const waits = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = dialect === "postgres" ? "bigint" : "integer";
    await db.schema.alterTable("task_instances").addColumn("wake_at", big).execute();
    await db.schema.alterTable("task_instances").addColumn("wait_reason", "text").execute();
    await db.schema.alterTable("task_instances").addColumn("waiting_since", big).execute();
    await db.schema.alterTable("task_instances").addColumn("pokes", "integer", (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.createIndex("task_instances_wake").on("task_instances").columns(["state", "wake_at"]).execute();
  },
});
