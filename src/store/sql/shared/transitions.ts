/**
 * The only code that writes a task instance's or a DAG run's state. Every change is checked by
 * the state machine (core/state-machine.ts), applied only if the row is still in the state it was
 * read in (so two processes can never both move it), and recorded in the state history.
 */
import { sql, type InsertQueryBuilder, type QueryCreator, type Updateable, type UpdateQueryBuilder } from "kysely";
import { assertRunTransition, assertTaskTransition } from "../../../core/state-machine.js";
import { TributaryError } from "../../../core/errors.js";
import type { RunState, TaskState } from "../../../core/types.js";
import type { Database, DagRunTable, TaskInstanceTable } from "../schema.js";
import { markDequeued, markQueued } from "./queued-signal.js";
import { txFeatures } from "./tx-features.js";
import type { Tx } from "./tx.js";
import { stateLiteral } from "./state-literal.js";

/** The part of a task instance row a transition needs. */
export interface InstanceRef {
  readonly id: number;
  readonly run_id: string;
  readonly dag_id: string;
  readonly task_id: string;
  readonly map_index: number;
  readonly state: TaskState;
}

type InstanceFields = Omit<Updateable<TaskInstanceTable>, "id" | "state" | "updated_at" | "run_id" | "task_id" | "dag_id">;

/** Raised when a row changed under us: another process moved it first. */
export class ConcurrentChangeError extends TributaryError {
  constructor(what: string) {
    super("CONFLICT", `${what} was changed concurrently`);
  }
}

/**
 * Moves task instances (all in the same current state) to `to`, with the same extra fields.
 * Batched: one UPDATE and one history INSERT per call, however many instances.
 */
export async function moveTasks(
  tx: Tx,
  instances: readonly InstanceRef[],
  to: TaskState,
  at: number,
  fields: InstanceFields = {},
  reason: string | null = null,
): Promise<void> {
  await moveTasksEach(tx, instances.map((instance) => ({ instance, at, fields })), to, reason);
}

/** One instance's part in `moveTasksEach`: its own time and fields. */
export interface InstanceMove {
  readonly instance: InstanceRef;
  readonly at: number;
  readonly fields: InstanceFields;
}

/** The rows a `TriesWrite` returns: the tries it wrote, by instance. */
export interface TryRow {
  readonly id: number;
  readonly task_instance_id: number;
}

/**
 * The write to `task_tries` that goes with a move (a claim opens the instances' tries, a
 * completion closes them), built for one batch of the moves. On PostgreSQL it is part of the
 * move's statement; on SQLite a statement of its own, after the move.
 */
export type TriesWrite = (
  batch: readonly InstanceMove[],
) => (db: QueryCreator<Database>) => UpdateQueryBuilder<Database, "task_tries", "task_tries", TryRow> | InsertQueryBuilder<Database, "task_tries", TryRow>;

/**
 * Moves task instances to `to`, each with its own time and fields (a batch of completions, each
 * with its own end and result; a claim, each try with its own number). Still one UPDATE per
 * current state and one history INSERT: a field whose value differs between instances is set by
 * a CASE on the instance's id. Every move names the same fields. With `tries`, the tries' write
 * goes along (on PostgreSQL, in the same statement): returns the tries it wrote.
 */
