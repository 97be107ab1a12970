import type { Database as SqliteConnection } from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import type { Database } from "../sql/schema.js";
import type { RunInTransaction } from "../sql/shared/tx.js";
import type { WriteLock } from "./write-lock.js";

/**
 * Write transactions on SQLite: BEGIN IMMEDIATE (a second process waits for the lock instead of
 * failing halfway), queued behind the per-file write lock.
 */
export function sqliteTransactions(db: Kysely<Database>, connection: SqliteConnection, writeLock: WriteLock): RunInTransaction {
  return (fn) =>
    writeLock.run(() =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          // On SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM and the like SQLite has already rolled back
          // by itself, and a ROLLBACK now would fail ("no transaction is active") and hide the
          // real cause: roll back only what is still open, and never let a failed rollback win.
          if (connection.inTransaction) await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      }),
    );
}
