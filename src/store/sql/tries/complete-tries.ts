import { sql, type Selectable } from "kysely";
import { hasTriesLeft, retryDelayMs } from "../../../core/retry-delay.js";
import { DEFAULT_LOST_TRY_RETRIES, hasLostTryRetryLeft, isLostTry, lostTriesExhaustedMessage, lostTryRetryReason } from "../../../core/lost-tries.js";
import type { CompleteTryInput, CompleteTryResult } from "../../contract/store.js";
import type { RunState } from "../../../core/types.js";
import { advanceRun, closeRunIfDone } from "../runs/advance.js";
import { recordDeadLetter } from "./dead-letters.js";
import { indexGraph } from "../../../core/graph-index.js";
import { chunks, moveTask, moveTasksEach, type TriesWrite } from "../shared/transitions.js";
import { capError } from "../../contract/text-caps.js";
import { storedResultJson } from "../../contract/stored-result.js";
import { lockInstancesInRunOrder, type RowLocks } from "../shared/locks.js";
import type { TaskInstanceTable } from "../schema.js";
import type { Tx } from "../shared/tx.js";
import { storeCachedResult, tryCacheColumns } from "../result-cache/store-cached-result.js";
import { recordPoke } from "../waits/record-poke.js";
import { recordSleep } from "../waits/record-sleep.js";
import { insertLogs } from "./insert-logs.js";

type InstanceRow = Selectable<TaskInstanceTable>;

/** A success being recorded: its input, its instance's row, and the time it ended. */
interface Success {
  readonly input: CompleteTryInput;
  readonly row: InstanceRow;
  readonly at: number;
}

/**
 * Records tries' outcomes and everything that follows from them, in the caller's transaction:
 * success (result, dataset events, downstream readiness, branch skips), or failure (retry with
 * backoff while tries are left; otherwise a dead-letter entry and downstream upstream_failed).
 * Results are in the order of `inputs`.
 *
 * The hot path is set-based: n successes cost a fixed number of statements (read the rows, close
 * the tries, move the instances, record their dataset events, then readiness once per run and
 * group of changed tasks), not n times as many (test/conformance/hot-path.test.ts). Failures,
 * rare and each with its own retry decision, are recorded one by one, and so are a sensor's pokes
 * (counted, and deferring the instance when they found nothing: sql/waits/record-poke.ts).
 */
export async function completeTries(tx: Tx, inputs: readonly CompleteTryInput[], rowLocks: RowLocks): Promise<CompleteTryResult[]> {
  if (inputs.length === 0) return [];
  const ids = [...new Set(inputs.map((input) => input.taskInstanceId))].sort((a, b) => a - b);
  const { rows, runStates: lockedRunStates } = await lockAndReadInstances(tx, ids, rowLocks);

  const results = new Map<CompleteTryInput, CompleteTryResult>();
  const successes: Success[] = [];
  const others: CompleteTryInput[] = [];
  const taken = new Set<number>();
  for (const input of inputs) {
    const row = rows.get(input.taskInstanceId);
    // The same try twice in one batch: the second finds it already recorded (below, one by one).
    if (input.outcome === "success" && row && isCurrentTry(row, input) && !taken.has(input.taskInstanceId) && !isSensor(row, input)) {
      taken.add(input.taskInstanceId);
      // The worker's clock may run behind the claimer's (another machine): a try never ends before it started.
      successes.push({ input, row, at: Math.max(input.now.getTime(), Number(row.started_at ?? 0)) });
    } else {
      others.push(input);
    }
  }

  const runStates = await recordSuccesses(tx, successes, results, lockedRunStates);
  for (const input of others) results.set(input, await completeOne(tx, input));
  // A run's state after the whole batch: a failure recorded after its successes may have ended it.
  if (others.length > 0) for (const runId of runStates.keys()) runStates.set(runId, await currentRunState(tx, runId));
  for (const { input, row } of successes) {
    const result = results.get(input);
    const runState = runStates.get(row.run_id);
    if (result && runState !== undefined) results.set(input, { ...result, runState });
  }
  // The tries' last log lines, with their outcomes (stored even for an outcome not applied: the
  // try ran and said it).
  await insertLogs(tx, inputs.flatMap((input) => input.logs ?? []));
  return inputs.map((input) => results.get(input) as CompleteTryResult);
}

