/**
 * `createRuns` when another process creates one of its intervals' runs between the store's check
 * for existing runs and its INSERT (two schedulers catching up at once, a scheduler beside a
 * backfill). The unique index on (DAG, logical date) keeps that interval to one run; the store
 * then creates each run in a transaction of its own, and the interval that lost answers with the
 * run that won (store contract, `createRuns`). PostgreSQL only: SQLite has one writer at a time,
 * so its check and INSERT cannot be overtaken.
 *
 * The race is made, not hoped for: an open transaction of another connection holds an uncommitted
 * run of one of the dates, so the store's check does not see it and its INSERT waits on the unique
 * index until that transaction commits.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import type { Store } from "../../src/store/index.js";
import { at, runInput } from "../conformance/driver.js";
import { graph } from "../conformance/fixtures.js";
import { TEST_PG_URL } from "../conformance/stores.js";

const schema = `create_runs_race_${randomBytes(4).toString("hex")}`;
const DAY = 86_400_000;
const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * DAY);

let store: Store;
const other = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });

beforeAll(async () => {
  store = openPostgresStore({ url: TEST_PG_URL, schema, maxConnections: 2 });
  const report = await store.migrate();
  if (report.error) throw report.error;
  await other.connect();
});

afterAll(async () => {
  await other.end();
  await store.close();
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
});

/** Resolves once a statement of the store waits on the open transaction of `other` (its INSERT, on the unique index). */
async function storeWaitsOnOther(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const waiting = await other.query<{ n: string }>("select count(*) as n from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))");
    if (Number(waiting.rows[0]?.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the store's INSERT never waited on the open transaction");
}

describe("createRuns racing another process on PostgreSQL", () => {
  it("answers the interval another process created meanwhile with that run, and creates the others", async () => {
    const g = graph("raced", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
    const scheduled = (n: number) => runInput(g, { runId: `raced_${n}`, runType: "scheduled", logicalDate: day(n), now: at(1) });
    // A run of day 0, copied below as the other process's run of day 1.
    await store.createRun(scheduled(0));

    await other.query("begin");
    await other.query("create temporary table won on commit drop as select * from dag_runs where run_id = 'raced_0'");
    await other.query("update won set run_id = 'won_elsewhere', logical_date = $1, data_interval_start = $1, data_interval_end = $2", [day(1).getTime(), day(2).getTime()]);
    await other.query("insert into dag_runs select * from won");

    const racing = store.createRuns([scheduled(1), scheduled(2), scheduled(3)]);
    try {
      await storeWaitsOnOther();
    } finally {
      await other.query("commit");
    }
    const results = await racing;

    expect(results.map((r) => [r.run.runId, r.created])).toEqual([
      ["won_elsewhere", false],
      ["raced_2", true],
      ["raced_3", true],
    ]);
    const runs = await store.listRuns({ dagId: "raced", limit: 10 });
    expect(runs.map((r) => r.runId).sort()).toEqual(["raced_0", "raced_2", "raced_3", "won_elsewhere"]);
    // The runs it created are whole: their instances exist, the root queued.
    for (const runId of ["raced_2", "raced_3"]) {
      expect((await store.listTaskInstances(runId)).map((ti) => [ti.taskId, ti.state])).toEqual([
        ["a", "queued"],
        ["b", "scheduled"],
      ]);
    }
  });
});
