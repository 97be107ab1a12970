// The PostgreSQL store runs its statements as named prepared statements (parsed and planned once
// per connection), and survives a migration made by another process while it runs: a prepared
// `select *` then fails with "cached plan must not change result type", which the store answers
// by preparing its statements anew.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTransientStoreError } from "../../src/store/contract/transient-error.js";
import { openStoreAt } from "../../src/store/open-store.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { preparingPool } from "../../src/store/postgres/prepared-statements.js";
import { at, runInput } from "../conformance/driver.js";
import { graph } from "../conformance/fixtures.js";
import { TEST_PG_URL } from "../conformance/stores.js";

const schema = `prepared_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: TEST_PG_URL });

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.query(`create table ${schema}.t (id int primary key, a text)`);
  await admin.query(`insert into ${schema}.t values (1, 'one')`);
});

afterAll(async () => {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
});

describe("preparingPool", () => {
  it("prepares a query's text once per connection from its second run on, and never DDL or transaction control", async () => {
    const pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 1, options: `-c search_path=${schema}` });
    const preparing = preparingPool(pool);
    const client = await preparing.connect();
    const preparedTexts = async () => (await client.query<{ statement: string }>("select statement from pg_prepared_statements order by prepare_time", [])).rows.map((row) => row.statement);
    try {
      for (let i = 0; i < 3; i++) expect((await client.query<{ a: string }>("select a from t where id = $1", [1])).rows).toEqual([{ a: "one" }]);
      await client.query("begin", []);
      await client.query("create temporary table scratch (x int)", []);
      await client.query("commit", []);
      // Its first run is unnamed: it is not listed by itself.
      expect(await preparedTexts()).toEqual(["select a from t where id = $1"]);
      expect(await preparedTexts()).toEqual(["select a from t where id = $1", "select statement from pg_prepared_statements order by prepare_time"]);
    } finally {
      client.release();
      await pool.end();
    }
  });

  it("gives its names to texts that repeat: texts run once (an unusual list length, a report) do not use them up", async () => {
    const pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 1, options: `-c search_path=${schema}` });
    const preparing = preparingPool(pool, 2);
    const client = await preparing.connect();
    try {
      for (let n = 1; n <= 5; n++) await client.query(`select a from t where id in (${Array.from({ length: n }, (_, i) => `$${i + 1}`).join(", ")})`, Array.from({ length: n }, () => 1));
      for (let i = 0; i < 3; i++) await client.query("select a from t where id = $1", [1]);
      const prepared = await client.query<{ statement: string }>("select statement from pg_prepared_statements", []);
      expect(prepared.rows.map((row) => row.statement)).toEqual(["select a from t where id = $1"]);
    } finally {
      client.release();
      await pool.end();
    }
  });

  it("runs a statement again once a change of its table made its prepared plan stale, outside a transaction", async () => {
    const pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 1, options: `-c search_path=${schema}` });
    const preparing = preparingPool(pool);
    const client = await preparing.connect();
    try {
      // Run twice: a text is prepared from its second run on.
      for (let i = 0; i < 2; i++) expect((await client.query("select * from t where id = $1", [1])).rows).toEqual([{ id: 1, a: "one" }]);
      await admin.query(`alter table ${schema}.t add column b text default 'bee'`);
      expect((await client.query("select * from t where id = $1", [1])).rows).toEqual([{ id: 1, a: "one", b: "bee" }]);
    } finally {
      client.release();
    }
    // Next time out of the pool, the connection holding the stale statement is a new one.
    const again = await preparing.connect();
    try {
      // Asked twice, so that the question itself is prepared (under the new names) the second time.
      await again.query("select name from pg_prepared_statements", []);
      const prepared = await again.query<{ name: string }>("select name from pg_prepared_statements", []);
      expect(prepared.rows.map((row) => row.name)).toEqual([expect.stringMatching(/^tributary_1_/)]);
    } finally {
      again.release();
      await pool.end();
    }
  });
});

describe("the store across a migration made elsewhere", () => {
  it("fails a transaction whose prepared plan went stale with a transient error, and succeeds when it is retried", async () => {
    const storeSchema = `${schema}_store`;
    const store = openPostgresStore({ url: TEST_PG_URL, schema: storeSchema, maxConnections: 1 });
    try {
      const report = await store.migrate();
      if (report.error) throw report.error;
      const g = graph("prep", [{ id: "w1" }, { id: "w2", upstream: ["w1"] }, { id: "a", upstream: ["w2"] }, { id: "b", upstream: ["a"] }]);
      await store.createRun(runInput(g, { runId: "prep" }));
      // Claimed and completed three times: a text is prepared from its second run on, and the
      // completion reads `task_instances.*` inside its transaction.
      for (const [i, taskId] of ["w1", "w2", "a"].entries()) {
        const [claimed] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["prep"], now: at(1 + 2 * i) });
        if (claimed?.instance.taskId !== taskId) throw new Error(`${taskId} not claimed`);
        const { results } = await store.completeTries([{ taskInstanceId: claimed.instance.id, tryNumber: claimed.tryNumber, outcome: "success", result: 1, graph: g, now: at(2 + 2 * i) }]);
        expect(results[0]?.applied).toBe(true);
      }
      await admin.query(`alter table ${storeSchema}.task_instances add column added_elsewhere text`);
      const failures: unknown[] = [];
      const [b] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["prep"], now: at(7) }).catch(async (error: unknown) => {
        failures.push(error);
        expect(isTransientStoreError(error)).toBe(true);
        return store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["prep"], now: at(7) });
      });
      if (!b) throw new Error("b not claimed");
      const complete = () => store.completeTries([{ taskInstanceId: b.instance.id, tryNumber: b.tryNumber, outcome: "success", result: 2, graph: g, now: at(8) }]);
      const done = await complete().catch((error: unknown) => {
        failures.push(error);
        expect(isTransientStoreError(error)).toBe(true);
        return complete();
      });
      // The claim's prepared `task_instances.*` went stale: that transaction failed, once.
      expect(failures.map((error) => (error as Error).message)).toEqual(["cached plan must not change result type"]);
      expect(done.results[0]).toMatchObject({ state: "success", runState: "success", applied: true });
    } finally {
      await store.close();
      await admin.query(`drop schema if exists ${storeSchema} cascade`);
    }
  });
});

describe("?prepare=false", () => {
  it("runs every statement unnamed: a migration made elsewhere fails none of them", async () => {
    const storeSchema = `${schema}_unnamed`;
    const store = openStoreAt(`${TEST_PG_URL}?schema=${storeSchema}&prepare=false`);
    try {
      const report = await store.migrate();
      if (report.error) throw report.error;
      const g = graph("unnamed", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
      await store.createRun(runInput(g, { runId: "unnamed" }));
      const [a] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["unnamed"], now: at(1) });
      if (!a) throw new Error("a not claimed");
      await store.completeTries([{ taskInstanceId: a.instance.id, tryNumber: a.tryNumber, outcome: "success", result: 1, graph: g, now: at(2) }]);
      await admin.query(`alter table ${storeSchema}.task_instances add column added_elsewhere text`);
      const [b] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["unnamed"], now: at(3) });
      expect(b?.instance.taskId).toBe("b");
    } finally {
      await store.close();
      await admin.query(`drop schema if exists ${storeSchema} cascade`);
    }
  });
});
