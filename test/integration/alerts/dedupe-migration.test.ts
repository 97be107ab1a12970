/**
 * Upgrading to migration 000010 (alerts deduplicated per DAG, task and kind), on SQLite and
 * PostgreSQL: a store with alerts keyed the old way (per task instance) is migrated, and a repeat
 * after the upgrade counts on the newest open alert of its DAG/task instead of opening another.
 */
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { alertDedupKey } from "../../../src/alerts/alert-text.js";
import { migrationsFor } from "../../../src/store/sql/migrations/index.js";
import { SchemaScopedPostgresDialect } from "../../../src/store/postgres/schema-introspector.js";
import type { SqlDialectName } from "../../../src/store/sql/migrations/dialect-name.js";
import { RunDriver } from "../../conformance/driver.js";
import { graph } from "../../conformance/fixtures.js";
import { STORES } from "../../conformance/stores.js";

/** A raw connection to a place, for the schema as it was before 000010 (the store itself needs the latest). */
async function rawDb(name: string, address: string): Promise<{ db: Kysely<unknown>; dialect: SqlDialectName; schema?: string }> {
  if (name === "sqlite") return { db: new Kysely({ dialect: new SqliteDialect({ database: new SQLite(address) }) }), dialect: "sqlite" };
  const { url, schema } = JSON.parse(address) as { url: string; schema: string };
  // Introspecting only its own schema, as the store does: Kysely's migrator would otherwise list
  // every schema's tables and fail when another test drops its schema meanwhile.
  const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
  const db = new Kysely<unknown>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) });
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  return { db, dialect: "postgres", schema };
}

for (const factory of STORES) {
  describe(`migration 000010 (alert dedupe): ${factory.name}`, () => {
    it("re-keys open alerts per DAG, task and kind; acknowledged ones and older duplicates absorb nothing", async () => {
      const place = await factory.create();
      try {
        const raw = await rawDb(factory.name, place.address);
        try {
          const all = migrationsFor(raw.dialect);
          const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < "000010"));
          const migrator = new Migrator({
            db: raw.db,
            provider: { getMigrations: () => Promise.resolve(before) },
            migrationTableName: "tributary_migrations",
            migrationLockTableName: "tributary_migration_lock",
            migrationTableSchema: raw.schema,
          });
          const { error } = await migrator.migrateToLatest();
          expect(error).toBeUndefined();
          // Ids 1 to 4, in this order (a fresh table).
          const alert = (id: number, state: string, openKey: string | null, taskId: string, runId: string) => sql`
            insert into alerts (kind, open_key, dedup_key, dag_id, run_id, task_id, task_instance_id, title, details, state, occurrences, created_at, last_seen_at)
            values ('dead_letter', ${openKey}, ${`task_instance:${id}`}, 'old', ${runId}, ${taskId}, ${id}, 't', 'd', ${state}, 1, 0, 0)`;
          await alert(1, "open", "task_instance:1", "load", "r1").execute(raw.db);
          await alert(2, "open", "task_instance:2", "load", "r2").execute(raw.db);
          await alert(3, "acknowledged", "task_instance:3", "other", "r3").execute(raw.db);
          await alert(4, "resolved", null, "load", "r0").execute(raw.db);
        } finally {
          await raw.db.destroy();
        }

        const store = factory.open(place.address);
        try {
          const report = await store.migrate();
          expect(report.error).toBeUndefined();
          expect(report.applied[0]).toBe("000010_alert_dedupe");
          expect((await store.alerts.getAlert(2))?.lastRunId).toBe("r2");

          // A repeat of old.load counts on alert 2, the newest open one; one of old.other opens a new alert.
          const g = graph("old", [{ id: "load" }, { id: "other" }]);
          const run = await RunDriver.start(store, g);
          await run.claim();
          await run.fail("load");
          await run.fail("other");
          const results = [];
          for (const source of await store.alerts.listAlertSources()) {
            results.push(
              await store.alerts.raiseAlert({
                source: { kind: source.kind, id: source.sourceId },
                dedupKey: alertDedupKey(source),
                dagId: source.dagId,
                runId: source.runId,
                taskId: source.taskId,
                mapIndex: null,
                taskInstanceId: source.kind === "dead_letter" ? source.taskInstanceId : null,
                title: "t",
                details: "d",
                deliveries: [],
                now: new Date(1_000),
              }),
            );
          }
          expect(results.map((r) => [r?.alert.taskId, r?.created, r?.created ? "new" : r?.alert.id])).toEqual([
            ["load", false, 2],
            ["other", true, "new"],
          ]);
          expect((await store.alerts.getAlert(2))?.lastRunId).toBe(run.runId);
        } finally {
          await store.close();
        }
      } finally {
        await place.dispose();
      }
    });
  });
}
