import { resolve } from "node:path";
import { InvalidInputError } from "../core/errors.js";
import type { Store } from "../store/store.js";
import { openSqliteStore } from "../store/sqlite/open-sqlite-store.js";

export const DEFAULT_DB_PATH = ".tributary/tributary.db";

/**
 * Opens the store named by `--db`, else `TRIBUTARY_DATABASE_URL`, else `./.tributary/tributary.db`,
 * and brings its schema up to date.
 */
export async function openStore(db: string | undefined): Promise<Store> {
  const location = db ?? process.env["TRIBUTARY_DATABASE_URL"] ?? DEFAULT_DB_PATH;
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new InvalidInputError("PostgreSQL stores are not supported yet; use a SQLite file path", { field: "db" });
  }
  const path = location.startsWith("sqlite:") ? location.slice("sqlite:".length) : location;
  const store = openSqliteStore({ path: path === ":memory:" ? path : resolve(path) });
  const report = await store.migrate();
  if (report.error) {
    await store.close();
    throw new Error(`migrating the store at ${path} failed: ${report.error.message}`);
  }
  return store;
}