/**
 * The instances' rows, and their runs' states, read with the runs locked: a run's completions
 * take turns (shared/locks.ts). One statement for a batch of up to 500 (a round trip on
 * PostgreSQL): each row locks its run and then itself, in the order of run and id, the order
 * every completion takes them in; the instance rows are about to be written anyway, and a locked
 * row is read as last committed, never as of before the wait. A larger batch locks all its runs
 * and then all its instances first, each in one statement in that order, as its reads in chunks
 * of ids would not (shared/locks.ts `lockInstancesInRunOrder`).
 */
async function lockAndReadInstances(tx: Tx, ids: readonly number[], rowLocks: RowLocks): Promise<{ rows: Map<number, InstanceRow>; runStates: Map<string, RunState> }> {
  const batches = chunks(ids, 500);
  if (rowLocks && batches.length > 1) {
    await tx
      .selectFrom("dag_runs")
      .select("run_id")
      .where("run_id", "in", (eb) => eb.selectFrom("task_instances").select("run_id").where("id", "in", ids))
      .orderBy("run_id")
      .forUpdate()
      .execute();
    await lockInstancesInRunOrder(tx, ids, rowLocks);
  }
  const rows = new Map<number, InstanceRow>();
  const runStates = new Map<string, RunState>();
  for (const batch of batches) {
    const query = tx
      .selectFrom("task_instances")
      .innerJoin("dag_runs", "dag_runs.run_id", "task_instances.run_id")
      .selectAll("task_instances")
      .select("dag_runs.state as run_state")
      .where("task_instances.id", "in", batch)
      .orderBy("task_instances.run_id")
      .orderBy("task_instances.id");
    for (const { run_state, ...row } of await (rowLocks ? query.forUpdate(["dag_runs", "task_instances"]) : query).execute()) {
      rows.set(Number(row.id), row);
      runStates.set(row.run_id, run_state);
    }
  }
  return { rows, runStates };
}

/** A sensor's outcome is a poke: recorded one by one (completeOne), off the hot path. */
/** A task that waits between pokes: a sensor, or an approval (whose one "poke" is its deadline). */
function isSensor(row: InstanceRow, input: CompleteTryInput): boolean {
  return indexGraph(input.graph).spec(row.task_id)?.sensor !== undefined;
}

/** Whether the input is the instance's try in progress (a stale outcome changes nothing). */
function isCurrentTry(row: InstanceRow, input: CompleteTryInput): boolean {
  return row.state === "running" && row.try_number === input.tryNumber;
}

/**
 * The successes, together: tries closed, instances moved, dataset events written, then readiness
 * per run (a branch's success on its own, since what it did not choose is its own), then each
 * run closed if done. Returns the runs' states.
 */
