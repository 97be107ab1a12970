/**
 * What a worker does with a claimed approval (docs/approvals.md): no code runs. Claimed the first
 * time, the approval starts to wait: it answers like a sensor's poke that found nothing, and the
 * store defers it until its deadline (its sensor policy has one wake-up). An answer ends the wait
 * in the store (sql/runs/answer-approval.ts), so an approval woken again has met its deadline
 * without one: with a default answer it succeeds with it; otherwise the store's timeout rule
 * fails it, or skips it with `onTimeout: "skip"`. One rule for the worker and the testing kit.
 */
import type { TaskSpec } from "../core/types.js";
import type { ClaimedTask } from "../store/index.js";
import type { TaskRunOutcome } from "./task-protocol.js";

export function approvalOutcome(spec: TaskSpec, claimed: ClaimedTask): TaskRunOutcome {
  const onTimeout = spec.approval?.onTimeout;
  const result = claimed.resumed === true && onTimeout?.kind === "answer" ? { done: true, value: onTimeout.answer } : { done: false };
  return { ok: true, result, emitted: [] };
}
