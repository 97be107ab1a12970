import { realpathSync } from "node:fs";
import { resolve } from "node:path";

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

interface Shared {
  tail: Promise<unknown>;
  users: number;
}

const locks = new Map<string, Shared>();
/** Numbers the databases nobody else can open (`:memory:`, ""). */
let privateDatabases = 0;

/**
 * What names a database within this process: its file's real path, however it was spelled
 * (relative, through a symbolic link); every `:memory:` or temporary ("") connection is its own
 * database and gets a name of its own. The write lock and the wake-ups (in-process-notifier.ts)
 * of one store use the same name.
 */
export function databaseKey(path: string): string {
  // "" is better-sqlite3's anonymous temporary database: like `:memory:`, its own.
  if (path === ":memory:" || path === "") return `${path || ":temporary:"}#${++privateDatabases}`;
  // The file exists once its connection is open: its real path, through symbolic links.
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The write lock of the database named `key` (`databaseKey`). */
export function acquireWriteLock(key: string): WriteLock {
  let shared = locks.get(key);
  if (!shared) {
    shared = { tail: Promise.resolve(), users: 0 };
    locks.set(key, shared);
  }
  shared.users++;
  const lock = shared;
  let released = false;
  return {
    run: <T>(fn: () => Promise<T>): Promise<T> => {
      const result = lock.tail.then(() => fn());
      lock.tail = result.catch(() => undefined);
      return result;
    },
    release: () => {
      if (released) return;
      released = true;
      if (--lock.users === 0 && locks.get(key) === lock) locks.delete(key);
    },
  };
}
