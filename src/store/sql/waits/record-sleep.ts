/**
 * A try suspended at a `ctx.sleep` or a `ctx.waitForEvent` (docs/durable-steps.md), recorded in
 * the transaction of its completion (sql/tries/complete-tries.ts): the instance waits `deferred`
 * with reason `sleep` or `event` until its wake-up time (an event wait's deadline), holding no
 * worker slot, and its try stays open: the claim that wakes it goes on with the same try
 * (resume-wait.ts), which replays its steps. No poke is counted and no sensor timeout applies;
 * the task's own timeout is per run of its code.
 */
import type { Selectable } from "kysely";
import type { CompleteTryInput, CompleteTryResult } from "../../contract/store.js";
import type { TaskInstanceTable } from "../schema.js";
import { moveTask } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";

export async function recordSleep(tx: Tx, row: Selectable<TaskInstanceTable>, input: CompleteTryInput, sleepsUntil: Date): Promise<CompleteTryResult> {
  const at = Math.max(input.now.getTime(), Number(row.started_at ?? 0));
  // The try suspended at its last step: the sleep, or the event wait, it reached.
  const last = await tx
    .selectFrom("task_steps")
    .select(["kind", "name", "awaiting_event"])
    .where("task_instance_id", "=", Number(row.id))
    .orderBy("step_number", "desc")
    .limit(1)
    .executeTakeFirst();
  const event = last?.kind === "event" ? last : undefined;
  // The event may have been delivered after the step was recorded and before this completion:
  // then the wait is over already, and the instance is due at once (the run lock this completion
  // holds orders it with the delivery: sql/waits/deliver-event.ts).
  const delivered = event !== undefined && event.awaiting_event === null;
  const wakeAt = delivered ? at : sleepsUntil.getTime();
  const reason =
    event === undefined
      ? `sleeping (ctx.sleep) until ${sleepsUntil.toISOString()}`
      : delivered
        ? `event "${event.name}" delivered while the try was suspending: due at once`
        : `waiting for event "${event.name}" (ctx.waitForEvent) until ${sleepsUntil.toISOString()}`;
  await moveTask(
    tx,
    { ...row, id: Number(row.id) },
    "deferred",
    at,
    { wake_at: wakeAt, wait_reason: event === undefined ? "sleep" : "event", waiting_since: at, worker_id: null },
    reason,
  );
  const run = await tx.selectFrom("dag_runs").select("state").where("run_id", "=", row.run_id).executeTakeFirst();
  return { state: "deferred", nextRetryAt: null, wakeAt: new Date(wakeAt), runState: run?.state ?? "running", queued: 0, applied: true };
}