export async function moveTasksEach(tx: Tx, moves: readonly InstanceMove[], to: TaskState, reason: string | null = null, tries?: TriesWrite): Promise<TryRow[]> {
  const written: TryRow[] = [];
  if (moves.length === 0) return written;
  const byState = new Map<TaskState, InstanceMove[]>();
  for (const move of moves) {
    const ti = move.instance;
    assertTaskTransition(ti.state, to, { dagId: ti.dag_id, taskId: ti.task_id });
    const group = byState.get(ti.state) ?? [];
    group.push(move);
    byState.set(ti.state, group);
  }
  const withHistory = txFeatures(tx).writesInWith;
  for (const [from, group] of byState) {
    for (const batch of chunks(group, 500)) {
      const ids = batch.map((move) => move.instance.id);
      const update = (db: QueryCreator<Database>) =>
        db
          .updateTable("task_instances")
          .set({ ...perInstanceValues(batch), state: to })
          .where("id", "in", ids)
          .where("state", "=", stateLiteral(from));
      let moved: number;
      if (withHistory) {
        // One round trip: the rows moved, their history from what the UPDATE returned, and the
        // tries' write if any (built on the transaction itself: a CTE's query is only its SQL).
        // The tries' write runs even when fewer rows moved than asked, unlike SQLite's below:
        // harmless, because the ConcurrentChangeError thrown then undoes the whole transaction.
        const triesWrite = tries?.(batch);
        const row = await tx
          .with("tries", () => (triesWrite ? triesWrite(tx) : tx.selectFrom("task_tries").select(["id", "task_instance_id"]).where(sql<boolean>`false`)))
          .with("moved", () => update(tx).returning(["id", "run_id", "task_id", "map_index", "updated_at"]))
          .with("history", (db) =>
            db
              .insertInto("state_history")
              .columns(["run_id", "task_instance_id", "task_id", "map_index", "from_state", "to_state", "at", "reason"])
              .expression((eb) =>
                eb
                  .selectFrom("moved")
                  .select(["moved.run_id", "moved.id", "moved.task_id", "moved.map_index"])
                  .select([sql<string>`${from}`.as("from_state"), sql<string>`${to}`.as("to_state"), "moved.updated_at", sql<string | null>`cast(${reason} as text)`.as("reason")])
                  // History ids in the order of the moves, as the two-statement path writes them
                  // (RETURNING gives the rows in no promised order).
                  .orderBy(sql`case ${sql.ref("moved.id")} ${sql.join(ids.map((id, i) => sql`when ${id} then cast(${i} as integer)`), sql` `)} end`),
              ),
          )
          .selectFrom("moved")
          .select(sql<number>`count(*)`.as("n"))
          .select(sql<TryRow[]>`(select coalesce(json_agg(json_build_object('id', tries.id, 'task_instance_id', tries.task_instance_id)), '[]') from tries)`.as("tries"))
          .executeTakeFirstOrThrow();
        moved = Number(row.n);
        if (tries) written.push(...row.tries);
      } else {
        moved = Number((await update(tx).executeTakeFirst()).numUpdatedRows);
        if (tries && moved === ids.length) written.push(...(await tries(batch)(tx).execute()));
      }
      if (moved !== ids.length) {
        throw new ConcurrentChangeError(`a task instance of run ${batch[0]?.instance.run_id ?? "?"}`);
      }
    }
  }
  if (!withHistory) await recordTaskHistory(tx, moves.map((move) => ({ ...move.instance, at: move.at })), (ti) => ti.state, to, reason);
  if (to === "queued") markQueued(tx, moves.map((move) => move.instance.id));
  else if (byState.has("queued")) markDequeued(tx, (byState.get("queued") ?? []).map((move) => move.instance.id));
  return written;
}

/**
 * SQL types of the columns a move may set per instance: a CASE's branches are parameters, whose
 * type PostgreSQL cannot infer from the column, so each value is cast.
 */
const COLUMN_TYPES: Readonly<Record<string, "bigint" | "text" | "integer">> = {
  updated_at: "bigint",
  started_at: "bigint",
  ended_at: "bigint",
  queued_at: "bigint",
  heartbeat_at: "bigint",
  next_retry_at: "bigint",
  wake_at: "bigint",
  waiting_since: "bigint",
  try_number: "integer",
  pokes: "integer",
  max_tries: "integer",
  lost_tries: "integer",
  result: "text",
  error: "text",
  worker_id: "text",
  wait_reason: "text",
};

/** The SET values of a batch of moves: a constant where all agree, a CASE on the id where not. */
function perInstanceValues(batch: readonly InstanceMove[]): Record<string, unknown> {
  const rows = batch.map((move) => ({ ...move.fields, updated_at: move.at }) as Record<string, unknown>);
  const first = rows[0] ?? {};
  const values: Record<string, unknown> = {};
  for (const column of Object.keys(first)) {
    const value = first[column];
    if (rows.every((row) => Object.is(row[column], value))) {
      values[column] = value;
      continue;
    }
    const type = COLUMN_TYPES[column];
    if (type === undefined) throw new Error(`moveTasksEach: no SQL type known for per-instance column "${column}"`);
    const branches = batch.map((move, i) => sql`when ${move.instance.id} then cast(${rows[i]?.[column] ?? null} as ${sql.raw(type)})`);
    values[column] = sql`case ${sql.ref("id")} ${sql.join(branches, sql` `)} end`;
  }
  return values;
}