async function recordSuccesses(
  tx: Tx,
  successes: readonly Success[],
  results: Map<CompleteTryInput, CompleteTryResult>,
  knownRunStates: ReadonlyMap<string, RunState> = new Map(),
): Promise<Map<string, RunState>> {
  const runStates = new Map<string, RunState>();
  if (successes.length === 0) return runStates;
  const resultJson = successes.map(({ input }) => storedResultJson(input.result));
  const tryNumbers = new Map(successes.map(({ row, input }) => [Number(row.id), input.tryNumber]));
  // The tries closed with the move (on PostgreSQL in its statement): each ends when its instance does.
  const closeTries: TriesWrite = (batch) => (db) =>
    db
      .updateTable("task_tries")
      .set({
        outcome: "success",
        ended_at: sql<number>`case ${sql.ref("task_instance_id")} ${sql.join(batch.map((m) => sql`when ${m.instance.id} then cast(${m.at} as bigint)`), sql` `)} end`,
        error: null,
        error_kind: null,
      })
      .where("task_instance_id", "in", batch.map((m) => m.instance.id))
      .where("try_number", "=", sql<number>`case ${sql.ref("task_instance_id")} ${sql.join(batch.map((m) => sql`when ${m.instance.id} then cast(${tryNumbers.get(m.instance.id)} as integer)`), sql` `)} end`)
      .returning(["id", "task_instance_id"]);
  await moveTasksEach(
    tx,
    successes.map(({ row, at }, i) => ({
      instance: { ...row, id: Number(row.id) },
      at,
      fields: { ended_at: at, result: resultJson[i] ?? "null", error: null, worker_id: null },
    })),
    "success",
    null,
    closeTries,
  );
  // Tasks with a `cache` option (not the hot path): the try's cache columns, and a miss's result stored.
  for (const [i, { input, row, at }] of successes.entries()) {
    if (input.cache === undefined) continue;
    await tx.updateTable("task_tries").set(tryCacheColumns(input.cache)).where("task_instance_id", "=", Number(row.id)).where("try_number", "=", input.tryNumber).execute();
    await storeCachedResult(tx, row, input.cache, resultJson[i] ?? "null", at);
  }
  await recordDatasetEvents(tx, successes);

  // Readiness once per run for its plain successes, and once per branch (its own choice).
  const groups = new Map<string, Success[]>();
  for (const success of successes) {
    const kind = indexGraph(success.input.graph).spec(success.row.task_id)?.kind;
    const key = kind === "branch" ? `${success.row.run_id}\u0000${success.row.id}` : success.row.run_id;
    const group = groups.get(key) ?? [];
    group.push(success);
    groups.set(key, group);
  }
  const queuedRuns = new Set<string>();
  for (const group of groups.values()) {
    const first = group[0] as Success;
    const graph = first.input.graph;
    const changed = [...new Set(group.map((s) => s.row.task_id))];
    const at = Math.max(...group.map((s) => s.at));
    const queued = await advanceRun(tx, first.row.run_id, graph, changed, at, { notChosen: notChosenBy(first) });
    if (queued > 0) queuedRuns.add(first.row.run_id);
    // What the group queued is reported on its last outcome, so the batch's total is exact.
    group.forEach((s, i) => results.set(s.input, { state: "success", nextRetryAt: null, runState: "running", queued: i === group.length - 1 ? queued : 0, applied: true }));
  }
  const graphs = new Map(successes.map((s) => [s.row.run_id, { graph: s.input.graph, at: s.at }]));
  for (const [runId, { graph }] of graphs) {
    // A run that just queued an instance is not done: its state is the one read with its lock
    // (nothing above moves a run), which saves a statement at every step of a chain.
    const known = knownRunStates.get(runId);
    if (queuedRuns.has(runId) && known !== undefined) {
      runStates.set(runId, known);
      continue;
    }
    const at = Math.max(...successes.filter((s) => s.row.run_id === runId).map((s) => s.at));
    runStates.set(runId, await closeRunIfDone(tx, runId, graph, at));
  }
  return runStates;
}

/** Direct downstream tasks a branch's result did not choose (none for other tasks). */
function notChosenBy({ input, row }: Success): Set<string> | undefined {
  const index = indexGraph(input.graph);
  if (index.spec(row.task_id)?.kind !== "branch") return undefined;
  const chosen = new Set(Array.isArray(input.result) ? (input.result as unknown[]).map(String) : []);
  return new Set(index.downstream(row.task_id).filter((id) => !chosen.has(id)));
}

/**
 * One event per write, for all the successes: a declared output also emitted is recorded once,
 * with the emitted metadata. A result served from the cache wrote nothing.
 */
async function recordDatasetEvents(tx: Tx, successes: readonly Success[]): Promise<void> {
  const events = successes.flatMap(({ input, row, at }) => {
    if (input.cache?.hit === true) return [];
    const spec = indexGraph(input.graph).spec(row.task_id);
    const emitted = input.emitted ?? [];
    const emittedUris = new Set(emitted.map((e) => e.uri));
    return [...(spec?.outputDatasets ?? []).filter((uri) => !emittedUris.has(uri)).map((uri) => ({ uri, metadata: {} })), ...emitted].map((e) => ({
      dataset_uri: e.uri,
      run_id: row.run_id,
      dag_id: row.dag_id,
      task_id: row.task_id,
      map_index: row.map_index,
      try_number: input.tryNumber,
      at,
      metadata: JSON.stringify(e.metadata),
    }));
  });
  for (const batch of chunks(events, 500)) await tx.insertInto("dataset_events").values(batch).execute();
}

