// A worker's heartbeat may run while its own completion batch holds some of the same instances:
// both lock task instances, and must take them in the same order, or each waits for the other
// and PostgreSQL ends one of them as a deadlock (40P01). A completion locks in the order of run
// and id (each run before its instances: complete-tries.ts); so must the heartbeat. Likewise a
// scheduler starting the queued runs of many DAGs and a DAG reload writing many DAGs both take
// DAG rows: in the order of the DAG ids (sql/shared/locks.ts compareDagIds).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { at, runInput } from "../conformance/driver.js";
import { graph } from "../conformance/fixtures.js";
import { TEST_PG_URL } from "../conformance/stores.js";

const schema = `lock_order_${randomBytes(4).toString("hex")}`;
const client = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });

afterAll(async () => {
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
});

it("a heartbeat takes its instances in the order a completion does, so the two never deadlock", { timeout: 20_000 }, async () => {
  const store = openPostgresStore({ url: TEST_PG_URL, schema, maxConnections: 2 });
  try {
    const report = await store.migrate();
    if (report.error) throw report.error;
    await client.connect();
    const g = graph("locks", [{ id: "t" }]);
    // Run "b" is created first: its instance has the lower id, its run the higher run id.
    await store.createRun(runInput(g, { runId: "b" }));
    await store.createRun(runInput(g, { runId: "a" }));
    const claimed = await store.claimNextTasks({ workerId: "w", limit: 2, dagIds: ["locks"], now: at(1) });
    const idOf = (runId: string) => claimed.find((c) => c.run.runId === runId)?.instance.id as number;
    expect(idOf("b")).toBeLessThan(idOf("a"));
    // A completion of both, as completeTries locks them: run a and its instance, then run b and its.
    await client.query("begin");
    await client.query("set local deadlock_timeout = '200ms'");
    await client.query("select 1 from dag_runs r join task_instances i on i.run_id = r.run_id where i.id = $1 for update of r, i", [idOf("a")]);
    const beat = store.heartbeat("w", [idOf("b"), idOf("a")], at(2));
    // Give the heartbeat time to take what it can and wait for the rest.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.query("select 1 from dag_runs r join task_instances i on i.run_id = r.run_id where i.id = $1 for update of r, i", [idOf("b")]);
    await client.query("commit");
    expect((await beat).sort()).toEqual([idOf("a"), idOf("b")].sort());
  } finally {
    await client.query("rollback").catch(() => undefined);
    await store.close();
  }
});

it("starting the queued runs of many DAGs and recording many DAGs take the DAGs' rows in one order, so the two never deadlock", { timeout: 20_000 }, async () => {
  const dagSchema = `${schema}_dags`;
  const starter = openPostgresStore({ url: TEST_PG_URL, schema: dagSchema, maxConnections: 1 });
  const reloader = openPostgresStore({ url: TEST_PG_URL, schema: dagSchema, maxConnections: 1 });
  const holder = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${dagSchema}` });
  try {
    const report = await starter.migrate();
    if (report.error) throw report.error;
    await holder.connect();
    const now = at(1);
    // The file a.ts defines DAG "zz", b.ts defines "aa": a reload lists them zz first.
    const dags = [
      { dagId: "zz", file: "a.ts", graph: graph("zz", [{ id: "t" }]) },
      { dagId: "aa", file: "b.ts", graph: graph("aa", [{ id: "t" }]) },
    ];
    await starter.upsertDags({ dags, now });
    for (const { dagId, graph: g } of dags) await starter.createRun(runInput(g, { runId: `${dagId}_r`, runType: "scheduled", start: false }));
    // Another transaction holds aa's queued run a moment: the start takes aa's DAG row, then waits.
    await holder.query("begin");
    await holder.query("set local deadlock_timeout = '200ms'");
    await holder.query("select run_id from dag_runs where run_id = 'aa_r' for update");
    const start = starter.startQueuedRunsOfDags(dags.map(({ dagId, graph: g }) => ({ dagId, graph: g, maxActiveRuns: 5, now })));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The reload: had it taken zz's row first, the start would wait on it next, and it on the start.
    const reload = reloader.upsertDags({ dags, now: at(2) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await holder.query("commit");
    const [started, reloaded] = await Promise.allSettled([start, reload]);
    expect(reloaded).toEqual({ status: "fulfilled", value: undefined });
    expect(started.status === "fulfilled" && started.value.map((runs) => runs.map((run) => run.runId))).toEqual([["zz_r"], ["aa_r"]]);
  } finally {
    await holder.query("rollback").catch(() => undefined);
    await holder.query(`drop schema if exists ${dagSchema} cascade`).catch(() => undefined);
    await holder.end().catch(() => undefined);
    await starter.close();
    await reloader.close();
  }
});
