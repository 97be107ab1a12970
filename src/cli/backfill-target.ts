/**
 * Which stored backfill `tributary backfill` drives (docs/backfills.md): the one `--resume <id>`
 * names; else an unfinished (running or paused) backfill of the same DAG, range and reprocess
 * mode, which the same command run again continues; else a new one, recorded from the plan. Each
 * is written to the audit log as the command's user, like the API's backfill actions.
 */
import { ConflictError, InvalidInputError, NotFoundError } from "../core/errors.js";
import type { PlannedInterval, ReprocessMode } from "../scheduler/backfill.js";
import { storedIntervals } from "../scheduler/backfill-driver.js";
import type { BackfillRecord, Store } from "../store/index.js";
import { cliActor } from "./cli-actor.js";

export interface BackfillTarget {
  readonly backfill: BackfillRecord;
  /** An existing backfill continued, rather than a new one. */
  readonly resumed: boolean;
}

export interface NewBackfillRequest {
  readonly dagId: string;
  readonly from: Date;
  readonly to: Date;
  readonly reprocess: ReprocessMode;
  /** As given on the command line; a continued backfill keeps its own when undefined. */
  readonly maxActiveRuns: number | undefined;
  readonly plan: readonly PlannedInterval[];
  readonly now: Date;
}

/** The default runs at once of a new backfill (the API's too). */
export const DEFAULT_MAX_ACTIVE_RUNS = 4;

/** `--resume <id>`: the backfill, running again. */
export async function resumeStoredBackfill(store: Store, id: number, options: { dagId: string | undefined; maxActiveRuns: number | undefined; now: Date }): Promise<BackfillTarget> {
  const stored = await store.getBackfill(id);
  if (!stored) throw new NotFoundError(`backfill ${id} not found`, { field: "resume" });
  if (options.dagId !== undefined && options.dagId !== stored.dagId) {
    throw new InvalidInputError(`backfill ${id} is of DAG "${stored.dagId}", not "${options.dagId}"`, { dagId: options.dagId, field: "resume" });
  }
  return { backfill: await resume(store, stored, options.maxActiveRuns, options.now), resumed: true };
}

/** The same command again continues its unfinished backfill; otherwise the plan becomes a new one. */
export async function backfillForRequest(store: Store, request: NewBackfillRequest): Promise<BackfillTarget> {
  const { dagId, from, to, reprocess } = request;
  const unfinished = await store.listBackfills({ dagId, states: ["running", "paused"] });
  const same = unfinished.find((b) => b.from.getTime() === from.getTime() && b.to.getTime() === to.getTime() && b.reprocess === reprocess);
  if (same) return { backfill: await resume(store, same, request.maxActiveRuns, request.now), resumed: true };
  // The store refuses an overlap too; saying here which backfill to continue helps more.
  const overlapping = unfinished.find((b) => b.from.getTime() <= to.getTime() && b.to.getTime() >= from.getTime());
  if (overlapping) {
    throw new ConflictError(
      `backfill ${overlapping.id} of DAG "${dagId}" (${overlapping.from.toISOString()} to ${overlapping.to.toISOString()}, reprocess ${overlapping.reprocess}) ` +
        `is ${overlapping.state} over an overlapping range: continue it with "tributary backfill --resume ${overlapping.id}", or cancel it (Backfills page, or POST /api/v1/backfills/${overlapping.id}/cancel)`,
      { dagId, field: "from" },
    );
  }
  const backfill = await store.createBackfill({
    dagId,
    from,
    to,
    reprocess,
    maxActiveRuns: request.maxActiveRuns ?? DEFAULT_MAX_ACTIVE_RUNS,
    createdBy: cliActor(),
    intervals: storedIntervals(request.plan),
    now: request.now,
  });
  await store.access.appendAudit({
    actor: cliActor(),
    action: "backfill.create",
    target: `${dagId}#${backfill.id}`,
    details: { from: from.toISOString(), to: to.toISOString(), reprocess, intervals: request.plan.length },
    now: request.now,
  });
  return { backfill, resumed: false };
}

async function resume(store: Store, backfill: BackfillRecord, maxActiveRuns: number | undefined, now: Date): Promise<BackfillRecord> {
  const resumed = await store.resumeBackfill({ id: backfill.id, maxActiveRuns, now });
  await store.access.appendAudit({
    actor: cliActor(),
    action: "backfill.resume",
    target: `${backfill.dagId}#${backfill.id}`,
    details: { from: backfill.state, ...(maxActiveRuns === undefined ? {} : { maxActiveRuns }) },
    now,
  });
  return resumed;
}