/** A failure, a sensor's poke, or an outcome that is no longer the instance's try in progress. */
async function completeOne(tx: Tx, input: CompleteTryInput): Promise<CompleteTryResult> {
  const row = await tx.selectFrom("task_instances").selectAll().where("id", "=", input.taskInstanceId).executeTakeFirst();
  if (!row || !isCurrentTry(row, input)) {
    const runState = row ? await currentRunState(tx, row.run_id) : "failed";
    return { state: (row?.state ?? "failed") as CompleteTryResult["state"], nextRetryAt: null, runState, queued: 0, applied: false };
  }
  // A try suspended at a ctx.sleep waits until its wake-up time (sql/waits/record-sleep.ts).
  if (input.outcome === "deferred" && input.sleepsUntil !== undefined) return recordSleep(tx, row, input, input.sleepsUntil);
  // A sensor's poke is counted; one that found nothing defers the instance (sql/waits/record-poke.ts).
  if (isSensor(row, input) || input.outcome === "deferred") {
    const at = Math.max(input.now.getTime(), Number(row.started_at ?? 0));
    const ti = { ...row, id: Number(row.id) };
    const waited = await recordPoke(tx, ti, input, indexGraph(input.graph).spec(row.task_id), at);
    if (waited) return waited;
    if (input.outcome === "success") return recordOneSuccess(tx, { input, row, at });
  }
  // (Other successes are recorded together above; only a duplicate of one in the same batch gets here, and it is stale by now.)
  return recordFailure(tx, row, input);
}

/** A success recorded on its own (a sensor's last poke): the batch's path, for a batch of one. */
async function recordOneSuccess(tx: Tx, success: Success): Promise<CompleteTryResult> {
  const results = new Map<CompleteTryInput, CompleteTryResult>();
  const runStates = await recordSuccesses(tx, [success], results);
  const result = results.get(success.input) as CompleteTryResult;
  return { ...result, runState: runStates.get(success.row.run_id) ?? result.runState };
}

async function recordFailure(tx: Tx, row: InstanceRow, input: CompleteTryInput): Promise<CompleteTryResult> {
  const ti = { ...row, id: Number(row.id) };
  const error = capError(input.error);
  const at = Math.max(input.now.getTime(), Number(row.started_at ?? 0));
  const spec = indexGraph(input.graph).spec(ti.task_id);
  await tx
    .updateTable("task_tries")
    .set({ outcome: input.outcome, ended_at: at, error, error_kind: input.errorKind ?? null, ...tryCacheColumns(input.cache) })
    .where("task_instance_id", "=", ti.id)
    .where("try_number", "=", input.tryNumber)
    .execute();
  await moveTask(tx, ti, "failed", at, { ended_at: at, error, worker_id: null });
  // A try lost to infrastructure is retried at once, as if it had not happened (one more try
  // allowed), up to the bound: see core/lost-tries.ts.
  const lostBound = input.lostTryRetries ?? DEFAULT_LOST_TRY_RETRIES;
  const lost = isLostTry(input.errorKind);
  if (lost && hasLostTryRetryLeft(ti.lost_tries, lostBound)) {
    const retry = ti.lost_tries + 1;
    await moveTask(tx, { ...ti, state: "failed" }, "retrying", at, { next_retry_at: at, lost_tries: retry, max_tries: ti.max_tries + 1 }, lostTryRetryReason(input.errorKind ?? "lost", retry, lostBound));
    return { state: "retrying", nextRetryAt: new Date(at), runState: await currentRunState(tx, ti.run_id), queued: 0, applied: true };
  }
  const policy = spec?.retry;
  // The try's number since the instance was created or last cleared: clearing raises max_tries
  // past the tries already made (clear-run.ts), so a cleared instance gets its retries again.
  const attempt = policy ? input.tryNumber - (ti.max_tries - (policy.retries + 1)) : input.tryNumber;
  if (policy && hasTriesLeft(policy, attempt)) {
    const next = at + retryDelayMs(policy, attempt, input.random);
    await moveTask(tx, { ...ti, state: "failed" }, "retrying", at, { next_retry_at: next }, `retry in ${next - at}ms`);
    return { state: "retrying", nextRetryAt: new Date(next), runState: await currentRunState(tx, ti.run_id), queued: 0, applied: true };
  }
  if (lost && error !== null) {
    // Say why a task with retries left over for lost tries still dead-letters.
    const why = capError(lostTriesExhaustedMessage(error, lostBound));
    await tx.updateTable("task_instances").set({ error: why }).where("id", "=", ti.id).execute();
    await recordDeadLetter(tx, ti, input.tryNumber, why, at);
  } else {
    await recordDeadLetter(tx, ti, input.tryNumber, error, at);
  }
  const queued = await advanceRun(tx, ti.run_id, input.graph, [ti.task_id], at);
  const runState = await closeRunIfDone(tx, ti.run_id, input.graph, at);
  return { state: "failed", nextRetryAt: null, runState, queued, applied: true };
}

async function currentRunState(tx: Tx, runId: string): Promise<RunState> {
  const run = await tx.selectFrom("dag_runs").select("state").where("run_id", "=", runId).executeTakeFirst();
  return run?.state ?? "failed";
}
