import type { Selectable } from "kysely";
import type { CreateRunInput, CreateRunResult, DagRunRecord } from "../../contract/store.js";
import type { DagRunTable } from "../schema.js";
import type { DagGraph, TaskSpec } from "../../../core/types.js";
import { NotFoundError } from "../../../core/errors.js";
import { advanceRun, closeRunIfDone, queueRoots } from "./advance.js";
import { runFromRow, UNMAPPED } from "../shared/rows.js";
import { chunks, moveRun, moveRuns, moveTasks, recordCreated, recordRunsCreated, type InstanceRef } from "../shared/transitions.js";
import { indexGraph } from "../../../core/graph-index.js";
import { lockRun, type RowLocks } from "../shared/locks.js";
import type { Tx } from "../shared/tx.js";
import { recordDagVersions } from "./dag-versions.js";

/** Scheduled and backfill runs are unique per (DAG, logical date); manual and event runs are not. */
const UNIQUE_PER_INTERVAL = new Set(["scheduled", "backfill"]);

/** Rows per INSERT: far under either dialect's limit on parameters. */
const ROWS_PER_INSERT = 200;

export async function createRun(tx: Tx, input: CreateRunInput): Promise<CreateRunResult> {
  const [created] = await createRuns(tx, [input]);
  if (created === undefined) throw new Error("createRuns returned no run");
  return created;
}

/**
 * Creates runs (and starts those whose input says so) with a number of statements that does not
 * grow with their number (issue 17: a backfill pass creates many runs at once): the runs of a DAG
 * that exist for their logical dates read in one statement, one INSERT for the runs, one for their
 * task instances, one for each history, one move of the runs to `running` and one of their root
 * instances to `queued`. A scheduled or backfill run whose (DAG, logical date) has a run already,
 * in the store or earlier in `inputs`, is not created: that run is its result. Results are in the
 * order of `inputs`.
 */
export async function createRuns(tx: Tx, inputs: readonly CreateRunInput[]): Promise<CreateRunResult[]> {
  const existing = await existingRuns(tx, inputs);
  const records = new Map<string, DagRunRecord>();
  for (const row of existing.values()) records.set(row.run_id, runFromRow(row));
  // Each input's run: the one its interval has, in the store or made for an earlier input, or its own.
  const runOfInterval = new Map([...existing].map(([key, row]) => [key, row.run_id]));
  const made: CreateRunInput[] = [];
  const results = inputs.map((input) => {
    const key = intervalKey(input);
    const runId = key === undefined ? undefined : runOfInterval.get(key);
    if (runId !== undefined) return { runId, created: false };
    if (key !== undefined) runOfInterval.set(key, input.runId);
    made.push(input);
    return { runId: input.runId, created: true };
  });
  // The versions of the runs it makes, looked up (and kept) together.
  const versions = await recordDagVersions(tx, made.map((input) => ({ graph: input.graph, source: input.source, at: input.now.getTime() })));
  const fresh = made.map((input, i) => {
    const at = input.now.getTime();
    const row: Selectable<DagRunTable> = {
      run_id: input.runId,
      dag_id: input.graph.dagId,
      run_type: input.runType,
      state: "queued",
      logical_date: input.logicalDate.getTime(),
      data_interval_start: input.dataIntervalStart.getTime(),
      data_interval_end: input.dataIntervalEnd.getTime(),
      params: JSON.stringify(input.params),
      created_at: at,
      started_at: null,
      ended_at: null,
      updated_at: at,
      dag_version: versions[i] as string,
    };
    records.set(row.run_id, runFromRow(row));
    return { input, row };
  });
  // The unique index stays the final word if two schedulers race past the check above.
  for (const batch of chunks(fresh, ROWS_PER_INSERT)) await tx.insertInto("dag_runs").values(batch.map((f) => f.row)).execute();
  // (Created at their inputs' times: the history says when each run was made.)
  for (const [at, runs] of groupBy(fresh, (f) => f.input.now.getTime())) await recordRunsCreated(tx, runs.map((f) => f.row), at);
  const instances = await insertRunsTaskInstances(tx, fresh.map(({ input }) => ({ runId: input.runId, dagId: input.graph.dagId, tasks: input.graph.tasks, at: input.now.getTime() })));
  for (const run of await startCreatedRuns(tx, fresh.filter((f) => f.input.start), instances)) records.set(run.runId, run);
  return results.map(({ runId, created }) => {
    const run = records.get(runId);
    if (run === undefined) throw new Error(`createRuns: no record of run ${runId}`);
    return { run, created };
  });
}

