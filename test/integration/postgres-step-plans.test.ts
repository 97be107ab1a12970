/**
 * The step function's statements find a batch's rows by their keys, whatever the tables' size and
 * whatever their statistics say. The function runs its statements with generic plans
 * (step-function-sql.ts), planned once per connection from the statistics of the moment, not from
 * the batch. Found on fanout10k:
 * - a join of the batch (a set read from the argument, guessed at 100 rows) to `task_instances`
 *   or `task_tries` was planned as a hash join that read the whole table at every step, or, on
 *   statistics taken while `task_tries` was still empty, as a loop reading it whole once per
 *   outcome; with 300,000 instances of history the fan-out ran at two thirds of its pace;
 * - the claim, on a database whose only run is the fan-out, started from the runs and read and
 *   sorted the run's whole queue at every claim, instead of reading the claim index in order up
 *   to its limit.
 * - with sorting off for every statement (a first fix for the claim), the lock taken in the order
 *   of run and id read a whole index in that order (an incremental sort), at every step.
 * Every nested statement's plan of one step, as auto_explain reports it (with the rows each node
 * read), is checked.
 */
import { randomBytes } from "node:crypto";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { registerServedDagSet, servedDagLists } from "../../src/store/postgres/served-dag-sets.js";
import { stepArgument } from "../../src/store/postgres/step-function.js";
import { STEP_FUNCTION_NAME } from "../../src/store/postgres/step-function-sql.js";
import type { Database } from "../../src/store/sql/schema.js";
import { stepCall } from "../../src/store/sql/shared/step-call.js";
import type { ClaimRequest, Store } from "../../src/store/index.js";
import type { DagGraph } from "../../src/core/types.js";
import { at, runInput } from "../conformance/driver.js";
import { wideGraph } from "../conformance/fixtures.js";
import { TEST_PG_URL } from "../conformance/stores.js";

const FANOUT = wideGraph("fanout", 3_000);
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A store in a schema of its own, and a client and a Kysely instance of the test's own on that schema. */
async function place(): Promise<{ store: Store; client: pg.Client; db: Kysely<Database> }> {
  const schema = `step_plans_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  const store = openPostgresStore({ url: TEST_PG_URL, schema });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}`, max: 1 }) }) });
  cleanups.push(async () => {
    await store.close();
    await db.destroy();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });
  const report = await store.migrate();
  if (report.error) throw report.error;
  await client.query(`set search_path to ${schema}`);
  return { store, client, db };
}

/** The DAGs the step's worker serves: the graph's among 3,000, as a service's worker serves every DAG of its folder. */
function servedDags(graph: DagGraph): string[] {
  return [...Array.from({ length: 2_999 }, (_, i) => `other_${String(i).padStart(4, "0")}`), graph.dagId];
}

/**
 * Claims 64 of the fan-out's instances through the store, then calls the step function from the
 * test's session for their 64 successes and a claim of 64 more: returns the plans of the call's
 * statements.
 */
async function stepPlans(store: Store, client: pg.Client, db: Kysely<Database>, graph: DagGraph, options: { wakeEvery?: boolean } = {}): Promise<string[]> {
  const dagIds = servedDags(graph);
  const claim: ClaimRequest = { workerId: "worker-1", limit: 64, dagIds, ...(options.wakeEvery ? { wakeDagIds: dagIds } : {}), now: at(1) };
  const claimed = await store.claimNextTasks(claim);
  expect(claimed).toHaveLength(64);
  const call = stepCall(
    claimed.map((c) => ({ taskInstanceId: c.instance.id, taskId: c.instance.taskId, tryNumber: c.tryNumber, outcome: "success" as const, result: null, graph, now: at(2) })),
    { ...claim, now: at(2) },
  );
  if (call?.claim == null) throw new Error("the step's call has no claim");
  const set = servedDagLists(call.claim.dags, call.claim.wake);
  await registerServedDagSet(db, set);
  const dagSet = set.key;
  // Other workers' lists, and statistics that know them all.
  await registerServedDagSet(db, servedDagLists(dagIds.slice(1_000), []));
  await registerServedDagSet(db, servedDagLists(dagIds.map((dagId) => `${dagId}_staging`), []));
  await client.query(`analyze served_dag_sets, served_dag_set_members`);
  const plans: string[] = [];
  client.on("notice", (notice) => plans.push(notice.message ?? ""));
  // auto_explain is loaded into this session alone, whose generic plans are made now.
  await client.query(`load 'auto_explain'`);
  await client.query(`set auto_explain.log_min_duration = 0`);
  await client.query(`set auto_explain.log_nested_statements = on`);
  await client.query(`set auto_explain.log_analyze = on`);
  await client.query(`set client_min_messages = log`);
  const { rows } = await client.query<{ step: { claimed?: unknown[]; fallback?: boolean } }>(`select ${STEP_FUNCTION_NAME}($1::jsonb) as step`, [JSON.stringify(stepArgument(call, "unused", dagSet))]);
  await client.query(`set client_min_messages = notice`);
  client.removeAllListeners("notice");
  expect(rows[0]?.step.fallback).toBeUndefined();
  expect(rows[0]?.step.claimed).toHaveLength(Math.min(64, graph.tasks.length - 64));
  expect(plans.length).toBeGreaterThan(5);
  return plans;
}

