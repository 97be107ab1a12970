import { realpathSync } from "node:fs";
import { resolve } from "node:path";

/** Numbers the databases nobody else can open (`:memory:`, ""). */
let privateDatabases = 0;

/**
 * What names a database within this process: its file's real path, however it was spelled
 * (relative, through a symbolic link); every `:memory:` or temporary ("") connection is its own
 * database and gets a name of its own. A store computes it once and acquires everything it shares
 * with the other store objects on its database (write-lock.ts, in-process-notifier.ts) by it.
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

/** One store object's hold on what its database's store objects share. */
export interface Held<T> {
  readonly value: T;
  /** Lets go (the store's close); the value is forgotten once nobody holds it. Idempotent. */
  readonly release: () => void;
}

/**
 * What the store objects on one database in this process share, made by the first that acquires
 * it and forgotten when the last releases it.
 */
export class PerDatabase<T> {
  readonly #entries = new Map<string, { readonly value: T; users: number }>();
  readonly #create: () => T;

  constructor(create: () => T) {
    this.#create = create;
  }

  acquire(key: string): Held<T> {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { value: this.#create(), users: 0 };
      this.#entries.set(key, entry);
    }
    entry.users++;
    const held = entry;
    let released = false;
    return {
      value: held.value,
      release: () => {
        if (released) return;
        released = true;
        if (--held.users === 0 && this.#entries.get(key) === held) this.#entries.delete(key);
      },
    };
  }
}