/** An input's (DAG, logical date) when its run type is unique per interval. */
function intervalKey(input: CreateRunInput): string | undefined {
  return UNIQUE_PER_INTERVAL.has(input.runType) ? `${input.graph.dagId}\u0000${input.logicalDate.getTime()}` : undefined;
}

/**
 * The scheduled or backfill runs that exist for the inputs' intervals, by interval key: one
 * statement for many DAGs (a tick in which many came due), each DAG's dates a clause of it, at
 * most 64 clauses and 500 dates a statement.
 */
async function existingRuns(tx: Tx, inputs: readonly CreateRunInput[]): Promise<Map<string, Selectable<DagRunTable>>> {
  const found = new Map<string, Selectable<DagRunTable>>();
  const datesByDag = new Map<string, Set<number>>();
  for (const input of inputs) {
    if (intervalKey(input) === undefined) continue;
    const dates = datesByDag.get(input.graph.dagId) ?? new Set<number>();
    dates.add(input.logicalDate.getTime());
    datesByDag.set(input.graph.dagId, dates);
  }
  const clauses = [...datesByDag].flatMap(([dagId, dates]) => chunks([...dates], 500).map((batch) => ({ dagId, dates: batch })));
  for (const statement of statementsOf(clauses)) {
    const rows = await tx
      .selectFrom("dag_runs")
      .selectAll()
      .where((eb) => eb.or(statement.map(({ dagId, dates }) => eb.and([eb("dag_id", "=", dagId), eb("logical_date", "in", dates)]))))
      .where("run_type", "in", ["scheduled", "backfill"])
      .execute();
    for (const row of rows) found.set(`${row.dag_id}\u0000${Number(row.logical_date)}`, row);
  }
  return found;
}

/** Clauses grouped into statements of at most 64 clauses and 500 dates. */
function statementsOf(clauses: readonly { readonly dagId: string; readonly dates: readonly number[] }[]): { readonly dagId: string; readonly dates: readonly number[] }[][] {
  const statements: { readonly dagId: string; readonly dates: readonly number[] }[][] = [];
  let current: { readonly dagId: string; readonly dates: readonly number[] }[] = [];
  let dates = 0;
  for (const clause of clauses) {
    if (current.length > 0 && (current.length === 64 || dates + clause.dates.length > 500)) {
      statements.push(current);
      current = [];
      dates = 0;
    }
    current.push(clause);
    dates += clause.dates.length;
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item)) ?? [];
    group.push(item);
    groups.set(key(item), group);
  }
  return groups;
}

/** One `scheduled` task instance per task (mapped tasks get a placeholder), recorded in the history. */
export async function insertTaskInstances(
  tx: Tx,
  run: { runId: string; dagId: string },
  tasks: readonly TaskSpec[],
  at: number,
): Promise<void> {
  await insertRunsTaskInstances(tx, [{ ...run, tasks, at }]);
}

