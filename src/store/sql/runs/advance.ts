/**
 * Readiness: after some task instances of a run reached a terminal state, decide what their
 * downstream tasks do next (queue, skip, upstream_failed, expand a mapped task), following the
 * change through the graph, and close the run once nothing is left to do. Runs inside the
 * transaction that caused the change, so a completion and its consequences commit together.
 */
import { sql, type Insertable } from "kysely";
import type { TaskInstanceTable } from "../schema.js";
import { isTerminalTaskState, runStateFromTasks, TASK_TRANSITIONS } from "../../../core/state-machine.js";
import { evaluateTriggerRule } from "../../../core/trigger-rules.js";
import type { DagGraph, RunState, TaskState, UpstreamStateCounts } from "../../../core/types.js";
import { recordDeadLetter } from "../tries/dead-letters.js";
import { indexGraph } from "../../../core/graph-index.js";
import { parseJson, UNMAPPED } from "../shared/rows.js";
import { chunks, moveRun, moveTask, moveTasks, recordCreated, type InstanceRef } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";
import { stateLiteral, stateLiterals } from "../shared/state-literal.js";

const TERMINAL_TASK_STATES = (Object.keys(TASK_TRANSITIONS) as TaskState[]).filter(isTerminalTaskState);
const OPEN_TASK_STATES = (Object.keys(TASK_TRANSITIONS) as TaskState[]).filter((state) => !isTerminalTaskState(state));

export interface AdvanceOptions {
  /** Direct downstream tasks a branch did not choose: skipped whatever their trigger rule. */
  readonly notChosen?: ReadonlySet<string>;
  /** Tasks to judge themselves (not only their downstream), e.g. after a run was cleared. */
  readonly evaluate?: readonly string[];
}

/** Follows changes of `changedTaskIds` downstream; returns how many task instances were queued. */
export async function advanceRun(
  tx: Tx,
  runId: string,
  graph: DagGraph,
  changedTaskIds: readonly string[],
  at: number,
  options: AdvanceOptions = {},
): Promise<number> {
  const index = indexGraph(graph);
  const pending: string[] = [];
  const enqueue = (ids: readonly string[]) => {
    for (const id of ids) if (!pending.includes(id)) pending.push(id);
  };
  enqueue(options.evaluate ?? []);
  for (const id of changedTaskIds) enqueue(index.downstream(id));
  let queued = 0;

  while (pending.length > 0) {
    const taskId = pending.shift() as string;
    const spec = index.spec(taskId);
    if (!spec) continue;
    const mappedUpstream = spec.upstream.some((id) => index.spec(id)?.kind === "map");
    // An upstream of a few instances is counted with the waiting instances, in one statement.
    const read = mappedUpstream ? { waiting: await instancesOf(tx, runId, taskId, "scheduled") } : await waitingWithUpstreamCounts(tx, runId, taskId, spec.upstream);
    const { waiting } = read;
    if (waiting.length === 0) continue;

    if (options.notChosen?.has(taskId)) {
      await moveTasks(tx, waiting, "skipped", at, { ended_at: at }, "branch not taken");
      enqueue(index.downstream(taskId));
      continue;
    }
    const { counts, total } = "upstream" in read ? read.upstream : await upstreamSummary(tx, runId, spec.upstream);
    const decision = evaluateTriggerRule(spec.triggerRule, counts, total);
    if (decision === "wait") continue;
    if (decision === "skip" || decision === "upstream_failed") {
      const to: TaskState = decision === "skip" ? "skipped" : "upstream_failed";
      await moveTasks(tx, waiting, to, at, { ended_at: at }, `trigger rule ${spec.triggerRule}`);
      enqueue(index.downstream(taskId));
      continue;
    }
    // A mapped task expands once; instances of an expanded one (cleared failed map indexes) just queue.
    if (spec.kind === "map" && spec.mapOver !== undefined && waiting.some((ti) => ti.map_index === UNMAPPED)) {
      const expanded = await expandMappedTask(tx, waiting, spec.mapOver, at);
      queued += expanded;
      if (expanded === 0) enqueue(index.downstream(taskId));
      continue;
    }
    await moveTasks(tx, waiting, "queued", at, { queued_at: at });
    queued += waiting.length;
  }
  return queued;
}

/**
 * Queues the root tasks of a run that has just started: read and moved together (a fixed number
 * of statements up to 500 roots, not two a root, three on SQLite: a wide DAG's run of 2,000
 * roots took 4,000 statements on PostgreSQL), their history in the roots' order.
 */
export async function queueRoots(tx: Tx, runId: string, graph: DagGraph, at: number): Promise<number> {
  const roots = indexGraph(graph).roots;
  const order = new Map(roots.map((taskId, i) => [taskId, i]));
  const waiting: InstanceRef[] = [];
  for (const batch of chunks(roots, 500)) waiting.push(...(await instancesOf(tx, runId, batch, "scheduled")));
  waiting.sort((x, y) => (order.get(x.task_id) ?? 0) - (order.get(y.task_id) ?? 0) || x.map_index - y.map_index);
  await moveTasks(tx, waiting, "queued", at, { queued_at: at });
  return waiting.length;
}

