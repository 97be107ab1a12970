import type { Kysely } from "kysely";
import type { TaskResultsAsk } from "../../contract/store.js";
import type { Database } from "../schema.js";
import { chunks } from "../shared/transitions.js";
import { parseJson, UNMAPPED } from "../shared/rows.js";

/** Runs per statement. */
const RUNS_PER_STATEMENT = 256;

/**
 * Upstream results of several runs (see Store.getTaskResultsOfRuns), by run id: each asked task
 * that has instances, an unmapped task's result or a mapped task's instances' results as a list in
 * map-index order. One statement for up to 256 runs, each group of runs asking the same tasks
 * (runs at the same step of a DAG) a clause of its own, so that no run's rows are read for tasks
 * nobody asked of it. Short lists are padded to a power of two, so that PostgreSQL's named
 * statements (postgres/prepared-statements.ts) meet few texts.
 */
export async function getTaskResultsOfRuns(db: Kysely<Database>, asks: readonly TaskResultsAsk[]): Promise<Map<string, Map<string, unknown>>> {
  const results = new Map<string, Map<string, unknown>>();
  const asked = new Map<string, Set<string>>();
  for (const { runId, taskIds } of asks) {
    if (!results.has(runId)) results.set(runId, new Map());
    const tasks = asked.get(runId) ?? new Set<string>();
    for (const taskId of taskIds) tasks.add(taskId);
    if (tasks.size > 0) asked.set(runId, tasks);
  }
  const runsByTasks = new Map<string, { readonly taskIds: readonly string[]; readonly runIds: string[] }>();
  for (const [runId, tasks] of asked) {
    const taskIds = [...tasks].sort();
    const key = JSON.stringify(taskIds);
    const group = runsByTasks.get(key) ?? { taskIds, runIds: [] };
    group.runIds.push(runId);
    runsByTasks.set(key, group);
  }
  const clauses = [...runsByTasks.values()].flatMap(({ taskIds, runIds }) => chunks(runIds, RUNS_PER_STATEMENT).map((ids) => ({ taskIds, runIds: ids })));
  for (const statement of packed(clauses)) {
    const rows = await db
      .selectFrom("task_instances")
      .select(["run_id", "task_id", "map_index", "result"])
      .where((eb) => eb.or(statement.map(({ taskIds, runIds }) => eb.and([eb("run_id", "in", paddedToPowerOfTwo(runIds)), eb("task_id", "in", paddedToPowerOfTwo(taskIds))]))))
      .orderBy("run_id")
      .orderBy("task_id")
      .orderBy("map_index")
      .execute();
    addTaskResults(results, rows);
  }
  return results;
}

/** The clauses in statements of up to RUNS_PER_STATEMENT runs each, in order. */
function packed<C extends { readonly runIds: readonly string[] }>(clauses: readonly C[]): C[][] {
  const statements: C[][] = [];
  let runs = Number.POSITIVE_INFINITY;
  for (const clause of clauses) {
    if (runs + clause.runIds.length > RUNS_PER_STATEMENT) {
      statements.push([]);
      runs = 0;
    }
    statements.at(-1)?.push(clause);
    runs += clause.runIds.length;
  }
  return statements;
}

/** Adds rows of task instances (in run, task and map-index order) to results by run; a mapped task's list stands for the task. */
function addTaskResults(
  results: Map<string, Map<string, unknown>>,
  rows: readonly { readonly run_id: string; readonly task_id: string; readonly map_index: number; readonly result: string | null }[],
): void {
  const lists = new Map<string, { readonly own: Map<string, unknown>; readonly taskId: string; readonly values: unknown[] }>();
  for (const row of rows) {
    const own = results.get(row.run_id);
    if (own === undefined) continue;
    const value = parseJson(row.result);
    if (row.map_index === UNMAPPED) {
      own.set(row.task_id, value);
      continue;
    }
    const key = `${row.run_id}\u0000${row.task_id}`;
    let list = lists.get(key);
    if (list === undefined) {
      list = { own, taskId: row.task_id, values: [] };
      lists.set(key, list);
    }
    list.values.push(value);
  }
  for (const { own, taskId, values } of lists.values()) own.set(taskId, values);
}

/** The list, its last element repeated up to the next power of two in length (for an `in (...)`), up to 64 long. */
function paddedToPowerOfTwo<T>(items: readonly T[]): T[] {
  const last = items[items.length - 1];
  if (last === undefined || items.length > 64) return [...items];
  let size = 1;
  while (size < items.length) size *= 2;
  return [...items, ...Array<T>(size - items.length).fill(last)];
}