/** `insertTaskInstances` for several runs: one INSERT per 200 instances, whichever runs they belong to; returns them as inserted. */
async function insertRunsTaskInstances(
  tx: Tx,
  runs: readonly { readonly runId: string; readonly dagId: string; readonly tasks: readonly TaskSpec[]; readonly at: number }[],
): Promise<InstanceRef[]> {
  const rows = runs.flatMap((run) =>
    run.tasks.map((task) => ({
      run_id: run.runId,
      dag_id: run.dagId,
      task_id: task.id,
      map_index: UNMAPPED,
      state: "scheduled" as const,
      try_number: 0,
      max_tries: task.retry.retries + 1,
      priority: task.priority,
      pool: task.pool ?? null,
      queue: task.queue,
      updated_at: run.at,
    })),
  );
  const refs: InstanceRef[] = [];
  for (const batch of chunks(rows, ROWS_PER_INSERT)) {
    const inserted = await tx
      .insertInto("task_instances")
      .values(batch)
      .returning(["id", "run_id", "dag_id", "task_id", "map_index", "state", "updated_at"])
      .execute();
    // RETURNING promises no order: the history follows the order of the runs and their tasks.
    const byKey = new Map(inserted.map((r) => [`${r.run_id}\u0000${r.task_id}`, r]));
    const ordered = batch.map((row) => byKey.get(`${row.run_id}\u0000${row.task_id}`) ?? missing(row.task_id));
    for (const [at, group] of groupBy(ordered, (r) => Number(r.updated_at))) {
      const created = group.map(({ id, run_id, dag_id, task_id, map_index, state }) => ({ id: Number(id), run_id, dag_id, task_id, map_index, state }));
      await recordCreated(tx, created, at);
      refs.push(...created);
    }
  }
  return refs;
}

function missing(taskId: string): never {
  throw new Error(`task instance of "${taskId}" not returned by its INSERT`);
}

/**
 * Starts runs created in this transaction: queued to running, their root instances queued. Nobody
 * else sees them before it commits, so they need no lock and no reading back; a DAG without tasks
 * is done as soon as it starts (closeRunIfDone). Returns the runs as started.
 */
async function startCreatedRuns(
  tx: Tx,
  created: readonly { readonly input: CreateRunInput; readonly row: Selectable<DagRunTable> }[],
  instances: readonly InstanceRef[],
): Promise<DagRunRecord[]> {
  const started: DagRunRecord[] = [];
  const instancesOf = groupBy(instances, (ti) => ti.run_id);
  for (const [at, group] of groupBy(created, (c) => c.input.now.getTime())) {
    await moveRuns(tx, group.map((c) => ({ run_id: c.row.run_id, dag_id: c.row.dag_id, state: "queued" as const })), "running", at, { started_at: at });
    const roots: InstanceRef[] = [];
    for (const { input, row } of group) {
      const order = new Map(indexGraph(input.graph).roots.map((taskId, i) => [taskId, i]));
      const own = (instancesOf.get(row.run_id) ?? []).filter((ti) => order.has(ti.task_id));
      roots.push(...own.sort((x, y) => (order.get(x.task_id) ?? 0) - (order.get(y.task_id) ?? 0)));
    }
    await moveTasks(tx, roots, "queued", at, { queued_at: at });
    for (const { input, row } of group) {
      if (input.graph.tasks.length > 0) {
        started.push(runFromRow({ ...row, state: "running", started_at: at, updated_at: at }));
        continue;
      }
      // A DAG without tasks is done as soon as it starts.
      await closeRunIfDone(tx, row.run_id, input.graph, at);
      started.push(runFromRow(await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", row.run_id).executeTakeFirstOrThrow()));
    }
  }
  return started;
}

export async function startRun(tx: Tx, runId: string, graph: DagGraph, now: Date, rowLocks: RowLocks): Promise<DagRunRecord> {
  const at = now.getTime();
  await lockRun(tx, runId, rowLocks);
  const row = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", runId).executeTakeFirst();
  if (!row) throw new NotFoundError(`DAG run ${runId} not found`);
  if (row.state === "queued") {
    const restarted = row.started_at !== null;
    await moveRun(tx, row, "running", at, { started_at: at });
    await queueRoots(tx, runId, graph, at);
    // A cleared run has tasks whose upstream already finished: judge every task once.
    if (restarted) await advanceRun(tx, runId, graph, [], at, { evaluate: graph.tasks.map((t) => t.id) });
    // A DAG without tasks is done as soon as it starts.
    await closeRunIfDone(tx, runId, graph, at);
  }
  const updated = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", runId).executeTakeFirstOrThrow();
  return runFromRow(updated);
}
