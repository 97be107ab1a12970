/**
 * A sensor's poke, recorded in the transaction of its completion (sql/tries/complete-tries.ts):
 * every poke is counted, the first one starts the wait's clock, and a poke that found nothing
 * defers the instance (docs/sensors.md). Its try stays open: the wait is one try however many
 * pokes it takes, and the claim that wakes it goes on with that try (resume-wait.ts).
 */
import type { Selectable } from "kysely";
import { afterPoke } from "../../../core/sensor-wait.js";
import type { TaskSpec } from "../../../core/types.js";
import type { CompleteTryInput, CompleteTryResult } from "../../contract/store.js";
import { capError } from "../../contract/text-caps.js";
import { advanceRun, closeRunIfDone } from "../runs/advance.js";
import type { TaskInstanceTable } from "../schema.js";
import { moveTask } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";
import { recordDeadLetter } from "../tries/dead-letters.js";
import { closeApprovalRequest, recordApprovalRequest } from "./approval-requests.js";

type RunningRow = Selectable<TaskInstanceTable> & { readonly id: number };

/** How the history words a wait: a sensor's, or an approval's (which waits the same way, with one wake-up: its deadline). */
const WAITERS = {
  sensor: { waiting: (pokes: number, wakeAt: number, at: number) => `poke ${pokes} found nothing; next poke in ${wakeAt - at}ms`, skip: "softFail" },
  approval: { waiting: (_pokes: number, wakeAt: number) => `waiting for an answer until ${new Date(wakeAt).toISOString()}`, skip: 'onTimeout: "skip"' },
} as const;

/**
 * Counts the poke; for a `deferred` outcome also decides what follows and resolves to the
 * completion's result. Resolves to undefined when the completion goes on as usual (a poke that
 * was done, or that failed: a failed try with the task's normal retries).
 */
export async function recordPoke(
  tx: Tx,
  ti: RunningRow,
  input: CompleteTryInput,
  spec: TaskSpec | undefined,
  at: number,
): Promise<CompleteTryResult | undefined> {
  const pokes = ti.pokes + 1;
  // The wait starts with the first poke and is not restarted by a retry (an error in a poke).
  const waitingSince = Number(ti.waiting_since ?? ti.started_at ?? at);
  if (input.outcome !== "deferred") {
    await tx.updateTable("task_instances").set({ pokes, waiting_since: waitingSince }).where("id", "=", ti.id).execute();
    return undefined;
  }
  const name = ti.map_index < 0 ? ti.task_id : `${ti.task_id}[${ti.map_index}]`;
  // An approval waits as a sensor does, with one wake-up: its deadline (docs/approvals.md).
  const waiter = spec?.kind === "approval" ? "approval" : "sensor";
  const approval = waiter === "approval";
  const decision = spec?.sensor
    ? afterPoke(spec.sensor, { now: at, waitingSince, pokes }, waiter)
    : // Only sensors wait: a graph without this sensor (changed under a running try) ends the wait.
      { kind: "timeout" as const, softFail: false, message: `task "${name}" waited, but it is not a sensor in the DAG this worker loaded` };
  if (decision.kind === "wait") {
    await moveTask(
      tx,
      ti,
      "deferred",
      at,
      { wake_at: decision.wakeAt, wait_reason: waiter, waiting_since: waitingSince, pokes, worker_id: null },
      WAITERS[waiter].waiting(pokes, decision.wakeAt, at),
    );
    if (approval && pokes === 1) await recordApprovalRequest(tx, ti, spec, waitingSince, decision.wakeAt);
    const run = await tx.selectFrom("dag_runs").select("state").where("run_id", "=", ti.run_id).executeTakeFirst();
    return { state: "deferred", nextRetryAt: null, wakeAt: new Date(decision.wakeAt), runState: run?.state ?? "running", queued: 0, applied: true };
  }
  // Timed out: the try ends; a sensor's timeout is final (no retry would make the wait shorter).
  const error = capError(decision.message);
  await tx
    .updateTable("task_tries")
    .set({ outcome: "failed", ended_at: at, error, error_kind: "timeout" })
    .where("task_instance_id", "=", ti.id)
    .where("try_number", "=", input.tryNumber)
    .execute();
  const fields = { ended_at: at, error, worker_id: null, waiting_since: waitingSince, pokes };
  if (approval) await closeApprovalRequest(tx, ti, "timeout", at);
  if (decision.softFail) {
    await moveTask(tx, ti, "skipped", at, fields, `the ${waiter} timed out (${WAITERS[waiter].skip})`);
  } else {
    await moveTask(tx, ti, "failed", at, fields, `the ${waiter} timed out`);
    await recordDeadLetter(tx, ti, input.tryNumber, error, at);
  }
  const queued = await advanceRun(tx, ti.run_id, input.graph, [ti.task_id], at);
  const runState = await closeRunIfDone(tx, ti.run_id, input.graph, at);
  return { state: decision.softFail ? "skipped" : "failed", nextRetryAt: null, runState, queued, applied: true };
}
