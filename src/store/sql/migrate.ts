import { Migrator, sql, type Kysely, type Migration } from "kysely";
import type { Database } from "./schema.js";
import { migrationsFor } from "./migrations/index.js";
import type { SqlDialectName } from "./migrations/dialect-name.js";

export interface MigrationReport {
  /** Names of the migrations applied by this call, in order. */
  readonly applied: readonly string[];
  /**
   * Migrations the schema holds that this release does not know, when every one of its own is
   * applied: a later release migrated it (a rolling deploy), and this one runs with it.
   */
  readonly fromLaterRelease?: readonly string[];
  readonly error: Error | undefined;
}

/** A later release's migration, listed so that the migrator finds every migration the schema ran. */
const LATER_RELEASE: Migration = { up: () => Promise.reject(new Error("a later release's migration is never run by this one")) };

/**
 * Brings the schema to the latest migration. Kysely's migrator takes a lock (an advisory lock on
 * PostgreSQL; nothing on SQLite, whose callers pass a handle inside a write transaction and
 * `inCallerTransaction`) so concurrent starts apply each migration once.
 * Failures are reported, not thrown, so callers can say which migration failed.
 *
 * A schema a later release migrated (old and new processes side by side in a rolling deploy,
 * docs/deploy.md) holds migrations this release does not know. If all of its own are applied it
 * runs with it, as a release's migrations only add what older processes ignore, and reports them
 * (`fromLaterRelease`); if one of its own is missing it cannot bring the schema up to date, and
 * says so. (Kysely's migrator refuses both: a migration it ran is missing from the code.)
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  options: { inCallerTransaction?: boolean; schema?: string } = {},
): Promise<MigrationReport> {
  // The schema's migrations are read before the migrator runs (its lock, on PostgreSQL, is held on
  // a connection of its own, and a read through the pool while it waits for it could find the
  // pool taken). A later release that migrated in between, while this one waited for the lock,
  // makes the migrator find a migration the list lacks: read again and try again (twice at most).
  // On SQLite the caller's write transaction holds the file's writes: nothing changes in between.
  const known = migrationsFor(dialect);
  let executed: readonly string[];
  try {
    executed = await executedMigrations(db, dialect, options.schema);
  } catch (error) {
    return { applied: [], error: asError(error) };
  }
  for (let attempt = 0; ; attempt++) {
    const report = await migrateOnce(db, known, executed, options);
    if (report.error === undefined || attempt === 2) return report;
    let again: readonly string[];
    try {
      again = await executedMigrations(db, dialect, options.schema);
    } catch {
      return report;
    }
    if (again.every((name) => executed.includes(name))) return report;
    executed = again;
  }
}

/** One run of the migrator, given the migrations the schema ran. */
async function migrateOnce(
  db: Kysely<Database>,
  known: Record<string, Migration>,
  executed: readonly string[],
  options: { inCallerTransaction?: boolean; schema?: string },
): Promise<MigrationReport> {
  let listed: { migrations: Record<string, Migration>; fromLaterRelease: string[] };
  try {
    listed = withLaterRelease(known, executed);
  } catch (error) {
    return { applied: [], error: asError(error) };
  }
  const { migrations, fromLaterRelease } = listed;
  const migrator = new Migrator({
    db,
    // Migrations run in the order of their names, and a later release's sort after this one's:
    // the schema's own list is this release's, then the later release's, which are never run.
    provider: { getMigrations: () => Promise.resolve(migrations) },
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
    ...(error === undefined && fromLaterRelease.length > 0 ? { fromLaterRelease } : {}),
    error: error === undefined ? undefined : asError(error),
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * This release's migrations, with the later release's ones the schema ran listed as never run;
 * throws when the schema holds a later release's migrations but lacks one of this release's.
 */
function withLaterRelease(known: Record<string, Migration>, executed: readonly string[]): { migrations: Record<string, Migration>; fromLaterRelease: string[] } {
  const fromLaterRelease = executed.filter((name) => !Object.hasOwn(known, name));
  if (fromLaterRelease.length === 0) return { migrations: known, fromLaterRelease };
  const ran = new Set(executed);
  const missing = Object.keys(known).filter((name) => !ran.has(name));
  if (missing.length > 0) {
    throw new Error(
      `the schema holds migrations of a later release (${fromLaterRelease.join(", ")}) but not this release's ${missing.join(", ")}: ` +
        "this release cannot bring it up to date; run the later release (or one that knows every migration the schema ran)",
    );
  }
  return { migrations: { ...known, ...Object.fromEntries(fromLaterRelease.map((name) => [name, LATER_RELEASE])) }, fromLaterRelease };
}

/** The migrations the schema ran, by name (none before its first migration made the table; `schema` is a plain identifier: open-postgres-store.ts). */
async function executedMigrations(db: Kysely<Database>, dialect: SqlDialectName, schema: string | undefined): Promise<string[]> {
  const qualified = schema === undefined ? "tributary_migrations" : `${schema}.tributary_migrations`;
  const present =
    dialect === "postgres"
      ? sql<{ present: boolean }>`select to_regclass(${qualified}) is not null as present`
      : sql<{ present: number }>`select count(*) as present from sqlite_master where type = 'table' and name = 'tributary_migrations'`;
  if (!(await present.execute(db)).rows[0]?.present) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(qualified)} order by name`.execute(db);
  return rows.map((row) => row.name);
}