/**
 * Closes the run (success or failed) when none of its task instances can change any more.
 * Returns the run's state after the check.
 */
export async function closeRunIfDone(tx: Tx, runId: string, graph: DagGraph, at: number): Promise<RunState> {
  // Runs on every completion: look for one unfinished instance before reading them all, or a run
  // of n instances costs O(n^2). Walking the run's key backwards meets the instances created and
  // claimed last (the highest map indexes), which are the likeliest to be unfinished. (One
  // statement with the run's own row: a round trip on PostgreSQL.)
  const run = await tx
    .selectFrom("dag_runs")
    .select(["run_id", "dag_id", "state"])
    .select((eb) =>
      eb
        .selectFrom("task_instances")
        .select("task_instances.id")
        .whereRef("task_instances.run_id", "=", "dag_runs.run_id")
        .where("task_instances.state", "not in", stateLiterals(TERMINAL_TASK_STATES))
        .orderBy("task_instances.task_id", "desc")
        .orderBy("task_instances.map_index", "desc")
        .limit(1)
        .as("open_instance"),
    )
    .where("run_id", "=", runId)
    .executeTakeFirstOrThrow();
  if (run.open_instance !== null) return run.state;
  const rows = await tx.selectFrom("task_instances").select(["task_id", "state"]).where("run_id", "=", runId).execute();
  const instances = rows.map((r) => ({ taskId: r.task_id, state: r.state }));
  if (instances.some((i) => !isTerminalTaskState(i.state))) return run.state;
  const final = runStateFromTasks(instances, indexGraph(graph).leaves);
  if (final !== run.state && final !== "running") {
    if (run.state === "queued") await moveRun(tx, run, "running", at, { started_at: at });
    await moveRun(tx, { ...run, state: run.state === "queued" ? "running" : run.state }, final, at, { ended_at: at });
  }
  return final;
}

/** The instances of a task, or of several (in no order among them), in `state`, by map index. */
async function instancesOf(tx: Tx, runId: string, taskIds: string | readonly string[], state: TaskState): Promise<InstanceRef[]> {
  const rows = await tx
    .selectFrom("task_instances")
    .select(["id", "run_id", "dag_id", "task_id", "map_index", "state"])
    .where("run_id", "=", runId)
    .where("task_id", typeof taskIds === "string" ? "=" : "in", taskIds)
    .where("state", "=", stateLiteral(state))
    .orderBy("map_index")
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/**
 * A task's instances waiting in `scheduled`, and its upstream instances counted by state: the
 * two reads readiness makes of a task, in one statement (a round trip on PostgreSQL).
 */
async function waitingWithUpstreamCounts(
  tx: Tx,
  runId: string,
  taskId: string,
  upstream: readonly string[],
): Promise<{ waiting: InstanceRef[]; upstream: { counts: UpstreamStateCounts; total: number } }> {
  if (upstream.length === 0) return { waiting: await instancesOf(tx, runId, taskId, "scheduled"), upstream: { counts: {}, total: 0 } };
  const rows = await tx
    .selectFrom("task_instances")
    .select([sql<string>`'waiting'`.as("part"), "id", "dag_id", "map_index", "state", sql<number>`1`.as("n")])
    .where("run_id", "=", runId)
    .where("task_id", "=", taskId)
    .where("state", "=", stateLiteral("scheduled"))
    .unionAll((eb) =>
      eb
        .selectFrom("task_instances")
        .select([sql<string>`'upstream'`.as("part"), sql<number>`0`.as("id"), sql<string>`''`.as("dag_id"), sql<number>`0`.as("map_index"), "state", sql<number>`count(*)`.as("n")])
        .where("run_id", "=", runId)
        .where("task_id", "in", upstream)
        .groupBy("state"),
    )
    .orderBy("part", "desc")
    .orderBy("map_index")
    .execute();
  const waiting = rows
    .filter((row) => row.part === "waiting")
    .map((row): InstanceRef => ({ id: Number(row.id), run_id: runId, dag_id: row.dag_id, task_id: taskId, map_index: Number(row.map_index), state: row.state }));
  return { waiting, upstream: countsByState(rows.filter((row) => row.part === "upstream")) };
}

async function upstreamCounts(
  tx: Tx,
  runId: string,
  upstream: readonly string[],
): Promise<{ counts: UpstreamStateCounts; total: number }> {
  if (upstream.length === 0) return { counts: {}, total: 0 };
  const rows = await tx
    .selectFrom("task_instances")
    .select(["state", sql<number>`count(*)`.as("n")])
    .where("run_id", "=", runId)
    .where("task_id", "in", upstream)
    .groupBy("state")
    .execute();
  return countsByState(rows);
}

/** Upstream instances counted by state, from rows of a state and its count. */
function countsByState(rows: readonly { readonly state: TaskState; readonly n: number | string }[]): { counts: UpstreamStateCounts; total: number } {
  const counts: Partial<Record<TaskState, number>> = {};
  let total = 0;
  for (const row of rows) {
    counts[row.state] = Number(row.n);
    total += Number(row.n);
  }
  return { counts, total };
}

/**
 * What the trigger rule needs of a large upstream (a mapped task's instances), without counting
 * every instance on each completion (O(n) each, O(n^2) for the run). While some upstream
 * instance is unfinished, every rule decides on whether any succeeded, was skipped or failed, so
 * counts of 0 or 1 per state class with a total above their sum give the same decision as the real
 * counts; only once all are finished are they counted.
 */
async function upstreamSummary(tx: Tx, runId: string, upstream: readonly string[]): Promise<{ counts: UpstreamStateCounts; total: number }> {
  const probe = (states: readonly TaskState[]) =>
    tx
      .selectFrom("task_instances")
      .select("state")
      .where("run_id", "=", runId)
      .where("state", "in", stateLiterals(states))
      .where("task_id", "in", upstream)
      .limit(1)
      .executeTakeFirst();
  if ((await probe(OPEN_TASK_STATES)) === undefined) return upstreamCounts(tx, runId, upstream);
  const counts: Partial<Record<TaskState, number>> = {};
  for (const state of ["success", "skipped", "failed", "upstream_failed"] as const) {
    if ((await probe([state])) !== undefined) counts[state] = 1;
  }
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0) + 1;
  return { counts, total };
}

