import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";
import { STEP_FUNCTION_SQL } from "./step-function-sql.js";

/**
 * Brings `tributary_step` to its batched version (step-function-sql.ts) in databases migrated
 * before it existed, whose 000019 installed the version with statements per row. What the
 * function does and answers is unchanged; `create or replace` keeps its signature and callers. On
 * a fresh database 000019 has installed the same text already, and this replaces it with itself.
 */
export const batchedStepFunction = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    if (dialect !== "postgres") return;
    await sql.raw(STEP_FUNCTION_SQL).execute(db);
  },
});
