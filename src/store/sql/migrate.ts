import { Migrator, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import { migrationsFor } from "./migrations/index.js";
import type { SqlDialectName } from "./migrations/dialect-name.js";

export interface MigrationReport {
  /** Names of the migrations applied by this call, in order. */
  readonly applied: readonly string[];
  readonly error: Error | undefined;
}

/**
 * Brings the schema to the latest migration. Kysely's migrator takes a lock (an advisory lock on
 * PostgreSQL; nothing on SQLite, whose callers pass a handle inside a write transaction and
 * `inCallerTransaction`) so concurrent starts apply each migration once.
 * Failures are reported, not thrown, so callers can say which migration failed.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  options: { inCallerTransaction?: boolean; schema?: string } = {},
): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrationsFor(dialect)) },
    migrationTableName: "tributary_migrations",
    migrationLockTableName: "tributary_migration_lock",
    // Without it Kysely looks for its tables in every schema, and finding another schema's (two
    // stores in one database) skips creating this one's.
    migrationTableSchema: options.schema,
    disableTransactions: options.inCallerTransaction === true,
  });
  const { error, results } = await migrator.migrateToLatest();
  return {
    applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
    error: error === undefined ? undefined : error instanceof Error ? error : new Error(String(error)),
  };
}
