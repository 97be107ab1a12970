import { sql, type Selectable } from "kysely";
import type { ClaimedTask, ClaimRequest, DagRunRecord } from "../../contract/store.js";
import { instanceFromRow, runFromRow } from "../shared/rows.js";
import { moveTasksEach, type TriesWrite } from "../shared/transitions.js";
import type { RowLocks } from "../shared/locks.js";
import type { DagRunTable, TaskInstanceTable } from "../schema.js";
import type { Tx } from "../shared/tx.js";
import { resumeWaits } from "../waits/resume-wait.js";
import { stateLiteral } from "../shared/state-literal.js";
import { limitedDagsOf } from "../shared/claim-dags.js";

/**
 * Claims queued task instances for a worker: highest priority first, then the longest waiting.
 * Runs in one write transaction; each state move is conditional on the row still being `queued`,
 * so a concurrent claimer can never take the same instance.
 */
/**
 * Whether a claim waits for pools and DAG limits another claimer holds (PostgreSQL), or counts
 * them as full this time: a claim riding along with completions must not make those completions,
 * and the run locks they hold, wait for every other worker's claim.
 */
export type LockWait = "wait" | "skip";

export async function claimNextTasks(tx: Tx, request: ClaimRequest, rowLocks: RowLocks, lockWait: LockWait): Promise<ClaimedTask[]> {
  if (request.limit <= 0 || request.dagIds.length === 0 || request.queues?.length === 0) return [];
  const at = request.now.getTime();
  // Two claimers counting free slots at once would both see the last one free: on PostgreSQL,
  // claimers take turns on the pools and the limited DAGs first. (A SQLite write transaction
  // already holds the whole database.)
  // A claim riding along with outcomes (which never waits for those turns, see LockWait) counts
  // pools only when they are in play: without DAG limits it first reads its candidates with their
  // pools' slots, and only if one of them is in a configured pool counts the pools and reads
  // again. Most deployments configure none, and save the pools' read (a round trip on PostgreSQL
  // at every step of a chain). A claim that waits for its turn counts pools first, as before: it
  // must not wait for the pools' locks with queued rows locked, which would hide them from the
  // claimer whose turn it is.
  let capacity: Capacity | undefined = lockWait === "wait" || limitedDagsOf(request).length > 0 ? await loadCapacity(tx, request, rowLocks, lockWait) : undefined;
  const candidates: Selectable<TaskInstanceTable>[] = [];
  // Each candidate comes with its run's row, which the claimed task is handed with: no statement
  // of its own (a round trip on PostgreSQL at every step of a chain).
  const runs = new Map<string, DagRunRecord>();
  for (;;) {
    const limits = capacity ?? UNLIMITED;
    let query = tx
      .selectFrom("task_instances")
      .innerJoin("dag_runs", "dag_runs.run_id", "task_instances.run_id")
      .leftJoin("pools", "pools.name", "task_instances.pool")
      .selectAll("task_instances")
      .select([
        "pools.slots as pool_slots",
        "dag_runs.run_type as run_type",
        "dag_runs.state as run_state",
        "dag_runs.logical_date as run_logical_date",
        "dag_runs.data_interval_start as run_data_interval_start",
        "dag_runs.data_interval_end as run_data_interval_end",
        "dag_runs.params as run_params",
        "dag_runs.created_at as run_created_at",
        "dag_runs.started_at as run_started_at",
        "dag_runs.ended_at as run_ended_at",
        "dag_runs.updated_at as run_updated_at",
        "dag_runs.dag_version as run_dag_version",
      ])
      .where("task_instances.state", "=", stateLiteral("queued"))
      .where("task_instances.dag_id", "in", request.dagIds);
    // Instances whose pool or DAG is already full cannot be claimed now: leave them out of the
    // query so they do not hide claimable work further down the queue.
    const fullPools = limits.fullPools();
    const fullDags = limits.fullDags();
    if (fullPools.length > 0) {
      query = query.where((eb) => eb.or([eb("task_instances.pool", "is", null), eb("task_instances.pool", "not in", fullPools)]));
    }
    if (fullDags.length > 0) query = query.where("task_instances.dag_id", "not in", fullDags);
    if (request.queues !== undefined) query = query.where("queue", "in", request.queues);
    if (candidates.length > 0) query = query.where("id", "not in", candidates.map((row) => row.id));
    // With pools or DAG limits in play some candidates may be passed over: read a few more. (Rows
    // read with SKIP LOCKED stay locked until commit, so read no more than needed.)
    const wanted = request.limit - candidates.length;
    const fetch = limits.constrained ? wanted * 4 : wanted;
    query = query.orderBy("priority", "desc").orderBy("queued_at", "asc").orderBy("id", "asc").limit(fetch);
    // Concurrent claimers skip each other's rows instead of waiting for them (the runs' rows
    // are read, not locked: a completion holds its run's lock while it claims).
    const rows = await (rowLocks ? query.forUpdate("task_instances").skipLocked() : query).execute();
    if (capacity === undefined && rows.some((row) => row.pool_slots !== null)) {
      // A candidate's pool is configured: count the pools' free slots (never waiting for a lock:
      // this is a claim that skips), then read again. The rows read stay locked until commit;
      // this claim reads them again.
      capacity = await loadCapacity(tx, request, rowLocks, lockWait);
      continue;
    }
    for (const candidate of rows) {
      const { row, run } = splitCandidate(candidate);
      if (candidates.length >= request.limit || !limits.take(row.pool, row.dag_id)) continue;
      candidates.push(row);
      if (!runs.has(row.run_id)) runs.set(row.run_id, run);
    }
    // Done when the limit is reached or nothing more is queued. Otherwise the rows passed over
    // belong to pools or DAGs that are full now, which the next read leaves out.
    if (candidates.length >= request.limit || rows.length < fetch) break;
  }
  if (candidates.length === 0) return [];
  // Everything below is a fixed number of statements, however many instances are claimed.
  // Woken waits (a sensor's next poke) go on with their open tries (sql/waits/resume-wait.ts);
  // ordinary claims carry no wait reason and pay nothing for this.
  const waking = candidates.filter((row) => row.wait_reason !== null);
  const resumed = await resumeWaits(tx, waking, request.workerId, at);
  const fresh = candidates
    .filter((row) => !resumed.has(Number(row.id)))
    .map((row) => (row.wait_reason === null ? row : { ...row, wait_reason: null, wake_at: null }));
  const tries = fresh.map((row) => {
    // The claimer's clock was read before this transaction waited for its locks, and other
    // machines' clocks differ: never let a try start before the instance's previous try ended or
    // before it was queued, so tries of one instance never appear to overlap.
    const startedAt = Math.max(at, Number(row.ended_at ?? 0), Number(row.queued_at ?? 0));
    return { row, tryNumber: row.try_number + 1, startedAt };
  });
  // A queued instance's retry time was cleared when it was queued; assigning it again anyway
  // would rewrite its index entry (migration 000018) for nothing.
  const staleRetryAt = fresh.some((row) => row.next_retry_at !== null) ? { next_retry_at: null } : {};
  const queuedAt = new Map(fresh.map((row) => [Number(row.id), row.queued_at]));
  // The tries opened with the move (on PostgreSQL in its statement).
  const openTries: TriesWrite = (batch) => (db) =>
    db
      .insertInto("task_tries")
      .values(
        batch.map(({ instance, at: startedAt, fields }) => ({
          task_instance_id: instance.id,
          try_number: Number(fields.try_number),
          outcome: "running",
          worker_id: request.workerId,
          queued_at: queuedAt.get(instance.id) ?? null,
          started_at: startedAt,
          ended_at: null,
          error: null,
          error_kind: null,
        })),
      )
      .returning(["id", "task_instance_id"]);
  const opened = await moveTasksEach(
    tx,
    tries.map(({ row, tryNumber, startedAt }) => ({
      instance: { ...row, id: Number(row.id) },
      at: startedAt,
      fields: { try_number: tryNumber, worker_id: request.workerId, started_at: startedAt, ended_at: null, heartbeat_at: startedAt, ...staleRetryAt },
    })),
    "running",
    null,
    openTries,
  );
  const tryIds = new Map(opened.map((row) => [Number(row.task_instance_id), Number(row.id)]));
  const started = new Map(tries.map((t) => [Number(t.row.id), t]));
  // In the order claimed: highest priority first, then the longest waiting.
  return candidates.map((row) => {
    const id = Number(row.id);
    const run = runs.get(row.run_id);
    if (!run) throw new Error(`claim of task instance ${row.id}: its run is missing`);
    const wait = resumed.get(id);
    if (wait) return { ...wait, run };
    const claim = started.get(id);
    const tryId = tryIds.get(id);
    if (!claim || tryId === undefined) throw new Error(`claim of task instance ${row.id}: its try row is missing`);
    return {
      instance: instanceFromRow({ ...claim.row, state: "running", try_number: claim.tryNumber, worker_id: request.workerId, started_at: claim.startedAt }),
      run,
      tryId,
      tryNumber: claim.tryNumber,
    };
  });
}