function seqScans(plans: readonly string[]): string[] {
  return plans.flatMap((plan) => plan.match(/Seq Scan on (task_instances|task_tries|served_dag_set_members)\b/g) ?? []);
}

/** Plan nodes that read rows only to throw them away: an index read whole, or a join's rows compared one by one. */
function rowsReadForNothing(plans: readonly string[]): string[] {
  return plans.flatMap((plan) => [...plan.matchAll(/Rows Removed by (?:Join )?Filter: (\d+)/g)].filter((match) => Number(match[1]) > 500).map((match) => match[0]));
}

/** No table read whole, no rows read for nothing, the lists of DAGs read by key, and the claim in its index's order. */
function expectReadByKey(plans: readonly string[]): void {
  expect(seqScans(plans)).toEqual([]);
  expect(rowsReadForNothing(plans)).toEqual([]);
  expect(membersReadOtherwise(plans)).toEqual([]);
  expectClaimInOrder(plans);
}

/**
 * Reads of the worker's lists other than one member by its key (the list's and the DAG's): a
 * plan that hashes the list's members (3,000 of them) at every claim reads them by list alone.
 */
function membersReadOtherwise(plans: readonly string[]): string[] {
  return plans.flatMap((plan) => {
    const lines = plan.split("\n");
    return lines.flatMap((line, i) => {
      if (!/ on served_dag_set_members\b/.test(line)) return [];
      const condition = lines[i + 1] ?? "";
      return /Index Cond: \(\(set_key = \$\d+\) AND \(dag_id = /.test(condition) ? [] : [`${line.trim()} / ${condition.trim()}`];
    });
  });
}

/** The claim reads the queue in the claim's order and stops at its limit: it never reads a run's whole queue to sort it. */
function expectClaimInOrder(plans: readonly string[]): void {
  const claimPlan = plans.find((plan) => plan.includes("for update skip locked"));
  expect(claimPlan).toContain("task_instances_claim_order");
  expect(claimPlan).not.toMatch(/Sort Key: t\.priority/);
}

it("with a history of 3,120 runs, a step of 64 outcomes and a claim of 64 reads task_instances and task_tries by index", async () => {
  const { store, client, db } = await place();
  // History: 120 finished runs of 100 instances and 3,000 of one, each instance with its try.
  const history = wideGraph("history", 100);
  for (let day = 1; day <= 120; day += 1) await store.createRun(runInput(history, { logicalDate: new Date(Date.UTC(2024, 0, day)) }));
  const single = wideGraph("single", 1);
  const singles = Array.from({ length: 3_000 }, (_, day) => runInput(single, { logicalDate: new Date(Date.UTC(2015, 0, 1) + day * 86_400_000) }));
  for (let from = 0; from < singles.length; from += 500) await store.createRuns(singles.slice(from, from + 500));
  await client.query(`update task_instances set state = 'success', try_number = 1`);
  await client.query(`insert into task_tries (task_instance_id, try_number, outcome, worker_id, queued_at, started_at, ended_at)
    select id, 1, 'success', 'w', 0, 0, 0 from task_instances`);
  // A fan-out's queue, then statistics that know it (as the store's own ANALYZE after a large queue).
  await store.createRun(runInput(FANOUT));
  await client.query(`analyze`);
  expectReadByKey(await stepPlans(store, client, db, FANOUT));
});

it("a claim that comes back short, waking every DAG's waits, reads the lists of DAGs by key", async () => {
  const { store, client, db } = await place();
  const short = wideGraph("short", 100);
  await store.createRun(runInput(short));
  await client.query(`analyze`);
  const plans = await stepPlans(store, client, db, short, { wakeEvery: true });
  expectReadByKey(plans);
  // The wait to wake was looked for (the claim came back short), by the lists' key.
  expect(plans.find((plan) => plan.includes("t.state = 'deferred'"))).toMatch(/on served_dag_set_members/);
});

it("in a new database whose one run is a fan-out, the step reads by index and the claim in the claim's order", async () => {
  const { store, client, db } = await place();
  await store.createRun(runInput(FANOUT));
  await client.query(`analyze`);
  expectReadByKey(await stepPlans(store, client, db, FANOUT));
});
