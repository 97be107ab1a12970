import { sql, type RawBuilder } from "kysely";
import type { TaskState } from "../../../core/types.js";

/**
 * A task state written into a statement's text instead of passed as a parameter. The indexes of
 * task instances by state are partial (migrations/000021-partial-state-indexes.ts), and a planner
 * uses a partial index only for a statement whose text implies its predicate: `state = 'running'`
 * does, `state = $1` does not (not in PostgreSQL's generic plans, nor in SQLite's prepared
 * statements). Without it, a lookup of the running instances reads the whole table.
 */
export function stateLiteral<S extends TaskState>(state: S): RawBuilder<S> {
  return sql.lit(state);
}