export function moveTask(
  tx: Tx,
  instance: InstanceRef,
  to: TaskState,
  at: number,
  fields: InstanceFields = {},
  reason: string | null = null,
): Promise<void> {
  return moveTasks(tx, [instance], to, at, fields, reason);
}

/** Records the creation of task instances (no previous state) in the history. */
export function recordCreated(tx: Tx, instances: readonly InstanceRef[], at: number): Promise<void> {
  return recordTaskHistory(tx, instances.map((ti) => ({ ...ti, at })), () => null, (ti) => ti.state, null);
}

async function recordTaskHistory<T extends InstanceRef & { readonly at: number }>(
  tx: Tx,
  instances: readonly T[],
  from: (ti: T) => string | null,
  to: string | ((ti: T) => string),
  reason: string | null,
): Promise<void> {
  for (const batch of chunks(instances, 500)) {
    await tx
      .insertInto("state_history")
      .values(
        batch.map((ti) => ({
          run_id: ti.run_id,
          task_instance_id: ti.id,
          task_id: ti.task_id,
          map_index: ti.map_index,
          from_state: from(ti),
          to_state: typeof to === "string" ? to : to(ti),
          at: ti.at,
          reason,
        })),
      )
      .execute();
  }
}

type RunFields = Omit<Updateable<DagRunTable>, "run_id" | "state" | "updated_at" | "dag_id">;

/** The part of a DAG run row a transition needs. */
export interface RunRef {
  readonly run_id: string;
  readonly dag_id: string;
  readonly state: RunState;
}

export function moveRun(tx: Tx, run: RunRef, to: RunState, at: number, fields: RunFields = {}, reason: string | null = null): Promise<void> {
  return moveRuns(tx, [run], to, at, fields, reason);
}

/**
 * Moves DAG runs (all in the same current state) to `to`, with the same extra fields: one UPDATE
 * and one history INSERT per 500 runs (a backfill pass starts many at once).
 */
export async function moveRuns(tx: Tx, runs: readonly RunRef[], to: RunState, at: number, fields: RunFields = {}, reason: string | null = null): Promise<void> {
  const from = runs[0]?.state;
  if (from === undefined) return;
  for (const run of runs) {
    if (run.state !== from) throw new Error(`moveRuns: runs in different states (${from}, ${run.state})`);
    assertRunTransition(run.state, to, { dagId: run.dag_id });
  }
  for (const batch of chunks(runs, 500)) {
    const result = await tx
      .updateTable("dag_runs")
      .set({ ...fields, state: to, updated_at: at })
      .where("run_id", "in", batch.map((run) => run.run_id))
      .where("state", "=", from)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== batch.length) throw new ConcurrentChangeError(batch.length === 1 ? `DAG run ${batch[0]?.run_id ?? "?"}` : `a DAG run of ${batch.length}`);
    await recordRunHistory(tx, batch, from, to, at, reason);
  }
}

/** Records the creation of DAG runs (no previous state) in the history. */
export async function recordRunsCreated(tx: Tx, runs: readonly { readonly run_id: string; readonly state: string }[], at: number): Promise<void> {
  for (const batch of chunks(runs, 500)) await recordRunHistory(tx, batch, null, (run) => run.state, at, null);
}

async function recordRunHistory<T extends { readonly run_id: string }>(
  tx: Tx,
  runs: readonly T[],
  from: string | null,
  to: string | ((run: T) => string),
  at: number,
  reason: string | null,
): Promise<void> {
  await tx
    .insertInto("state_history")
    .values(
      runs.map((run) => ({
        run_id: run.run_id,
        task_instance_id: null,
        task_id: null,
        map_index: null,
        from_state: from,
        to_state: typeof to === "string" ? to : to(run),
        at,
        reason,
      })),
    )
    .execute();
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
