import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { QueryListener } from "../contract/query-listener.js";
import { queryLog } from "../sql/shared/query-log.js";
import type { Database } from "../sql/schema.js";
import { SqlStore } from "../sql/sql-store.js";
import { acquireWriteLock } from "./write-lock.js";
import { databaseKey } from "./per-database.js";
import { sqliteTransactions } from "./sqlite-transaction.js";
import { inProcessNotifier } from "./in-process-notifier.js";
import { cachingStatements } from "./statement-cache.js";
import { stepFunction } from "./step-function.js";

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /** How long a writer waits for another process's lock before failing (ms). */
  readonly busyTimeoutMs?: number;
  /** Called after every statement (diagnostics: what the hot path costs, in statements). */
  readonly onQuery?: QueryListener;
}

/**
 * The embedded store: one better-sqlite3 connection in WAL mode with synchronous=FULL, so every
 * committed state change survives a crash. Kysely serialises queries on the single connection;
 * write transactions start with BEGIN IMMEDIATE so that a second process waits for the lock
 * instead of failing halfway through a transaction, and queue behind a per-file lock so that two
 * stores in one process do not block each other's thread (see write-lock.ts).
 */
export function openSqliteStore(options: SqliteStoreOptions): SqlStore {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const database = new SQLite(options.path);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  database.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(database) }), log: queryLog(options.onQuery) });

  const key = databaseKey(options.path);
  const writeLock = acquireWriteLock(key);

  const inTransaction = sqliteTransactions(db, database, writeLock);
  const notifier = inProcessNotifier(key);

  return new SqlStore({
    db,
    dialect: "sqlite",
    inTransaction,
    // Kysely's SQLite migration lock is a no-op (it assumes one connection); BEGIN IMMEDIATE is
    // the lock that works across connections and processes.
    migrationsInWriteTransaction: true,
    notifier,
    // One writer at a time: a claim riding along with completions makes no other worker wait,
    // and ids commit in order, so the state history needs no settling.
    capabilities: { stateChangeSettleMs: 0 },
    step: stepFunction({ connection: database, db, writeLock, notifier, onQuery: options.onQuery }),
    onClose: () => {
      notifier.release();
      return Promise.resolve(writeLock.release());
    },
  });
}
