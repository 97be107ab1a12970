import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";
import { STEP_FUNCTION_SQL } from "./step-function-sql.js";

/**
 * Brought `tributary_step` to its batched version (step-function-sql.ts) in databases whose 000019
 * had installed the version with statements per row. Since then `migrate()` keeps the function
 * current in every database whatever its migrations (sql/migrate.ts); this stays because databases
 * have run it. On a fresh database it replaces the function with the same text.
 */
export const batchedStepFunction = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    if (dialect !== "postgres") return;
    await sql.raw(STEP_FUNCTION_SQL).execute(db);
  },
});
