import type { Store } from "./contract/store.js";
import { openSqliteStore } from "./sqlite/open-sqlite-store.js";
import { openPostgresStore } from "./postgres/open-postgres-store.js";
import { parseStoreLocation } from "./store-url.js";

export { describeStoreLocation } from "./store-url.js";

/**
 * `postgres://user@host:5432/db` (optionally `?schema=name`, `?prepare=false`) opens PostgreSQL; `sqlite:`, `file:`
 * or a bare path a SQLite file; any other URL scheme is an InvalidInputError (store-url.ts).
 */
export function openStoreAt(location: string): Store {
  const parsed = parseStoreLocation(location);
  if (parsed.kind === "postgres") return openPostgresStore({ url: parsed.url, schema: parsed.schema, preparedStatements: parsed.prepare });
  return openSqliteStore({ path: parsed.path });
}
