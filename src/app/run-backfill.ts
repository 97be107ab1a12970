/**
 * Runs a planned backfill inside this process (what `tributary backfill` does): creates (or
 * clears) backfill runs a few at a time and drives them to completion with an in-process worker.
 * Interrupting it stops creating runs and lets running tries finish, so the store stays
 * consistent; running the same backfill again resumes: finished runs are skipped, unfinished ones
 * are picked up where they stopped.
 */
import { isTerminalRunState } from "../core/state-machine.js";
import type { RunState } from "../core/types.js";
import type { Store } from "../store/index.js";
import { TaskRunners } from "../worker/task-runners.js";
import { Worker } from "../worker/worker.js";
import { startInterval, type PlannedInterval } from "../scheduler/backfill.js";
import type { RegisteredDag } from "../scheduler/dag-registry.js";
import { createRetryTimer } from "../scheduler/retry-timer.js";

export interface BackfillProgress {
  readonly total: number;
  /** Intervals whose run has finished (including skipped ones). */
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly running: number;
  readonly startedAt: Date;
}

export interface BackfillResult extends BackfillProgress {
  readonly interrupted: boolean;
  readonly runs: readonly { runId: string; logicalDate: Date; state: RunState }[];
}

export interface RunBackfillOptions {
  readonly store: Store;
  readonly entry: RegisteredDag;
  readonly plan: readonly PlannedInterval[];
  /** Runs of this backfill active at once. */
  readonly maxActiveRuns: number;
  /** Task tries running at once in this process. */
  readonly concurrency: number;
  /** Aborted to stop creating runs (Ctrl-C); tries in progress still finish and are recorded. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BackfillProgress) => void;
  readonly now?: () => Date;
}

export async function runBackfill(options: RunBackfillOptions): Promise<BackfillResult> {
  const { store, entry, plan } = options;
  const { dag } = entry;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const pending = plan.filter((p) => p.action !== "skip");
  const finalStates = new Map<string, { runId: string; logicalDate: Date; state: RunState }>();
  for (const p of plan) {
    if (p.action === "skip" && p.existing) finalStates.set(p.existing.runId, { runId: p.existing.runId, logicalDate: p.existing.logicalDate, state: p.existing.state });
  }
  const skipped = plan.length - pending.length;
  const active = new Map<string, Date>();
  let next = 0;
  const progress = (): BackfillProgress => {
    const states = [...finalStates.values()];
    return {
      total: plan.length,
      done: states.length,
      succeeded: states.filter((s) => s.state === "success").length,
      failed: states.filter((s) => s.state === "failed").length,
      skipped,
      running: active.size,
      startedAt,
    };
  };

  const pool = new TaskRunners({ size: options.concurrency });
  let settle: (() => void) | undefined;
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
    settle?.();
  };
  const timer = createRetryTimer({ store, now, onQueued: () => worker.wake(), onError });
  const worker = new Worker({
    store,
    pool,
    dags: () => new Map([[dag.id, entry]]),
    concurrency: options.concurrency,
    now,
    onError,
    onTryFinished: () => {
      timer.wake();
      settle?.();
    },
  });

  /** Starts runs while there is room and the backfill was not interrupted. */
  const fill = async () => {
    while (active.size < options.maxActiveRuns && next < pending.length && !options.signal?.aborted) {
      const item = pending[next++] as PlannedInterval;
      const run = await startInterval(store, entry, item, now());
      if (isTerminalRunState(run.state)) finalStates.set(run.runId, { runId: run.runId, logicalDate: run.logicalDate, state: run.state });
      else active.set(run.runId, run.logicalDate);
    }
  };
  /** Moves finished runs out of the active set. */
  const collect = async () => {
    for (const [runId, logicalDate] of active) {
      const run = await store.getRun(runId);
      if (!run || isTerminalRunState(run.state)) {
        active.delete(runId);
        finalStates.set(runId, { runId, logicalDate, state: run?.state ?? "failed" });
      }
    }
  };

  const abort = () => settle?.();
  options.signal?.addEventListener("abort", abort);
  try {
    worker.start();
    timer.start();
    for (;;) {
      await collect();
      await fill();
      options.onProgress?.(progress());
      if (failure !== undefined) break;
      if (active.size === 0 && (next >= pending.length || options.signal?.aborted)) break;
      // Interrupted: stop claiming (otherwise the worker keeps starting the next tasks of the
      // active runs until they all end), wait for the tries in progress to be recorded, and leave
      // queued work for a resume.
      if (options.signal?.aborted) {
        await worker.stop();
        break;
      }
      await new Promise<void>((resolve) => {
        settle = resolve;
        setTimeout(resolve, 1_000).unref();
      });
      settle = undefined;
    }
  } finally {
    options.signal?.removeEventListener("abort", abort);
    await worker.stop();
    await timer.stop();
    await pool.close();
  }
  if (failure !== undefined) throw failure;
  await collect();
  const result = progress();
  return {
    ...result,
    interrupted: options.signal?.aborted === true && (next < pending.length || active.size > 0),
    runs: [...finalStates.values(), ...[...active].map(([runId, logicalDate]) => ({ runId, logicalDate, state: "running" as RunState }))].sort(
      (a, b) => a.logicalDate.getTime() - b.logicalDate.getTime(),
    ),
  };
}
