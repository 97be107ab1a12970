/**
 * The stores the conformance suite runs against: the only place in test/conformance that names a
 * dialect. Add an entry (PostgreSQL: create a fresh database or schema per place) and every
 * conformance test runs against it too.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "../../src/store/index.js";
import { randomUUID } from "node:crypto";
import pg from "pg";
import SQLite from "better-sqlite3";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import type { QueryListener } from "../../src/store/index.js";

/** The PostgreSQL server the tests use; each place is a schema of its own, dropped afterwards. */
export const TEST_PG_URL = process.env["TRIBUTARY_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

/** A fresh, empty database: its address (shareable with other processes) and how to remove it. */
export interface StorePlace {
  readonly address: string;
  readonly dispose: () => Promise<void>;
}

export interface StoreFactory {
  readonly name: string;
  /** Makes a new, empty, unmigrated database nobody else uses. */
  readonly create: () => Promise<StorePlace>;
  /** Opens a store on a place (several stores, even in several processes, may share one). */
  readonly open: (address: string, options?: StoreOpenOptions) => Store;
  /**
   * Optional: deletes every row of a migrated place, keeping its schema, so that a test can reuse
   * it as an empty database, much faster than making and migrating a new place. Without it every
   * test makes its own place.
   */
  readonly empty?: (address: string) => Promise<void>;
}

/** Options any store accepts when a test opens it. */
export interface StoreOpenOptions {
  /** Called after each statement (tests count what an operation costs). */
  readonly onQuery?: QueryListener;
}

export const STORES: readonly StoreFactory[] = [
  {
    name: "sqlite",
    create: async () => {
      const dir = await mkdtemp(join(tmpdir(), "tributary-conformance-"));
      return { address: join(dir, "store.db"), dispose: () => rm(dir, { recursive: true, force: true }) };
    },
    open: (address, options) => openSqliteStore({ path: address, onQuery: options?.onQuery }),
    empty: async (address) => {
      const db = new SQLite(address);
      try {
        const tables = db
          .prepare<[], { name: string }>(
            `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'tributary_migration%'`,
          )
          .all();
        db.exec(`begin immediate; ${tables.map((t) => `delete from "${t.name}";`).join(" ")} commit;`);
      } finally {
        db.close();
      }
    },
  },
  {
    name: "postgres",
    create: async () => {
      const schema = `t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
      return {
        address: JSON.stringify({ url: TEST_PG_URL, schema }),
        dispose: async () => {
          const client = new pg.Client({ connectionString: TEST_PG_URL });
          await client.connect();
          try {
            await client.query(`drop schema if exists ${schema} cascade`);
          } finally {
            await client.end();
          }
        },
      };
    },
    open: (address, options) => {
      const { url, schema } = JSON.parse(address) as { url: string; schema: string };
      return openPostgresStore({ url, schema, maxConnections: 4, onQuery: options?.onQuery });
    },
    empty: async (address) => {
      const { url, schema } = JSON.parse(address) as { url: string; schema: string };
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const tables = await client.query<{ name: string }>(
          `select table_name as name from information_schema.tables
           where table_schema = $1 and table_type = 'BASE TABLE' and table_name not like 'tributary_migration%'`,
          [schema],
        );
        // DELETE, not TRUNCATE: on a handful of rows it is many times faster.
        await client.query(tables.rows.map((t) => `delete from ${schema}."${t.name}";`).join("\n"));
      } finally {
        await client.end();
      }
    },
  },
];

export function storeFactory(name: string): StoreFactory {
  const factory = STORES.find((f) => f.name === name);
  if (!factory) throw new Error(`no store factory named "${name}"`);
  return factory;
}
