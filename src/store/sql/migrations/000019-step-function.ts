import type { Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Created PostgreSQL's first one-round-trip step, `tributary_step(p jsonb)`, with statements per
 * row. The step is now kept as code under a versioned name, created by `migrate()` after the
 * numbered migrations (step-function-sql.ts, sql/migrate.ts), so this does nothing more: databases
 * that ran it keep their `tributary_step` for the releases that call it.
 */
export const stepFunction = (dialect: SqlDialectName): Migration => ({
  async up(): Promise<void> {
    if (dialect !== "postgres") return;
  },
});
