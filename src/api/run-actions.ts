/**
 * What an operator does to a whole DAG run (cancel, clear, mark), each with its audit entry: shared
 * by the per-run routes and the bulk route (routes/run-bulk.ts), so both act and audit alike.
 */
import type { DagRunRecord } from "../store/index.js";
import { type ApiContext } from "./context.js";
import { conflict } from "./errors.js";
import { dagToRun, requireRun } from "./lookups.js";

export const RUN_ACTIONS = ["clear_failed", "mark_success", "mark_failed", "cancel"] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];

/** Extra audit details, e.g. `{ bulk: true }` for the bulk route. */
type AuditDetails = Readonly<Record<string, unknown>>;

export async function cancelRunAs(ctx: ApiContext, runId: string, actor: string, details: AuditDetails = {}): Promise<DagRunRecord> {
  const run = await requireRun(ctx, runId);
  const { graph } = await dagToRun(ctx, run.dagId);
  const cancelled = await ctx.store.cancelRun({ runId: run.runId, graph, now: ctx.now(), reason: `cancelled by ${actor}` });
  await audit(ctx, actor, "run.cancel", run.runId, details);
  return cancelled;
}

/**
 * Clears a finished run (all its tasks, or only the failed ones). `cleared` is false when there
 * was nothing to clear (only failed tasks asked for, and none failed): then nothing is audited.
 */
export async function clearRunAs(
  ctx: ApiContext,
  runId: string,
  onlyFailed: boolean,
  actor: string,
  details: AuditDetails = {},
): Promise<{ run: DagRunRecord; cleared: boolean }> {
  const run = await requireRun(ctx, runId);
  if (run.state !== "success" && run.state !== "failed") throw conflict(`run ${run.runId} is ${run.state}: only a finished run can be cleared`);
  const { graph, source } = await dagToRun(ctx, run.dagId);
  const after = await ctx.store.clearRun({ runId: run.runId, graph, source, onlyFailed, now: ctx.now() });
  const cleared = after.state === "queued";
  if (cleared) await audit(ctx, actor, "run.clear", run.runId, { onlyFailed, ...details });
  return { run: after, cleared };
}

export async function markRunAs(ctx: ApiContext, runId: string, state: "success" | "failed", actor: string, details: AuditDetails = {}): Promise<DagRunRecord> {
  const run = await requireRun(ctx, runId);
  const marked = await ctx.store.markRun({ runId: run.runId, state, now: ctx.now() });
  await audit(ctx, actor, `run.mark_${state}`, run.runId, details);
  return marked;
}

/** One bulk action on one run. */
export async function applyRunAction(ctx: ApiContext, action: RunAction, runId: string, actor: string, details: AuditDetails): Promise<DagRunRecord> {
  switch (action) {
    case "cancel":
      return cancelRunAs(ctx, runId, actor, details);
    case "mark_success":
      return markRunAs(ctx, runId, "success", actor, details);
    case "mark_failed":
      return markRunAs(ctx, runId, "failed", actor, details);
    case "clear_failed": {
      const { run, cleared } = await clearRunAs(ctx, runId, true, actor, details);
      if (!cleared) throw conflict(`run ${runId} has no failed tasks to clear`);
      return run;
    }
  }
}

function audit(ctx: ApiContext, actor: string, action: string, runId: string, details: AuditDetails): Promise<void> {
  return ctx.store.access.appendAudit({ actor, action, target: runId, details: Object.keys(details).length > 0 ? { ...details } : undefined, now: ctx.now() });
}
