/**
 * Backfills as the store keeps them (docs/architecture.md §4): a date range of one DAG to re-process, planned
 * into intervals when it is created, then driven by the scheduler (scheduler/backfill-driver.ts)
 * a few runs at a time until every interval's run has finished, or until it is cancelled.
 */

/** What to do with intervals that already have a run. */
export type ReprocessMode = "skip" | "failed" | "all";

export type BackfillAction =
  /** No run yet: create one. */
  | "create"
  /** A finished run that stays as it is. */
  | "skip"
  /** A finished run cleared whole to run again (reprocess all). */
  | "rerun"
  /** A failed run whose failed tasks are cleared to run again (reprocess failed). */
  | "rerun_failed"
  /** A run that has not finished (an interrupted backfill, or the scheduler's): wait for it. */
  | "resume";

export const BACKFILL_ACTIONS: readonly BackfillAction[] = ["create", "skip", "rerun", "rerun_failed", "resume"];
export const REPROCESS_MODES: readonly ReprocessMode[] = ["skip", "failed", "all"];

export type BackfillState = "running" | "completed" | "cancelled";
export const BACKFILL_STATES: readonly BackfillState[] = ["running", "completed", "cancelled"];

export interface BackfillProgressCounts {
  readonly total: number;
  /** Intervals whose run has finished (skipped intervals included). */
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Intervals left as they were (an existing finished run, reprocess said skip). */
  readonly skipped: number;
  /** Intervals whose run was started and has not finished. */
  readonly running: number;
}

export interface BackfillRecord {
  readonly id: number;
  readonly dagId: string;
  readonly from: Date;
  readonly to: Date;
  readonly reprocess: ReprocessMode;
  readonly maxActiveRuns: number;
  readonly state: BackfillState;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly endedAt: Date | null;
  readonly progress: BackfillProgressCounts;
}

export interface PlannedBackfillInterval {
  readonly start: Date;
  readonly end: Date;
  readonly action: BackfillAction;
  readonly existingRunId: string | null;
}

export interface CreateBackfillInput {
  readonly dagId: string;
  readonly from: Date;
  readonly to: Date;
  readonly reprocess: ReprocessMode;
  readonly maxActiveRuns: number;
  readonly createdBy: string | null;
  /** The plan (scheduler/backfill.ts planBackfill), in logical-date order. */
  readonly intervals: readonly PlannedBackfillInterval[];
  readonly now: Date;
}

/** An interval the driver is to start now: it has been reserved for it (no other driver gets it). */
export interface BackfillIntervalToStart {
  readonly backfillId: number;
  readonly dagId: string;
  readonly start: Date;
  readonly end: Date;
  readonly action: BackfillAction;
  readonly existingRunId: string | null;
}
