import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Lineage and data-aware scheduling: which dataset events triggered which run (an event triggers
 * a DAG at most once: the unique key keeps two schedulers from both consuming it), who reported
 * an external dataset event, the OpenLineage emitter's shared read position, and the indexes the
 * lineage queries use.
 */
export const lineage = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = dialect === "postgres" ? "bigint" : "integer";
    await db.schema.alterTable("dataset_events").addColumn("source", "text").execute();
    await db.schema.createIndex("dataset_events_by_run").on("dataset_events").columns(["run_id"]).execute();
    await db.schema.createIndex("dataset_events_by_uri_time").on("dataset_events").columns(["dataset_uri", "at"]).execute();
    await db.schema.createIndex("dataset_events_by_writer").on("dataset_events").columns(["dag_id", "task_id", "dataset_uri"]).execute();

    await db.schema
      .createTable("dataset_triggers")
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("dataset_uri", "text", (c) => c.notNull())
      .addColumn("event_id", big, (c) => c.notNull())
      .addUniqueConstraint("dataset_triggers_once_per_dag", ["dag_id", "event_id"])
      .execute();
    await db.schema.createIndex("dataset_triggers_by_run").on("dataset_triggers").columns(["run_id"]).execute();
    await db.schema.createIndex("dataset_triggers_by_dag_uri").on("dataset_triggers").columns(["dag_id", "dataset_uri", "event_id"]).execute();

    await db.schema
      .createTable("lineage_cursors")
      .addColumn("consumer", "text", (c) => c.primaryKey())
      .addColumn("position", big, (c) => c.notNull())
      .addColumn("updated_at", big, (c) => c.notNull())
      .execute();
  },
});
