/**
 * node-postgres, imported when a PostgreSQL store first connects: every command and process that
 * opens SQLite (or no store at all) would otherwise pay about 40 ms to load it.
 */
import type pg from "pg";

let loaded: Promise<typeof pg> | undefined;

export function loadPg(): Promise<typeof pg> {
  loaded ??= import("pg").then(({ default: driver }) => {
    // bigint (int8) columns hold epoch milliseconds and ids, all far below 2^53: read them as numbers.
    driver.types.setTypeParser(driver.types.builtins.INT8, (value: string) => Number(value));
    return driver;
  });
  return loaded;
}
