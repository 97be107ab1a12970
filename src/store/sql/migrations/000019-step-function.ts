import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";
import { STEP_FUNCTION_SQL } from "./step-function-sql.js";

/**
 * Installs PostgreSQL's one-round-trip step, `tributary_step(p jsonb)` (step-function-sql.ts, which
 * says what it covers and how; postgres/step-function.ts calls it). The function is kept as code:
 * every `migrate()` replaces it when its text differs (sql/migrate.ts). SQLite has no stored
 * functions: sqlite/step-function.ts does the same step in the store's process.
 */
export const stepFunction = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    if (dialect !== "postgres") return;
    await sql.raw(STEP_FUNCTION_SQL).execute(db);
  },
});
