/**
 * Backfills (DESIGN §4): re-process a range of logical dates. The plan lists every data interval
 * whose logical date lies in the range and what happens to it given the runs that already exist;
 * running it creates (or clears) backfill runs a few at a time and drives them to completion with
 * an in-process worker. Interrupting it stops creating runs and lets running tries finish, so the
 * store stays consistent; running the same backfill again resumes: finished runs are skipped,
 * unfinished ones are picked up where they stopped.
 */
import { isTimetable } from "../core/schedule.js";
import { formatDs, parseDateInZone } from "../core/calendar.js";
import { InvalidInputError } from "../core/errors.js";
import { isTerminalRunState } from "../core/state-machine.js";
import type { DataInterval, RunState } from "../core/types.js";
import type { DagRunRecord, Store } from "../store/store.js";
import type { BackfillAction, ReprocessMode } from "../store/backfills.js";
import { TaskProcessPool } from "../worker/process-pool.js";
import { Worker } from "../worker/worker.js";
import type { RegisteredDag } from "./dag-registry.js";
import { createRetryTimer } from "./retry-timer.js";
import { scheduledRunId } from "./run-ids.js";
import { backfillIntervals, MAX_CLI_BACKFILL_INTERVALS } from "./backfill-intervals.js";

// The actions and modes are stored with API-created backfills, so the store defines them.
export type { BackfillAction, ReprocessMode } from "../store/backfills.js";

export interface PlannedInterval {
  readonly interval: DataInterval;
  readonly existing: DagRunRecord | undefined;
  readonly action: BackfillAction;
}

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

export async function planBackfill(
  store: Store,
  entry: RegisteredDag,
  range: { from: Date; to: Date },
  reprocess: ReprocessMode,
  /** The most intervals the range may cover (BackfillTooLargeError beyond). */
  limit = MAX_CLI_BACKFILL_INTERVALS,
): Promise<PlannedInterval[]> {
  const { schedule, dag } = entry;
  if (!isTimetable(schedule)) {
    throw new InvalidInputError(`DAG "${dag.id}" has no time-based schedule, so it has no intervals to backfill`, {
      dagId: dag.id,
      field: "schedule",
    });
  }
  if (range.to < range.from) throw new InvalidInputError("--to is before --from", { field: "to" });
  const intervals = await backfillIntervals(schedule, range.from, range.to, limit);
  const existing = new Map((await store.listRunsBetween(dag.id, range.from, range.to)).map((r) => [r.logicalDate.getTime(), r]));
  return intervals.map((interval) => {
    const run = existing.get(interval.start.getTime());
    return { interval, existing: run, action: actionFor(run, reprocess) };
  });
}

function actionFor(run: DagRunRecord | undefined, reprocess: ReprocessMode): BackfillAction {
  if (!run) return "create";
  if (!isTerminalRunState(run.state)) return "resume";
  if (reprocess === "all") return "rerun";
  if (reprocess === "failed" && run.state === "failed") return "rerun_failed";
  return "skip";
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

  const pool = new TaskProcessPool({ size: options.concurrency });
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

/**
 * Creates, clears or resumes the run of one planned interval, and starts it. Shared by the CLI's
 * in-process backfill and the scheduler's driver of stored backfills (backfill-driver.ts).
 */
export async function startInterval(store: Store, entry: RegisteredDag, item: PlannedInterval, now: Date): Promise<DagRunRecord> {
  const { dag } = entry;
  const graph = dag.graph;
  if (item.action === "create") {
    const { run } = await store.createRun({
      runId: scheduledRunId(dag.id, "backfill", item.interval.start),
      runType: "backfill",
      graph,
      logicalDate: item.interval.start,
      dataIntervalStart: item.interval.start,
      dataIntervalEnd: item.interval.end,
      params: dag.parseParams({}) as Record<string, unknown>,
      source: entry.source,
      start: true,
      now,
    });
    // Another process may have created it meanwhile (created: false): it is then resumed below.
    return run.state === "queued" ? store.startRun(run.runId, graph, now) : run;
  }
  const existing = item.existing as DagRunRecord;
  if (item.action === "rerun" || item.action === "rerun_failed") {
    await store.clearRun({ runId: existing.runId, graph, onlyFailed: item.action === "rerun_failed", now, source: entry.source });
  }
  const current = await store.getRun(existing.runId);
  return current?.state === "queued" ? store.startRun(existing.runId, graph, now) : (current ?? existing);
}

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A backfill's range from what a person typed, in the DAG's timezone: `from` a day or instant,
 * `to` a day (covering that whole day: every logical date up to its last instant) or an instant.
 */
export function backfillRange(fromText: string, toText: string, timezone: string): { from: Date; to: Date } {
  const from = parseDateInZone(fromText, timezone, { field: "from" });
  const at = parseDateInZone(toText, timezone, { field: "to" });
  if (!DAY_ONLY.test(toText)) return { from, to: at };
  // 36 hours later is in the next day even on a 25-hour DST day.
  const nextDay = formatDs(new Date(at.getTime() + 36 * 3_600_000), timezone);
  return { from, to: new Date(parseDateInZone(nextDay, timezone, { field: "to" }).getTime() - 1) };
}
