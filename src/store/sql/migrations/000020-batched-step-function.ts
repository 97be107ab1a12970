import type { Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Replaced `tributary_step` with its batched version in the databases of this change's first
 * commits. The step is now kept as code under a versioned name (step-function-sql.ts,
 * sql/migrate.ts), so this does nothing more; it stays because databases have run it.
 */
export const batchedStepFunction = (dialect: SqlDialectName): Migration => ({
  async up(): Promise<void> {
    if (dialect !== "postgres") return;
  },
});
