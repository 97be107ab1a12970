import { resolve } from "node:path";
import { InvalidInputError } from "../core/errors.js";
import type { Store } from "./store.js";
import { openSqliteStore } from "./sqlite/open-sqlite-store.js";
import { openPostgresStore } from "./postgres/open-postgres-store.js";

/**
 * `postgres://user@host:5432/db` (optionally `?schema=name`) opens PostgreSQL; anything else is a
 * SQLite file path (optionally prefixed `sqlite:`).
 */
export function openStoreAt(location: string): Store {
  if (/^postgres(ql)?:\/\//.test(location)) {
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw new InvalidInputError(`invalid PostgreSQL URL "${describeStoreLocation(location)}"`, { field: "db" });
    }
    const schema = url.searchParams.get("schema") ?? undefined;
    url.searchParams.delete("schema");
    return openPostgresStore({ url: url.toString(), schema });
  }
  const path = location.startsWith("sqlite:") ? location.slice("sqlite:".length) : location;
  return openSqliteStore({ path: path === ":memory:" ? path : resolve(path) });
}

/** The location without a password, for messages. */
export function describeStoreLocation(location: string): string {
  return location.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
