import { Migrator, sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import { migrationsFor } from "./migrations/index.js";
import { STEP_FUNCTION_BODY, STEP_FUNCTION_CONFIG, STEP_FUNCTION_SQL } from "./migrations/step-function-sql.js";
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
      if (await keepStepFunctionCurrent(db)) applied.push(STEP_FUNCTION_REFRESH);
    } catch (failure) {
      return { applied, error: failure instanceof Error ? failure : new Error(String(failure)) };
    }
  }
  return { applied, error: undefined };
}

/** How a report names the step function's replacement (keepStepFunctionCurrent). */
export const STEP_FUNCTION_REFRESH = "tributary_step (its current text)";

/**
 * PostgreSQL's `tributary_step` is kept as code (migrations/step-function-sql.ts), as Flyway keeps
 * repeatable migrations: the function in the store's schema is replaced whenever its text or
 * settings differ from the current ones, so that a database migrated by an older release runs the
 * current step whatever numbered migrations it has. Under a transaction-scoped advisory lock (per
 * schema), so that stores starting together replace it once and never see it half made. Answers
 * whether it replaced it.
 */
async function keepStepFunctionCurrent(db: Kysely<Database>): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.tributary_step'))`.execute(tx);
    const { rows } = await sql<{ current: boolean }>`
      select exists (
        select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = current_schema() and p.proname = 'tributary_step'
          and p.prosrc = ${STEP_FUNCTION_BODY} and coalesce(p.proconfig, '{}') = ${[...STEP_FUNCTION_CONFIG]}::text[]
      ) as current`.execute(tx);
    if (rows[0]?.current === true) return false;
    await sql.raw(STEP_FUNCTION_SQL).execute(tx);
    return true;
  });
}
