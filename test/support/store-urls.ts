/**
 * Stores that another process opens by URL (a real `tributary run`, `worker` or `start` started by
 * a test): a SQLite file in the test's folder, or a fresh PostgreSQL schema (`?schema=`) dropped
 * afterwards. One definition for every test that starts processes against both stores.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import { TEST_PG_URL } from "../conformance/stores.js";

export interface StoreUrl {
  readonly url: string;
  readonly dispose: () => Promise<void>;
}

export interface StoreUrlPlace {
  readonly name: "sqlite" | "postgres";
  /** A new store place; `dir` is the test's own folder (the SQLite file goes there). */
  readonly create: (dir: string) => StoreUrl;
}

export const STORE_URL_PLACES: readonly StoreUrlPlace[] = [
  { name: "sqlite", create: (dir) => ({ url: join(dir, "store.db"), dispose: () => Promise.resolve() }) },
  {
    name: "postgres",
    create: () => {
      const schema = `p_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
      const url = new URL(TEST_PG_URL);
      url.searchParams.set("schema", schema);
      return { url: url.toString(), dispose: () => dropSchema(schema) };
    },
  },
];

/** Drops a test's PostgreSQL schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
