/**
 * Prints the query plans of the engine's hot queries (the claim, readiness, the completion check)
 * on both dialects, on a store holding one run of 10,000 mapped instances (and 2,000 finished runs), to check that they use
 * the claim and run-state indexes (migration 000009) and the retry and wake-up indexes, partial since migration 000021
 * (which also made the claim index partial: it holds the queued instances alone). `node --import tsx bench/explain-hot-queries.ts`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { openSqliteStore } from "../src/store/sqlite/open-sqlite-store.js";
import { openPostgresStore } from "../src/store/postgres/open-postgres-store.js";

const PG_URL = process.env["TRIBUTARY_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

const claim = `select task_instances.*, dag_runs.state as run_state from task_instances inner join dag_runs on dag_runs.run_id = task_instances.run_id where task_instances.state = 'queued' and task_instances.dag_id in ('d') order by priority desc, queued_at asc, id asc limit 64`;
const waiting = `select 'waiting' as part, id, state, 1 as n from task_instances where run_id = 'r' and task_id = 'sum' and state = 'scheduled' union all select 'upstream' as part, 0 as id, state, count(*) as n from task_instances where run_id = 'r' and task_id in ('m') group by state order by part desc`;
const counts = `select state, count(*) as n from task_instances where run_id = 'r' and task_id in ('m') group by state`;
const probe = `select state from task_instances where run_id = 'r' and state in ('scheduled', 'queued', 'running', 'retrying') and task_id in ('m') limit 1`;
const open = `select id from task_instances where run_id = 'r' and state not in ('success', 'failed', 'skipped', 'upstream_failed') order by task_id desc, map_index desc limit 1`;
const retryDue = `select id from task_instances where state = 'retrying' and next_retry_at <= 5000 limit 1`;
const nextRetry = `select min(next_retry_at) as next from task_instances where state = 'retrying'`;
const nextWake = `select wake_at from task_instances where state = 'deferred' and wake_at is not null and dag_id in ('d') order by wake_at limit 1`;
const wakeDue = `select id from task_instances where state = 'deferred' and wake_at <= 5000 and dag_id in ('d') order by wake_at, id limit 64`;
const queries = { claim, waiting, counts, probe, open, retryDue, nextRetry, nextWake, wakeDue };

/** A few instances that wait: retrying ones (next_retry_at) and deferred ones (wake_at), migration 000018. */
const waiters = `insert into task_instances (run_id, dag_id, task_id, map_index, state, try_number, max_tries, priority, queued_at, updated_at, next_retry_at, wake_at)
  values ${Array.from({ length: 50 }, (_, i) => `('r', 'd', 'w', ${i}, '${i % 2 === 0 ? "retrying" : "deferred"}', 1, 3, 0, null, 1, ${i % 2 === 0 ? 1000 * i : "null"}, ${i % 2 === 0 ? "null" : 1000 * i})`).join(", ")}`;

/** One run: 10,000 queued instances of `m`, 1,000 finished ones of an older run, a waiting `sum`. */
function rows(): string {
  const values: string[] = [];
  for (let i = 0; i < 10_000; i++) values.push(`('r', 'd', 'm', ${i}, 'queued', 0, 1, 0, 1000, 1)`);
  for (let i = 0; i < 1_000; i++) values.push(`('old', 'd', 'm', ${i}, 'success', 1, 1, 0, 1000, 1)`);
  values.push(`('r', 'd', 'sum', -1, 'scheduled', 0, 1, 0, null, 1)`);
  return `insert into task_instances (run_id, dag_id, task_id, map_index, state, try_number, max_tries, priority, queued_at, updated_at) values ${values.join(", ")}`;
}
const runs = `insert into dag_runs (run_id, dag_id, run_type, state, logical_date, data_interval_start, data_interval_end, params, created_at, updated_at)
  values ('r', 'd', 'manual', 'running', 0, 0, 0, '{}', 0, 0), ('old', 'd', 'manual', 'success', 0, 0, 0, '{}', 0, 0),
  ${Array.from({ length: 2_000 }, (_, i) => `('older${i}', 'd', 'manual', 'success', ${i + 1}, 0, 0, '{}', 0, 0)`).join(", ")}`;

const dir = mkdtempSync(join(tmpdir(), "tributary-explain-"));
try {
  const path = join(dir, "e.db");
  const store = openSqliteStore({ path });
  const report = await store.migrate();
  if (report.error) throw report.error;
  await store.close();
  const db = new SQLite(path);
  db.exec(runs);
  db.exec(rows());
  db.exec(waiters);
  if (!process.env["NO_ANALYZE"]) db.exec("analyze");
  console.log("SQLite");
  for (const [name, query] of Object.entries(queries)) {
    const plan = db.prepare(`explain query plan ${query}`).all() as { detail: string }[];
    console.log(`  ${name}: ${plan.map((p) => p.detail).join(" | ")}`);
  }
  db.close();

  const schema = `explain_${process.pid}`;
  const pgStore = openPostgresStore({ url: PG_URL, schema });
  const pgReport = await pgStore.migrate();
  if (pgReport.error) throw pgReport.error;
  await pgStore.close();
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(runs);
    await client.query(rows());
    await client.query(waiters);
    await client.query("analyze task_instances");
    console.log("PostgreSQL");
    for (const [name, query] of Object.entries(queries)) {
      const plan = await client.query<{ "QUERY PLAN": string }>(`explain ${query}`);
      console.log(`  ${name}: ${plan.rows.map((r) => r["QUERY PLAN"].trim()).join(" | ")}`);
    }
  } finally {
    await client.query(`drop schema ${schema} cascade`);
    await client.end();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
