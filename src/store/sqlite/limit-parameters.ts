/**
 * SQLite (3.47 and later) plans a statement with the value bound to its LIMIT or OFFSET as if it
 * were written in, and so marks the statement to be prepared again whenever a value is bound to
 * it. better-sqlite3 binds at every run: a kept statement with a bound LIMIT was compiled anew at
 * each run, which for the claim's read (a join of two wide rows) cost 50 µs against 3 µs.
 * A unary plus makes the limit an expression the planner does not look into (it then plans for
 * an unknown limit, as it did before 3.47), so the statement is prepared once.
 * test/unit/store/sqlite-limit-parameters.test.ts times both.
 */
const PARAMETER = String.raw`(?:\?\d*|[@:$]\w+)`;
const LIMIT_PARAMETER = new RegExp(String.raw`\b(limit|offset)(\s+)(${PARAMETER})(\s*,\s*)?(${PARAMETER})?`, "gi");

/**
 * `sql` with the parameters of its LIMIT and OFFSET clauses (`limit ?`, `limit @n`, `limit ?, ?`,
 * `offset ?`) hidden from SQLite's planner. Raw SQL must not hold such text in a string literal.
 */
export function withOpaqueLimits(sql: string): string {
  return sql.replace(LIMIT_PARAMETER, (_match, keyword: string, space: string, first: string, comma: string | undefined, second: string | undefined) =>
    comma !== undefined && second !== undefined ? `${keyword}${space}+${first}${comma}+${second}` : `${keyword}${space}+${first}${comma ?? ""}`,
  );
}
