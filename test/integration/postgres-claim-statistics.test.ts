// A claim reads the queued instances in priority order through the claim index, and stops at its
// limit. PostgreSQL takes that plan only when its statistics know how many instances are queued:
// on a table it has never analysed, or after a mapped task queued thousands of instances at once,
// it reads every queued row and sorts them, on every claim (measured: 0.05 ms a claim with
// statistics, 0.9 ms without, at 2,500 queued). Autovacuum analyses a table a minute or more
// later; a fan-out is drained by then. So the store analyses task_instances itself, after
// committing a transaction that queued many instances.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { TEST_PG_URL } from "../conformance/stores.js";
import { at, runInput } from "../conformance/driver.js";
import { graph } from "../conformance/fixtures.js";

const schema = `claim_stats_${randomBytes(4).toString("hex")}`;
const stepSchema = `claim_stats_step_${randomBytes(4).toString("hex")}`;
const wideSchema = `claim_stats_wide_${randomBytes(4).toString("hex")}`;
const client = new pg.Client({ connectionString: TEST_PG_URL });

afterAll(async () => {
  for (const name of [schema, stepSchema, wideSchema]) await client.query(`drop schema if exists ${name} cascade`);
  await client.end();
});

/** Whether `task_instances` of `inSchema` has been analysed within `withinMs` (the analysis runs after the commit, off the call's path). */
async function analysedSoon(inSchema: string, withinMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const row = await client.query<{ n: string }>(`select count(*) as n from pg_stats where schemaname = $1 and tablename = 'task_instances' and attname = 'state'`, [inSchema]);
    if (Number(row.rows[0]?.n) > 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The plan of the claim's own SQL (as the store sent it) with its parameters, planned as `mode` says. */
async function claimPlan(claimSql: string, mode: "force_custom_plan" | "force_generic_plan"): Promise<string> {
  await client.query("begin");
  try {
    await client.query(`set local search_path = ${schema}`);
    await client.query(`set local plan_cache_mode = ${mode}`);
    await client.query(`prepare claim as ${claimSql}`);
    const plan = await client.query<{ "QUERY PLAN": string }>(`explain execute claim('fan', 64)`);
    return plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
  } finally {
    await client.query("rollback");
    await client.query("deallocate all");
  }
}

it("after a mapped task queues 3,000 instances, the claim reads them through its index, not a sort of them all", { timeout: 30_000 }, async () => {
  await client.connect();
  const statements: string[] = [];
  const store = openPostgresStore({ url: TEST_PG_URL, schema, maxConnections: 2, onQuery: (text) => statements.push(text) });
  try {
    const report = await store.migrate();
    if (report.error) throw report.error;
    const g = graph("fan", [{ id: "src" }, { id: "m", mapOver: "src" }]);
    await store.createRun(runInput(g, { runId: "fan" }));
    const [src] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["fan"], now: at(1) });
    if (!src) throw new Error("src not claimed");
    const { results } = await store.completeTries([
      { taskInstanceId: src.instance.id, tryNumber: src.tryNumber, outcome: "success", result: Array.from({ length: 3_000 }, (_, i) => i), graph: g, now: at(2) },
    ]);
    expect(results[0]?.queued).toBe(3_000);
    expect(await analysedSoon(schema)).toBe(true);
    // The claim as the store sends it: queued instances of the DAG, its limit, nothing else.
    const claimSql = statements.find((text) => /from "task_instances" inner join "dag_runs"/.test(text) && /skip locked/.test(text));
    if (claimSql === undefined) throw new Error("no claim statement seen");
    // The state is in the text (the claim index holds the queued instances alone, sql/shared/state-literal.ts).
    expect(claimSql).toContain(`"task_instances"."state" = 'queued'`);
    expect(claimSql.match(/\$\d+/g)).toEqual(["$1", "$2"]);
    // The store's statements are prepared: PostgreSQL may keep a generic plan after five runs.
    for (const mode of ["force_custom_plan", "force_generic_plan"] as const) {
      const plan = await claimPlan(claimSql, mode);
      expect(plan, mode).toMatch(/Index Scan using task_instances_claim_order/);
      expect(plan, mode).not.toMatch(/Sort/);
    }
  } finally {
    await store.close();
  }
});

it("a step recorded in one round trip that queues 1,040 instances is followed by the same analysis", { timeout: 30_000 }, async () => {
  // 40 roots of 26 downstream tasks each: their successes, one batch through tributary_step.
  const roots = Array.from({ length: 40 }, (_, i) => `r${i}`);
  const g = graph("wide", [...roots.map((id) => ({ id })), ...roots.flatMap((root) => Array.from({ length: 26 }, (_, j) => ({ id: `${root}_${j}`, upstream: [root] })))]);
  // Creating a run of 1,080 tasks has the table analysed too: done by a store of its own, closed
  // (which waits for that analysis), and its statistics removed, so that the step's own analysis
  // is what is seen below, and none of the creation's statements is counted with the step's.
  const creator = openPostgresStore({ url: TEST_PG_URL, schema: stepSchema, maxConnections: 2 });
  try {
    const report = await creator.migrate();
    if (report.error) throw report.error;
    await creator.createRun(runInput(g, { runId: "wide" }));
  } finally {
    await creator.close();
  }
  await client.query(`delete from pg_statistic where starelid = '${stepSchema}.task_instances'::regclass`);
  expect(await analysedSoon(stepSchema, 0)).toBe(false);
  const statements: string[] = [];
  const store = openPostgresStore({ url: TEST_PG_URL, schema: stepSchema, maxConnections: 2, onQuery: (text) => statements.push(text) });
  try {
    const claimed = await store.claimNextTasks({ workerId: "w", limit: 40, dagIds: ["wide"], now: at(1) });
    statements.length = 0;
    const { results } = await store.completeTries(
      claimed.map((c) => ({ taskInstanceId: c.instance.id, taskId: c.instance.taskId, tryNumber: c.tryNumber, outcome: "success" as const, result: 1, graph: g, now: at(2) })),
    );
    expect(statements).toHaveLength(1);
    expect(results.reduce((sum, r) => sum + r.queued, 0)).toBe(1_040);
    expect(await analysedSoon(stepSchema)).toBe(true);
  } finally {
    await store.close();
  }
});

it("creating a run of 1,000 task instances is followed by the same analysis (its readiness reads plan by the run's size)", { timeout: 30_000 }, async () => {
  const g = graph("thousand", Array.from({ length: 1_000 }, (_, i) => ({ id: `t${i}`, upstream: i === 0 ? [] : [`t${i - 1}`] })));
  const store = openPostgresStore({ url: TEST_PG_URL, schema: wideSchema, maxConnections: 2 });
  try {
    const report = await store.migrate();
    if (report.error) throw report.error;
    await store.createRun(runInput(g, { runId: "thousand" }));
    expect(await analysedSoon(wideSchema)).toBe(true);
  } finally {
    await store.close();
  }
});