/**
 * A mapped task became ready: one task instance per element of the upstream result. The waiting
 * placeholder instance becomes element 0. Returns the number queued (0 when the list is empty,
 * in which case the task is skipped, or when the result is not a list, in which case it fails).
 */
async function expandMappedTask(tx: Tx, waiting: readonly InstanceRef[], mapOver: string, at: number): Promise<number> {
  const placeholder = waiting.find((ti) => ti.map_index === UNMAPPED) ?? waiting[0];
  if (!placeholder) return 0;
  const overRows = await tx
    .selectFrom("task_instances")
    .select(["result", "map_index"])
    .where("run_id", "=", placeholder.run_id)
    .where("task_id", "=", mapOver)
    .orderBy("map_index")
    .execute();
  const over = overRows.length === 1 && overRows[0]?.map_index === UNMAPPED
    ? parseJson(overRows[0].result)
    : overRows.map((r) => parseJson(r.result));
  if (!Array.isArray(over)) {
    const error = `cannot map over the result of task "${mapOver}": expected an array, got ${over === null ? "null" : typeof over}`;
    await moveTask(tx, placeholder, "failed", at, { ended_at: at, error });
    // Failed for good (retrying cannot change the upstream result): dead-lettered like any other.
    await recordDeadLetter(tx, placeholder, 0, error, at);
    return 0;
  }
  if (over.length === 0) {
    // The result of a mapped task is the list of its instances' results: here, an empty one.
    await moveTask(tx, placeholder, "skipped", at, { ended_at: at, result: "[]" }, `"${mapOver}" returned an empty list`);
    return 0;
  }
  const template = await tx.selectFrom("task_instances").selectAll().where("id", "=", placeholder.id).executeTakeFirstOrThrow();
  await tx.updateTable("task_instances").set({ map_index: 0 }).where("id", "=", placeholder.id).execute();
  // The placeholder's history so far (its creation) belongs to the instance it became: map index 0.
  await tx.updateTable("state_history").set({ map_index: 0 }).where("task_instance_id", "=", placeholder.id).execute();
  const created: InstanceRef[] = [{ ...placeholder, map_index: 0 }];
  for (let start = 1; start < over.length; start += 500) {
    const end = Math.min(over.length, start + 500);
    const values: Insertable<TaskInstanceTable>[] = [];
    for (let i = start; i < end; i++) {
      values.push({
        run_id: template.run_id,
        dag_id: template.dag_id,
        task_id: template.task_id,
        map_index: i,
        state: "scheduled",
        try_number: 0,
        // The placeholder may have been cleared, its tries raised past its old ones: a new
        // instance gets the tries of a new one.
        max_tries: template.max_tries - template.try_number,
        priority: template.priority,
        pool: template.pool,
        queue: template.queue,
        updated_at: at,
      });
    }
    const rows = await tx.insertInto("task_instances").values(values).returning(["id", "run_id", "dag_id", "task_id", "map_index", "state"]).execute();
    const refs = rows.map((r) => ({ ...r, id: Number(r.id) }));
    await recordCreated(tx, refs, at);
    created.push(...refs);
  }
  await moveTasks(tx, created, "queued", at, { queued_at: at }, `mapped over ${over.length} items`);
  return created.length;
}
