/**
 * The examples' "warehouse": a local SQLite file holding revenue per (date, region, segment).
 * Loading a date replaces that date's rows (delete, then insert, in one transaction), so re-running
 * a DAG run for the same `ds` overwrites instead of appending: the run is idempotent.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type { SegmentRevenue } from "./sales.js";

/**
 * Where the examples write: `$EXAMPLES_WAREHOUSE`, else `.tributary/warehouse.db`. Tasks see only
 * allow-listed variables (docs/secrets.md): start Tributary with `TRIBUTARY_TASK_ENV=EXAMPLES_WAREHOUSE`.
 */
export function warehousePath(): string {
  return resolve(process.env["EXAMPLES_WAREHOUSE"] ?? ".tributary/warehouse.db");
}

export interface WarehouseSummary {
  readonly rows: number;
  readonly orders: number;
  readonly revenueCents: number;
}

/** Opens (creating the file, its folder and the table if needed) the warehouse database. */
export function openWarehouse(path = warehousePath()): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.exec(`CREATE TABLE IF NOT EXISTS revenue_by_segment (
    date TEXT NOT NULL,
    region TEXT NOT NULL,
    segment TEXT NOT NULL,
    orders INTEGER NOT NULL,
    revenue_cents INTEGER NOT NULL,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (date, region, segment)
  )`);
  return db;
}

/** Replaces the rows of one (date, region) partition with `rows`, atomically. */
export function replacePartition(
  db: Database.Database,
  date: string,
  region: string,
  rows: readonly SegmentRevenue[],
  loadedAt = new Date(),
): WarehouseSummary {
  const remove = db.prepare("DELETE FROM revenue_by_segment WHERE date = ? AND region = ?");
  const insert = db.prepare(
    `INSERT OR REPLACE INTO revenue_by_segment (date, region, segment, orders, revenue_cents, loaded_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    remove.run(date, region);
    for (const row of rows) insert.run(date, region, row.segment, row.orders, row.revenueCents, loadedAt.toISOString());
  })();
  return summarizePartition(db, date, region);
}

/** What the warehouse holds for one (date, region) partition. */
export function summarizePartition(db: Database.Database, date: string, region: string): WarehouseSummary {
  const row = db
    .prepare(
      `SELECT COUNT(*) AS rows, COALESCE(SUM(orders), 0) AS orders, COALESCE(SUM(revenue_cents), 0) AS revenueCents
       FROM revenue_by_segment WHERE date = ? AND region = ?`,
    )
    .get(date, region) as WarehouseSummary;
  return { rows: row.rows, orders: row.orders, revenueCents: row.revenueCents };
}
