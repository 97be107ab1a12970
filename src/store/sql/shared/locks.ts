/**
 * Row locks for databases with concurrent writers (PostgreSQL). SQLite needs none: a write
 * transaction there starts with BEGIN IMMEDIATE and holds the whole database.
 *
 * Why a run lock: two tries of one run completing at once, each in its own READ COMMITTED
 * transaction, would each see the other's upstream as unfinished and neither would queue their
 * common downstream task. Locking the run row first makes completions of one run take turns
 * (runs still complete in parallel with each other).
 */
import type { Selectable } from "kysely";
import type { TaskInstanceTable } from "../schema.js";
import { fromMapIndex } from "./rows.js";
import type { Tx } from "./tx.js";

/**
 * Whether the dialect takes row locks (`FOR UPDATE`, `SKIP LOCKED`). Never defaulted: `false` is
 * unsafe on PostgreSQL, so every function takes it from its caller, and the store from its dialect.
 */
export type RowLocks = boolean;

export async function lockRun(tx: Tx, runId: string, rowLocks: RowLocks): Promise<void> {
  if (!rowLocks) return;
  await tx.selectFrom("dag_runs").select("run_id").where("run_id", "=", runId).forUpdate().execute();
}

/**
 * The order in which a transaction that writes or locks several DAGs' rows takes them (starting
 * the queued runs of many DAGs, recording many DAGs): the same everywhere, so that two such
 * transactions never wait on each other in a circle.
 */
export function compareDagIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Serialises decisions about one DAG's runs (e.g. how many may run) across schedulers. */
export async function lockDag(tx: Tx, dagId: string, rowLocks: RowLocks): Promise<void> {
  if (!rowLocks) return;
  await tx.selectFrom("dags").select("dag_id").where("dag_id", "=", dagId).forUpdate().execute();
}

/**
 * Locks task instances in the order of run and id: the order every writer that takes several
 * instances takes them in (a completion batch, each after its run; a heartbeat), so that two of
 * them never wait on each other.
 */
export async function lockInstancesInRunOrder(tx: Tx, ids: readonly number[], rowLocks: RowLocks): Promise<void> {
  if (!rowLocks || ids.length === 0) return;
  await tx.selectFrom("task_instances").select("id").where("id", "in", ids).orderBy("run_id").orderBy("id").forUpdate().execute();
}

/** True for a unique-key violation, in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** One task instance of a run, locked for the caller's transaction (after its run: the same order as completions). */
export async function lockTaskInstance(
  tx: Tx,
  key: { readonly runId: string; readonly taskId: string; readonly mapIndex: number | null },
  rowLocks: RowLocks,
): Promise<Selectable<TaskInstanceTable> | undefined> {
  const query = tx
    .selectFrom("task_instances")
    .selectAll()
    .where("run_id", "=", key.runId)
    .where("task_id", "=", key.taskId)
    .where("map_index", "=", fromMapIndex(key.mapIndex));
  return (rowLocks ? query.forUpdate() : query).executeTakeFirst();
}
