import { Migrator, sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import { migrationsFor } from "./migrations/index.js";
import { STEP_FUNCTION_NAME, STEP_FUNCTION_SQL } from "./migrations/step-function-sql.js";
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
  const applied = (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  if (error !== undefined) return { applied, error: error instanceof Error ? error : new Error(String(error)) };
  if (dialect === "postgres") {
    try {
      await createStepFunction(db);
    } catch (failure) {
      return { applied, error: failure instanceof Error ? failure : new Error(String(failure)) };
    }
  }
  return { applied, error: undefined };
}

/**
 * Creates this release's version of PostgreSQL's step function (migrations/step-function-sql.ts)
 * when the store's schema lacks it. A version is never replaced or dropped: a new body takes a new
 * name, so processes of two releases side by side each call their own. Looked for first without a
 * lock (every start and CLI command migrates); created under a transaction-scoped advisory lock
 * per schema, so that stores starting together create it once. Creating it needs `CREATE` on the
 * schema, as a migration does.
 */
async function createStepFunction(db: Kysely<Database>): Promise<void> {
  const exists = sql<{ present: boolean }>`
    select exists (
      select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = current_schema() and p.proname = ${STEP_FUNCTION_NAME}
    ) as present`;
  if ((await exists.execute(db)).rows[0]?.present === true) return;
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.' || ${STEP_FUNCTION_NAME}))`.execute(tx);
    if ((await exists.execute(tx)).rows[0]?.present === true) return;
    await sql.raw(STEP_FUNCTION_SQL).execute(tx);
  });
}
