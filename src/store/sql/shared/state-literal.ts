import { sql, type RawBuilder } from "kysely";
import type { TaskState } from "../../../core/types.js";

/**
 * A task state written into a statement's text instead of passed as a parameter, for every
 * comparison of `task_instances.state`. The indexes of task instances by state are partial
 * (migrations/000021-partial-state-indexes.ts), and a planner uses a partial index only for a
 * statement whose text implies its predicate: `state = 'running'` does, `state = $1` does not in
 * PostgreSQL's generic plans. SQLite, for its part, prepares a statement that compares `state` with
 * a parameter again at every run, with the value bound (0.01 ms a move of 64 instances became
 * 0.03 ms, 0.16 ms for 500). The states are a fixed set, so the statements' texts stay few.
 */
export function stateLiteral<S extends TaskState>(state: S): RawBuilder<S> {
  return sql.lit(state);
}

/** A list of states for `in` and `not in`, each a literal (see stateLiteral). */
export function stateLiterals<S extends TaskState>(states: readonly S[]): RawBuilder<S>[] {
  return states.map(stateLiteral);
}