type RunRow = Selectable<DagRunTable>;

/**
 * A claim's candidate as read: the instance's columns, its pool's slots, and its run's columns
 * prefixed `run_` (the claim's select here, and both step functions').
 */
export type CandidateRow = Selectable<TaskInstanceTable> & {
  readonly pool_slots: number | null;
  readonly run_type: RunRow["run_type"];
} & { readonly [K in Exclude<keyof RunRow, "run_id" | "dag_id" | "run_type"> as `run_${K & string}`]: RunRow[K] };

/**
 * The instance's columns, which a candidate row holds beside its run's (the type below fails to
 * compile when the table gains one that is not listed). Copied one by one: an object rest of the
 * forty-column candidate cost about 15 us a claimed instance (`bench/profile-fanout.ts`).
 */
const INSTANCE_COLUMNS = [
  "id", "run_id", "dag_id", "task_id", "map_index", "state", "try_number", "max_tries", "lost_tries", "priority", "pool", "queue",
  "queued_at", "started_at", "ended_at", "next_retry_at", "worker_id", "heartbeat_at", "result", "error", "updated_at",
  "wake_at", "wait_reason", "waiting_since", "pokes",
] as const satisfies readonly (keyof TaskInstanceTable)[];
const everyInstanceColumn: Exclude<keyof TaskInstanceTable, (typeof INSTANCE_COLUMNS)[number]> extends never ? true : never = true;
void everyInstanceColumn;

