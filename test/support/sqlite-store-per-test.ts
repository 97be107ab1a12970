/** A fresh, migrated SQLite store in a temporary folder for each test of a file, removed after it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { QueryListener, Store } from "../../src/store/index.js";

export interface StorePerTest {
  /** The current test's store. */
  readonly store: Store;
  /** The current test's temporary folder (the store's file is `t.db` in it). */
  readonly dir: string;
}

/** `onQuery`: told of every statement the store runs (tests that count reads). */
export function sqliteStorePerTest(prefix: string, options: { onQuery?: QueryListener } = {}): StorePerTest {
  let current: { store: Store; dir: string } | undefined;
  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), `tributary-${prefix}-`));
    const store = openSqliteStore({ path: join(dir, "t.db"), onQuery: options.onQuery });
    await store.migrate();
    current = { store, dir };
  });
  afterEach(async () => {
    await current?.store.close();
    if (current) rmSync(current.dir, { recursive: true, force: true });
    current = undefined;
  });
  const get = () => {
    if (!current) throw new Error("the store exists only inside a test");
    return current;
  };
  return {
    get store() {
      return get().store;
    },
    get dir() {
      return get().dir;
    },
  };
}
