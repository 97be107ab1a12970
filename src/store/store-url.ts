/**
 * What a store location names: PostgreSQL (`postgres://` or `postgresql://`, any case) or a SQLite
 * file (`sqlite:<path>`, `file:<path or URL>`, or a bare path). Any other `scheme://` is refused:
 * a mistyped URL (`mysql://`, `Postgress://`) must not quietly become a SQLite file in a folder
 * named after the URL.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidInputError } from "../core/errors.js";

export type StoreLocation =
  | {
      readonly kind: "postgres";
      readonly url: string;
      readonly schema: string | undefined;
      /** `?prepare=false` turns named prepared statements off (postgres/prepared-statements.ts). */
      readonly prepare: boolean;
    }
  | { readonly kind: "sqlite"; readonly path: string };

const POSTGRES = /^postgres(ql)?:\/\//i;
const SQLITE = /^sqlite:/i;
const FILE = /^file:/i;
/** RFC 3986 scheme followed by `//`: what a URL looks like to a person typing one. */
const ANY_URL = /^([a-z][a-z0-9+.-]*):\/\//i;

export function parseStoreLocation(location: string): StoreLocation {
  if (POSTGRES.test(location)) {
    let url: URL;
    try {
      // The WHATWG parser keeps an unknown scheme's case: write it as PostgreSQL's driver expects.
      url = new URL(location.replace(POSTGRES, "postgres://"));
    } catch {
      throw new InvalidInputError(`invalid PostgreSQL URL "${describeStoreLocation(location)}"`, { field: "db" });
    }
    const schema = url.searchParams.get("schema") ?? undefined;
    const prepare = url.searchParams.get("prepare") ?? "true";
    if (prepare !== "true" && prepare !== "false") {
      throw new InvalidInputError(`invalid prepare=${prepare} in "${describeStoreLocation(location)}": use true or false`, { field: "db" });
    }
    url.searchParams.delete("schema");
    url.searchParams.delete("prepare");
    return { kind: "postgres", url: url.toString(), schema, prepare: prepare === "true" };
  }
  if (SQLITE.test(location)) return sqlitePath(location.slice("sqlite:".length));
  if (FILE.test(location)) {
    if (/^file:\/\//i.test(location)) {
      try {
        return { kind: "sqlite", path: fileURLToPath(`file:${location.slice("file:".length)}`) };
      } catch {
        throw new InvalidInputError(`invalid file URL "${location}": use file:///absolute/path.db or file:relative/path.db`, { field: "db" });
      }
    }
    return sqlitePath(location.slice("file:".length));
  }
  const scheme = ANY_URL.exec(location)?.[1];
  if (scheme !== undefined) {
    throw new InvalidInputError(
      `unsupported store URL scheme "${scheme}:" in "${describeStoreLocation(location)}": use postgres://user@host:5432/database, ` +
        "sqlite:<path> or a file path",
      { field: "db" },
    );
  }
  return sqlitePath(location);
}

function sqlitePath(path: string): StoreLocation {
  return { kind: "sqlite", path: path === ":memory:" ? path : resolve(path) };
}

/** The location without a password, for messages. */
export function describeStoreLocation(location: string): string {
  return location.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
