/**
 * Backfills as the store keeps them (docs/architecture.md §4): a date range of one DAG to re-process, planned
 * into intervals when it is created, then driven (scheduler/backfill-driver.ts, by the scheduler
 * or by `tributary backfill`) a few runs at a time until every interval's run has finished, or
 * until it is cancelled. A paused backfill starts no runs until it is resumed.
 */
import type { RunState } from "../../core/types.js";
import type { DagRunRecord } from "./run-records.js";

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

/**
 * `running`: its drivers start its runs; `paused`: none are started until it is resumed (an
 * interrupted `tributary backfill`); `completed` and `cancelled` are final.
 */
export type BackfillState = "running" | "paused" | "completed" | "cancelled";
export const BACKFILL_STATES: readonly BackfillState[] = ["running", "paused", "completed", "cancelled"];

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
  /** The run takeBackfillIntervals created and recorded for it (see its `create`). */
  readonly run?: DagRunRecord;
}

/** One interval of a stored backfill, with the run it has (if any) and that run's state. */
export interface BackfillIntervalRecord {
  readonly start: Date;
  readonly end: Date;
  readonly action: BackfillAction;
  /** The run started for it (or, for a skipped interval, the existing one); null until then. */
  readonly runId: string | null;
  readonly runState: RunState | null;
}
