import { hasTriesLeft, retryDelayMs } from "../../../core/retry-delay.js";
import { DEFAULT_LOST_TRY_RETRIES, hasLostTryRetryLeft, isLostTry, lostTriesExhaustedMessage, lostTryRetryReason } from "../../../core/lost-tries.js";
import type { CompleteTryInput, CompleteTryResult } from "../../contract/store.js";
import type { RunState } from "../../../core/types.js";
import { advanceRun, closeRunIfDone } from "../runs/advance.js";
import { recordDeadLetter } from "./dead-letters.js";
import { indexGraph } from "../shared/graph-index.js";
import { moveTask } from "../shared/transitions.js";
import { capError } from "../../contract/text-caps.js";
import { lockRun, type RowLocks } from "../shared/locks.js";
import type { Tx } from "../shared/tx.js";
import { storeCachedResult, tryCacheColumns } from "../result-cache/store-cached-result.js";

/**
 * Records a try's outcome and everything that follows from it, in the caller's transaction:
 * success (result, dataset events, downstream readiness, branch skips), or failure (retry with
 * backoff while tries are left; otherwise a dead-letter entry and downstream upstream_failed).
 */
export async function completeTry(tx: Tx, input: CompleteTryInput, rowLocks: RowLocks): Promise<CompleteTryResult> {
  const owner = await tx.selectFrom("task_instances").select("run_id").where("id", "=", input.taskInstanceId).executeTakeFirst();
  if (owner) await lockRun(tx, owner.run_id, rowLocks);
  const row = await tx.selectFrom("task_instances").selectAll().where("id", "=", input.taskInstanceId).executeTakeFirst();
  if (!row || row.state !== "running" || row.try_number !== input.tryNumber) {
    const runState = row ? await currentRunState(tx, row.run_id) : "failed";
    return { state: (row?.state ?? "failed") as CompleteTryResult["state"], nextRetryAt: null, runState, queued: 0, applied: false };
  }
  const ti = { ...row, id: Number(row.id) };
  const error = capError(input.error);
  // The worker's clock may run behind the claimer's (another machine): a try never ends before it started.
  const at = Math.max(input.now.getTime(), Number(row.started_at ?? 0));
  const spec = indexGraph(input.graph).spec(ti.task_id);
  await tx
    .updateTable("task_tries")
    .set({ outcome: input.outcome, ended_at: at, error, error_kind: input.errorKind ?? null, ...tryCacheColumns(input.cache) })
    .where("task_instance_id", "=", ti.id)
    .where("try_number", "=", input.tryNumber)
    .execute();

  if (input.outcome === "success") {
    const resultJson = JSON.stringify(input.result ?? null);
    await moveTask(tx, ti, "success", at, { ended_at: at, result: resultJson, error: null, worker_id: null });
    if (input.cache) await storeCachedResult(tx, ti, input.cache, resultJson, at);
    // One event per write: a declared output the task also emitted is recorded once, with the
    // emitted metadata. A result served from the cache wrote nothing.
    const emitted = input.emitted ?? [];
    const emittedUris = new Set(emitted.map((e) => e.uri));
    const events = input.cache?.hit
      ? []
      : [...(spec?.outputDatasets ?? []).filter((uri) => !emittedUris.has(uri)).map((uri) => ({ uri, metadata: {} })), ...emitted];
    if (events.length > 0) {
      await tx
        .insertInto("dataset_events")
        .values(
          events.map((e) => ({
            dataset_uri: e.uri,
            run_id: ti.run_id,
            dag_id: ti.dag_id,
            task_id: ti.task_id,
            map_index: ti.map_index,
            try_number: input.tryNumber,
            at,
            metadata: JSON.stringify(e.metadata),
          })),
        )
        .execute();
    }
    let notChosen: Set<string> | undefined;
    if (spec?.kind === "branch") {
      const chosen = new Set(Array.isArray(input.result) ? (input.result as unknown[]).map(String) : []);
      notChosen = new Set(indexGraph(input.graph).downstream(ti.task_id).filter((id) => !chosen.has(id)));
    }
    const queued = await advanceRun(tx, ti.run_id, input.graph, [ti.task_id], at, { notChosen });
    const runState = await closeRunIfDone(tx, ti.run_id, input.graph, at);
    return { state: "success", nextRetryAt: null, runState, queued, applied: true };
  }

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
