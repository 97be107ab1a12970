import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/** The first schema: DAGs, runs, task instances, tries, logs, state history, dead letters, pools, dataset events. */
export const initial = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = dialect === "postgres";
    // SQLite's INTEGER PRIMARY KEY is its rowid; PostgreSQL needs an identity column.
    const id = (isPostgres: boolean) => (isPostgres ? sql`bigserial primary key` : sql`integer primary key autoincrement`);
    const big = pg ? "bigint" : "integer";

    await db.schema
      .createTable("dags")
      .addColumn("dag_id", "text", (c) => c.primaryKey())
      .addColumn("file", "text", (c) => c.notNull())
      .addColumn("is_paused", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("graph", "text", (c) => c.notNull())
      .addColumn("updated_at", big, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("dag_runs")
      .addColumn("run_id", "text", (c) => c.primaryKey())
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("run_type", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("logical_date", big, (c) => c.notNull())
      .addColumn("data_interval_start", big, (c) => c.notNull())
      .addColumn("data_interval_end", big, (c) => c.notNull())
      .addColumn("params", "text", (c) => c.notNull())
      .addColumn("created_at", big, (c) => c.notNull())
      .addColumn("started_at", big)
      .addColumn("ended_at", big)
      .addColumn("updated_at", big, (c) => c.notNull())
      .execute();
    // One scheduled or backfill run per (DAG, logical date): run creation is idempotent.
    await sql`create unique index dag_runs_one_per_interval on dag_runs (dag_id, logical_date)
      where run_type in ('scheduled', 'backfill')`.execute(db);
    await db.schema.createIndex("dag_runs_by_dag").on("dag_runs").columns(["dag_id", "logical_date"]).execute();
    await db.schema.createIndex("dag_runs_by_state").on("dag_runs").columns(["state"]).execute();

    await db.schema
      .createTable("task_instances")
      .addColumn("id", id(pg))
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("task_id", "text", (c) => c.notNull())
      .addColumn("map_index", "integer", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("try_number", "integer", (c) => c.notNull())
      .addColumn("max_tries", "integer", (c) => c.notNull())
      .addColumn("priority", "integer", (c) => c.notNull())
      .addColumn("pool", "text")
      .addColumn("queued_at", big)
      .addColumn("started_at", big)
      .addColumn("ended_at", big)
      .addColumn("next_retry_at", big)
      .addColumn("worker_id", "text")
      .addColumn("heartbeat_at", big)
      .addColumn("result", "text")
      .addColumn("error", "text")
      .addColumn("updated_at", big, (c) => c.notNull())
      .addUniqueConstraint("task_instances_key", ["run_id", "task_id", "map_index"])
      .execute();
    await db.schema.createIndex("task_instances_claim").on("task_instances").columns(["state", "priority", "queued_at"]).execute();
    await db.schema.createIndex("task_instances_retry").on("task_instances").columns(["state", "next_retry_at"]).execute();

    await db.schema
      .createTable("task_tries")
      .addColumn("id", id(pg))
      .addColumn("task_instance_id", big, (c) => c.notNull())
      .addColumn("try_number", "integer", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("worker_id", "text", (c) => c.notNull())
      .addColumn("queued_at", big)
      .addColumn("started_at", big, (c) => c.notNull())
      .addColumn("ended_at", big)
      .addColumn("error", "text")
      .addColumn("error_kind", "text")
      .addUniqueConstraint("task_tries_key", ["task_instance_id", "try_number"])
      .execute();

    await db.schema
      .createTable("task_logs")
      .addColumn("id", id(pg))
      .addColumn("try_id", big, (c) => c.notNull())
      .addColumn("at", big, (c) => c.notNull())
      .addColumn("stream", "text", (c) => c.notNull())
      .addColumn("level", "text", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("task_logs_by_try").on("task_logs").columns(["try_id", "id"]).execute();

    await db.schema
      .createTable("state_history")
      .addColumn("id", id(pg))
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("task_instance_id", big)
      .addColumn("task_id", "text")
      .addColumn("map_index", "integer")
      .addColumn("from_state", "text")
      .addColumn("to_state", "text", (c) => c.notNull())
      .addColumn("at", big, (c) => c.notNull())
      .addColumn("reason", "text")
      .execute();
    await db.schema.createIndex("state_history_by_run").on("state_history").columns(["run_id", "id"]).execute();

    await db.schema
      .createTable("dead_letters")
      .addColumn("id", id(pg))
      .addColumn("task_instance_id", big, (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("task_id", "text", (c) => c.notNull())
      .addColumn("map_index", "integer", (c) => c.notNull())
      .addColumn("try_number", "integer", (c) => c.notNull())
      .addColumn("error", "text")
      .addColumn("created_at", big, (c) => c.notNull())
      .addColumn("resolved_at", big)
      .addColumn("resolution", "text")
      .execute();

    await db.schema
      .createTable("pools")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("slots", "integer", (c) => c.notNull())
      .addColumn("description", "text")
      .addColumn("updated_at", big, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("dataset_events")
      .addColumn("id", id(pg))
      .addColumn("dataset_uri", "text", (c) => c.notNull())
      .addColumn("run_id", "text")
      .addColumn("dag_id", "text")
      .addColumn("task_id", "text")
      .addColumn("map_index", "integer")
      .addColumn("try_number", "integer")
      .addColumn("at", big, (c) => c.notNull())
      .addColumn("metadata", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("dataset_events_by_uri").on("dataset_events").columns(["dataset_uri", "id"]).execute();
  },
});
