/**
 * Issue 15, item 8: when SQLite runs out of space it rolls the transaction back by itself; the
 * error a caller sees must be SQLite's ("database or disk is full", SQLITE_FULL), not the failure
 * of the ROLLBACK that follows ("cannot rollback - no transaction is active"). A full disk is
 * simulated with `PRAGMA max_page_count`, which makes SQLite fail exactly as a full file system does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "../../../src/store/sql/schema.js";
import { sqliteTransactions } from "../../../src/store/sqlite/sqlite-transaction.js";
import { acquireWriteLock } from "../../../src/store/sqlite/write-lock.js";
import { databaseKey } from "../../../src/store/sqlite/per-database.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-sqlite-full-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openFull(name: string) {
  const path = join(dir, name);
  const connection = new SQLite(path);
  connection.pragma("journal_mode = WAL");
  connection.exec("create table filler (x text)");
  connection.pragma("max_page_count = 16");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  const lock = acquireWriteLock(databaseKey(path));
  return { db, connection, tx: sqliteTransactions(db, connection, lock), close: async () => (lock.release(), await db.destroy()) };
}

describe("a full SQLite database", () => {
  it("reports SQLite's own error, not the failed rollback", async () => {
    const store = openFull("full.db");
    const fill = store.tx(async (tx) => {
      for (let i = 0; i < 1_000; i++) await sql`insert into filler (x) values (${"x".repeat(10_000)})`.execute(tx);
    });
    await expect(fill).rejects.toMatchObject({ code: "SQLITE_FULL", message: expect.stringMatching(/database or disk is full/) });
    expect(store.connection.inTransaction).toBe(false);
    // The connection stays usable: small writes still fit.
    await store.tx(async (tx) => sql`insert into filler (x) values ('small')`.execute(tx));
    await store.close();
  });

  it("still rolls back an ordinary failure", async () => {
    const store = openFull("ordinary.db");
    const failing = store.tx(async (tx) => {
      await sql`insert into filler (x) values ('kept?')`.execute(tx);
      throw new Error("task logic failed");
    });
    await expect(failing).rejects.toThrow("task logic failed");
    expect(store.connection.prepare("select count(*) as n from filler").get()).toEqual({ n: 0 });
    await store.close();
  });
});