/** A candidate's instance row and its run's record. */
export function splitCandidate(candidate: CandidateRow): { row: Selectable<TaskInstanceTable>; run: DagRunRecord } {
  const row: Record<string, unknown> = {};
  for (const column of INSTANCE_COLUMNS) row[column] = candidate[column];
  const run = runFromRow({
    run_id: candidate.run_id,
    dag_id: candidate.dag_id,
    run_type: candidate.run_type,
    state: candidate.run_state,
    logical_date: candidate.run_logical_date,
    data_interval_start: candidate.run_data_interval_start,
    data_interval_end: candidate.run_data_interval_end,
    params: candidate.run_params,
    created_at: candidate.run_created_at,
    started_at: candidate.run_started_at,
    ended_at: candidate.run_ended_at,
    updated_at: candidate.run_updated_at,
    dag_version: candidate.run_dag_version,
  });
  return { row: row as Selectable<TaskInstanceTable>, run };
}

/** Free slots per pool and per DAG, taken as candidates are accepted. */
interface Capacity {
  /** Whether any pool or DAG has a limit (a claim then reads more candidates than it wants). */
  readonly constrained: boolean;
  fullPools(): string[];
  fullDags(): string[];
  /** Takes a slot in the instance's pool and DAG if both have one. */
  take(pool: string | null, dagId: string): boolean;
}

