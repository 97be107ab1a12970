import type { SqliteDatabase, SqliteStatement } from "kysely";
import { withOpaqueLimits } from "./limit-parameters.js";

/**
 * The connection as Kysely's SQLite driver sees it, with prepared statements kept by their SQL
 * text: the driver prepares every query anew, which costs about as much as running it. SQLite
 * recompiles a kept statement by itself when the schema changes. The cache holds the most
 * recently used `size` statements (queries with `in (...)` lists differ by the list's length).
 * Their LIMIT and OFFSET parameters are hidden from the planner, so that a kept statement is not
 * prepared again at each run (limit-parameters.ts).
 */
export function cachingStatements(database: SqliteDatabase, size = 500): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement !== undefined) {
        // Most recently used last: the first entry is the one to drop.
        statements.delete(sql);
      } else {
        statement = database.prepare(withOpaqueLimits(sql));
        if (statements.size >= size) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
