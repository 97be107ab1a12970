/**
 * The store floor: how many durable single-row transactional updates per second the database does
 * from one connection, with the settings Tributary uses (SQLite: WAL, synchronous=FULL, BEGIN
 * IMMEDIATE; PostgreSQL: default durability). Nothing that records state can beat it per commit.
 */
import { join } from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import type { BenchResult, BenchStore } from "./types.js";

const COMMITS = 2_000;

export async function storeFloor(store: BenchStore, where: { dir: string; pgUrl: string }): Promise<BenchResult> {
  const perSecond = store === "sqlite" ? sqliteFloor(join(where.dir, "floor.db")) : await postgresFloor(where.pgUrl);
  return { name: "store_floor", store, metric: "commits_per_s", value: perSecond, unit: "1/s", baseline: null, ratio: null };
}

function sqliteFloor(path: string): number {
  const db = new SQLite(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  // (A second run in the same directory, e.g. two smoke runs, finds the table there.)
  db.exec("create table if not exists t (id integer primary key, v integer not null); insert or replace into t values (1, 0);");
  const begin = db.prepare("begin immediate");
  const update = db.prepare("update t set v = v + 1 where id = 1");
  const commit = db.prepare("commit");
  const started = performance.now();
  for (let i = 0; i < COMMITS; i++) {
    begin.run();
    update.run();
    commit.run();
  }
  const seconds = (performance.now() - started) / 1_000;
  db.close();
  return COMMITS / seconds;
}

async function postgresFloor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const table = `bench_floor_${process.pid}`;
  try {
    await client.query(`create table ${table} (id int primary key, v int not null)`);
    await client.query(`insert into ${table} values (1, 0)`);
    const started = performance.now();
    for (let i = 0; i < COMMITS; i++) {
      await client.query("begin");
      await client.query(`update ${table} set v = v + 1 where id = 1`);
      await client.query("commit");
    }
    return COMMITS / ((performance.now() - started) / 1_000);
  } finally {
    await client.query(`drop table if exists ${table}`);
    await client.end();
  }
}
