/**
 * Drives one stored backfill from this process (what `tributary backfill` does): the scheduler's
 * own driver (scheduler/backfill-driver.ts) starts its runs within its maxActiveRuns, and an
 * in-process worker runs their tasks in the isolated process pool, until the backfill is
 * completed. Nothing here decides which intervals run or when: the store and the driver do, as
 * for a backfill created through the API, and a scheduler sharing the store may drive the same
 * backfill at the same time (each interval is handed to one driver only).
 *
 * Interrupting it (the signal, Ctrl-C) pauses the stored backfill, so that no driver starts more
 * of its runs, stops claiming and lets the tries in progress finish and be recorded: the store is
 * left consistent, with the unfinished runs' remaining tasks queued. Resuming the backfill
 * (store.resumeBackfill) and driving it again continues where it stopped; finished runs are not
 * run again.
 */
import { ConflictError } from "../core/errors.js";
import { isTerminalRunState } from "../core/state-machine.js";
import type { RunState } from "../core/types.js";
import type { BackfillRecord, Store } from "../store/index.js";
import { TaskRunners } from "../worker/task-runners.js";
import { WORKER_WARM_PROCESSES } from "../worker/process-pool.js";
import { Worker } from "../worker/worker.js";
import { driveBackfill } from "../scheduler/backfill-driver.js";
import type { RegisteredDag } from "../scheduler/dag-registry.js";
import { createRetryTimer } from "../scheduler/retry-timer.js";
import { Wakeup } from "../runtime/wakeup.js";

/** A pass when nothing woke the loop: runs finished by other processes are noticed this late. */
const IDLE_PASS_MS = 1_000;

export interface RunBackfillOptions {
  readonly store: Store;
  /** The backfill's DAG, loaded. */
  readonly entry: RegisteredDag;
  /** The stored backfill to drive (store.createBackfill, or resumeBackfill for a paused one). */
  readonly backfillId: number;
  /** Task tries running at once in this process. */
  readonly concurrency: number;
  /** Aborted to stop (Ctrl-C): the backfill is paused; tries in progress finish and are recorded. */
  readonly signal?: AbortSignal;
  /** Called after every pass with the backfill as stored, its progress included. */
  readonly onProgress?: (backfill: BackfillRecord) => void;
  readonly now?: () => Date;
}

export interface BackfillRunResult {
  /** The backfill as stored when this process stopped driving it. */
  readonly backfill: BackfillRecord;
  /** Stopped by the signal before the backfill ended (it was paused). */
  readonly interrupted: boolean;
  /** The runs of the backfill's intervals that have one, oldest first. */
  readonly runs: readonly { runId: string; logicalDate: Date; state: RunState }[];
}

export async function runBackfill(options: RunBackfillOptions): Promise<BackfillRunResult> {
  const { store, entry, backfillId, signal } = options;
  const now = options.now ?? (() => new Date());
  const pool = new TaskRunners({ size: options.concurrency, warmProcesses: WORKER_WARM_PROCESSES });
  // A wake-up that arrives during a pass is kept for the next wait (runtime/wakeup.ts).
  const wakeup = new Wakeup();
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
    wakeup.wake();
  };
  const timer = createRetryTimer({ store, now, onQueued: () => worker.wake(), onError });
  const worker = new Worker({
    store,
    pool,
    dags: () => new Map([[entry.dag.id, entry]]),
    concurrency: options.concurrency,
    now,
    onError,
    onTryFinished: (_claimed, outcome, recorded) => {
      // Only a failed try can have scheduled a retry for the timer to plan.
      if (!outcome.ok) timer.wake();
      // A run that ended makes room for the next one: drive at once.
      if (!recorded.applied || isTerminalRunState(recorded.runState)) wakeup.wake();
    },
  });

  const onAbort = () => wakeup.wake();
  signal?.addEventListener("abort", onAbort);
  let backfill: BackfillRecord | undefined;
  try {
    worker.start();
    timer.start();
    while (failure === undefined && !signal?.aborted) {
      const started = await driveBackfill(store, entry, backfillId, now());
      if (started > 0) worker.wake();
      // A pass that started runs found the backfill running: read it again only for a progress
      // display (at every run's end: a read each on the store's writer, issue 17).
      if (started === 0 || options.onProgress !== undefined) {
        backfill = await readBackfill(store, backfillId);
        options.onProgress?.(backfill);
        // Completed, or paused or cancelled by someone else: this process has nothing more to start.
        if (backfill.state !== "running") break;
      }
      await wakeup.wait(IDLE_PASS_MS);
    }
    if (signal?.aborted && failure === undefined) backfill = await pause(store, backfillId, now());
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // Stops claiming, then waits for the tries in progress to be recorded; queued work stays queued.
    await worker.stop();
    await timer.stop();
    await pool.close();
  }
  if (failure !== undefined) throw failure;
  const final = await readBackfill(store, backfillId);
  const runs = (await store.listBackfillIntervals(backfillId)).flatMap((i) =>
    i.runId === null || i.runState === null ? [] : [{ runId: i.runId, logicalDate: i.start, state: i.runState }],
  );
  return { backfill: final, interrupted: signal?.aborted === true && backfill?.state === "paused", runs };
}

/** Pauses the backfill unless it has ended meanwhile (or was paused by another process). */
async function pause(store: Store, backfillId: number, at: Date): Promise<BackfillRecord> {
  try {
    return await store.pauseBackfill(backfillId, at);
  } catch (error) {
    if (error instanceof ConflictError) return readBackfill(store, backfillId);
    throw error;
  }
}

async function readBackfill(store: Store, backfillId: number): Promise<BackfillRecord> {
  const backfill = await store.getBackfill(backfillId);
  if (!backfill) throw new Error(`backfill ${backfillId} disappeared from the store`);
  return backfill;
}