/** No pool configured for any candidate, and no DAG limit requested. */
const UNLIMITED: Capacity = { constrained: false, fullPools: () => [], fullDags: () => [], take: () => true };

/**
 * Free slots per pool (from the pools table) and per DAG (its maxActiveTasks), counted from the
 * running task instances inside the claiming transaction. A pool that is not configured has no
 * limit.
 */
async function loadCapacity(tx: Tx, request: ClaimRequest, rowLocks: RowLocks, lockWait: LockWait): Promise<Capacity> {
  const pools = new Map<string, number>();
  // Locked while read, in a fixed order (no deadlocks between claimers).
  const poolQuery = tx.selectFrom("pools").select(["name", "slots"]).orderBy("name");
  for (const pool of await (rowLocks && lockWait === "wait" ? poolQuery.forUpdate() : poolQuery).execute()) pools.set(pool.name, pool.slots);
  const limited = limitedDagsOf(request);
  // Pools and DAGs another claimer holds right now: full, for a claim that does not wait.
  const busy = { pools: new Set<string>(), dags: new Set<string>() };
  if (rowLocks && lockWait === "skip") {
    if (pools.size > 0) {
      const locked = await tx.selectFrom("pools").select("name").orderBy("name").forUpdate().skipLocked().execute();
      const got = new Set(locked.map((row) => row.name));
      for (const name of pools.keys()) if (!got.has(name)) busy.pools.add(name);
    }
    if (limited.length > 0) {
      const locked = await tx.selectFrom("dags").select("dag_id").where("dag_id", "in", limited).orderBy("dag_id").forUpdate().skipLocked().execute();
      const got = new Set(locked.map((row) => row.dag_id));
      for (const dagId of limited) if (!got.has(dagId)) busy.dags.add(dagId);
    }
  } else if (rowLocks && limited.length > 0) {
    await tx.selectFrom("dags").select("dag_id").where("dag_id", "in", limited).orderBy("dag_id").forUpdate().execute();
  }
  const poolFree = new Map<string, number>(pools);
  if (pools.size > 0) {
    const used = await tx
      .selectFrom("task_instances")
      .select(["pool", sql<number>`count(*)`.as("n")])
      .where("state", "=", stateLiteral("running"))
      .where("pool", "in", [...pools.keys()])
      .groupBy("pool")
      .execute();
    for (const row of used) if (row.pool !== null) poolFree.set(row.pool, (pools.get(row.pool) ?? 0) - Number(row.n));
  }
  const dagFree = new Map<string, number>();
  const limits = request.maxActiveTasks ?? new Map<string, number>();
  if (limits.size > 0) {
    const used = await tx
      .selectFrom("task_instances")
      .select(["dag_id", sql<number>`count(*)`.as("n")])
      .where("state", "=", stateLiteral("running"))
      .where("dag_id", "in", [...limits.keys()])
      .groupBy("dag_id")
      .execute();
    for (const [dagId, limit] of limits) dagFree.set(dagId, limit);
    for (const row of used) dagFree.set(row.dag_id, (limits.get(row.dag_id) ?? 0) - Number(row.n));
  }
  for (const name of busy.pools) poolFree.set(name, 0);
  for (const dagId of busy.dags) dagFree.set(dagId, 0);
  return {
    constrained: poolFree.size > 0 || dagFree.size > 0,
    fullPools: () => [...poolFree].filter(([, free]) => free <= 0).map(([name]) => name),
    fullDags: () => [...dagFree].filter(([, free]) => free <= 0).map(([dagId]) => dagId),
    take(pool: string | null, dagId: string): boolean {
      const poolSlots = pool === null ? undefined : poolFree.get(pool);
      const dagSlots = dagFree.get(dagId);
      if ((poolSlots !== undefined && poolSlots <= 0) || (dagSlots !== undefined && dagSlots <= 0)) return false;
      if (pool !== null && poolSlots !== undefined) poolFree.set(pool, poolSlots - 1);
      if (dagSlots !== undefined) dagFree.set(dagId, dagSlots - 1);
      return true;
    },
  };
}
