/**
 * A try suspended at a `ctx.sleep` (docs/durable-steps.md), recorded in the transaction of its
 * completion (sql/tries/complete-tries.ts): the instance waits `deferred` with reason `sleep`
 * until its wake-up time, holding no worker slot, and its try stays open: the claim that wakes it
 * goes on with the same try (resume-wait.ts), which replays its steps and passes the sleep. No
 * poke is counted and no sensor timeout applies; the task's own timeout is per run of its code.
 */
import type { Selectable } from "kysely";
import type { CompleteTryInput, CompleteTryResult } from "../../contract/store.js";
import type { TaskInstanceTable } from "../schema.js";
import { moveTask } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";

export async function recordSleep(tx: Tx, row: Selectable<TaskInstanceTable>, input: CompleteTryInput, sleepsUntil: Date): Promise<CompleteTryResult> {
  const at = Math.max(input.now.getTime(), Number(row.started_at ?? 0));
  const wakeAt = sleepsUntil.getTime();
  await moveTask(
    tx,
    { ...row, id: Number(row.id) },
    "deferred",
    at,
    { wake_at: wakeAt, wait_reason: "sleep", waiting_since: at, worker_id: null },
    `sleeping (ctx.sleep) until ${sleepsUntil.toISOString()}`,
  );
  const run = await tx.selectFrom("dag_runs").select("state").where("run_id", "=", row.run_id).executeTakeFirst();
  return { state: "deferred", nextRetryAt: null, wakeAt: sleepsUntil, runState: run?.state ?? "running", queued: 0, applied: true };
}
