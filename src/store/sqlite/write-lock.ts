import { PerDatabase } from "./per-database.js";

/**
 * One write lock per SQLite file per process. better-sqlite3 is synchronous: when two connections
 * in the same process (two store objects on one file) both want to write, the second one's
 * BEGIN IMMEDIATE spins in SQLite's busy handler on the only thread, so the first can never reach
 * its COMMIT; both stall until busy_timeout and one fails with "database is locked". Queueing
 * write transactions here first makes them wait in the event loop instead. Other processes still
 * wait in the busy handler, which is fine: their lock holder runs on its own thread.
 */
export interface WriteLock {
  readonly run: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly release: () => void;
}

/** Per database, the promise the next write transaction waits for. */
const tails = new PerDatabase<{ tail: Promise<unknown> }>(() => ({ tail: Promise.resolve() }));

/** The write lock of the database named `key` (per-database.ts `databaseKey`). */
export function acquireWriteLock(key: string): WriteLock {
  const { value: lock, release } = tails.acquire(key);
  return {
    run: <T>(fn: () => Promise<T>): Promise<T> => {
      const result = lock.tail.then(() => fn());
      lock.tail = result.catch(() => undefined);
      return result;
    },
    release,
  };
}
