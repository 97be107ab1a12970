import type { Store } from "../store/index.js";
import { resolveLocations } from "./project-config.js";
import { describeStoreLocation, openStoreAt } from "../store/open-store.js";

export const DEFAULT_DB_PATH = ".tributary/tributary.db";

/**
 * Opens the store named by `--db`, else `TRIBUTARY_DATABASE_URL`, else `./.tributary/tributary.db`,
 * and brings its schema up to date.
 */
export async function openStore(db: string | undefined): Promise<Store> {
  const location = db ?? process.env["TRIBUTARY_DATABASE_URL"] ?? DEFAULT_DB_PATH;
  const store = openStoreAt(location);
  const report = await store.migrate();
  if (report.error) {
    await store.close();
    throw new Error(`migrating the store at ${describeStoreLocation(location)} failed: ${report.error.message}`);
  }
  if (report.fromLaterRelease !== undefined) {
    process.stderr.write(`note: the store at ${describeStoreLocation(location)} was migrated by a later release (${report.fromLaterRelease.join(", ")}); this release runs with it\n`);
  }
  return store;
}


/** Runs `fn` with the store of `--db` (or the project's), closing it afterwards. */
export async function withStore<T>(dbFlag: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const { db } = await resolveLocations({ db: dbFlag });
  const store = await openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
