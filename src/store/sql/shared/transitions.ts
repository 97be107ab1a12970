/**
 * The only code that writes a task instance's or a DAG run's state. Every change is checked by
 * the state machine (core/state-machine.ts), applied only if the row is still in the state it was
 * read in (so two processes can never both move it), and recorded in the state history.
 */
import type { Updateable } from "kysely";
import { assertRunTransition, assertTaskTransition } from "../../../core/state-machine.js";
import { TributaryError } from "../../../core/errors.js";
import type { RunState, TaskState } from "../../../core/types.js";
import type { DagRunTable, TaskInstanceTable } from "../schema.js";
import { markQueued } from "./queued-signal.js";
import type { Tx } from "./tx.js";

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
  if (instances.length === 0) return;
  const byState = new Map<TaskState, InstanceRef[]>();
  for (const ti of instances) {
    assertTaskTransition(ti.state, to, { dagId: ti.dag_id, taskId: ti.task_id });
    const group = byState.get(ti.state) ?? [];
    group.push(ti);
    byState.set(ti.state, group);
  }
  for (const [from, group] of byState) {
    for (const ids of chunks(group.map((ti) => ti.id), 500)) {
      const result = await tx
        .updateTable("task_instances")
        .set({ ...fields, state: to, updated_at: at })
        .where("id", "in", ids)
        .where("state", "=", from)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== ids.length) {
        throw new ConcurrentChangeError(`a task instance of run ${group[0]?.run_id ?? "?"}`);
      }
    }
  }
  await recordTaskHistory(tx, instances, (ti) => ti.state, to, at, reason);
  if (to === "queued") markQueued(tx);
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
  return recordTaskHistory(tx, instances, () => null, (ti) => ti.state, at, null);
}

async function recordTaskHistory(
  tx: Tx,
  instances: readonly InstanceRef[],
  from: (ti: InstanceRef) => string | null,
  to: string | ((ti: InstanceRef) => string),
  at: number,
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
          at,
          reason,
        })),
      )
      .execute();
  }
}

type RunFields = Omit<Updateable<DagRunTable>, "run_id" | "state" | "updated_at" | "dag_id">;

export async function moveRun(
  tx: Tx,
  run: { readonly run_id: string; readonly dag_id: string; readonly state: RunState },
  to: RunState,
  at: number,
  fields: RunFields = {},
  reason: string | null = null,
): Promise<void> {
  assertRunTransition(run.state, to, { dagId: run.dag_id });
  const result = await tx
    .updateTable("dag_runs")
    .set({ ...fields, state: to, updated_at: at })
    .where("run_id", "=", run.run_id)
    .where("state", "=", run.state)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new ConcurrentChangeError(`DAG run ${run.run_id}`);
  await tx
    .insertInto("state_history")
    .values({ run_id: run.run_id, task_instance_id: null, task_id: null, map_index: null, from_state: run.state, to_state: to, at, reason })
    .execute();
}

export async function recordRunCreated(tx: Tx, run: { run_id: string; state: string }, at: number): Promise<void> {
  await tx
    .insertInto("state_history")
    .values({ run_id: run.run_id, task_instance_id: null, task_id: null, map_index: null, from_state: null, to_state: run.state, at, reason: null })
    .execute();
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
