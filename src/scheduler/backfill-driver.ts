/**
 * Drives stored backfills (store/contract/backfills.ts): the one engine behind every backfill,
 * whether the REST API or `tributary backfill` created it. One pass for one backfill: the store
 * notes which of its runs finished (completing it when all have) and hands this driver the next
 * intervals to start, within the backfill's maxActiveRuns; their runs are created, cleared or
 * resumed and started (startInterval). Workers then run the tasks as for any run. The scheduler
 * makes a pass over every running backfill on each tick (driveBackfills); `tributary backfill`
 * makes passes over its own one (app/run-backfill.ts). Safe with several drivers at once: the
 * store gives each interval to one of them only (the backfill's row is locked while it decides),
 * and starting an interval is idempotent.
 */
import { isTerminalRunState } from "../core/state-machine.js";
import type { Store } from "../store/index.js";
import type { BackfillIntervalToStart, PlannedBackfillInterval } from "../store/index.js";
import { backfillRunInput, startInterval, type PlannedInterval } from "./backfill.js";
import type { RegisteredDag } from "./dag-registry.js";
import { defaultParamsOf } from "./run-params.js";

/** Finds a loaded DAG by id (a DagRegistry's `get`). */
export type DagLookup = (dagId: string) => RegisteredDag | undefined;

/** One pass over every running backfill whose DAG this scheduler has loaded. */
export async function driveBackfills(
  store: Store,
  lookup: DagLookup,
  now: Date,
  onError: (error: unknown) => void = () => undefined,
): Promise<{ started: number }> {
  let started = 0;
  for (const backfill of await store.listBackfills({ states: ["running"] })) {
    const entry = lookup(backfill.dagId);
    // A DAG this scheduler has not loaded: a scheduler that has it drives the backfill.
    if (!entry) continue;
    // One backfill's failure must not hold up the others; an interval whose start failed is
    // handed out again once its reservation is stale (see store/sql/backfills/backfills.ts).
    try {
      started += await driveBackfill(store, entry, backfill.id, now, backfill.maxActiveRuns);
    } catch (error) {
      onError(new Error(`backfill ${backfill.id} of DAG "${backfill.dagId}": ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
    }
  }
  return { started };
}

/**
 * One pass for one backfill of `entry`'s DAG: starts the runs it may start now; how many.
 * `maxActiveRuns`: the backfill's, read from the store when not given and the DAG has a params schema.
 */
export async function driveBackfill(store: Store, entry: RegisteredDag, backfillId: number, now: Date, maxActiveRuns?: number): Promise<number> {
  let started = 0;
  // New runs are created in the transaction that takes their intervals; the rest start here. A
  // params schema's params are worked out first, for as many runs as the pass may create.
  const most = entry.dag.declaresParams ? (maxActiveRuns ?? (await store.getBackfill(backfillId))?.maxActiveRuns ?? 0) : 0;
  // A params error is each interval's, as when the runs' params were worked out one by one: the
  // store leaves that interval to the pass's own start (which reports it), and the rest go on.
  const params = await defaultParamsOf(entry, most).catch((error: unknown) => () => {
    throw error;
  });
  for (const interval of await store.takeBackfillIntervals(backfillId, now, (taken) => backfillRunInput(entry, taken, now, params))) {
    if (!interval.run) await startOne(store, entry, interval, now);
    started++;
  }
  return started;
}

async function startOne(store: Store, entry: RegisteredDag, interval: BackfillIntervalToStart, now: Date): Promise<void> {
  const existing = interval.existingRunId === null ? undefined : await store.getRun(interval.existingRunId);
  // The run planned on has gone: the interval gets a new one.
  const action = existing === undefined ? "create" : interval.action;
  const run = await startInterval(store, entry, { interval: { start: interval.start, end: interval.end }, existing, action }, now);
  await store.recordBackfillRun({
    backfillId: interval.backfillId,
    logicalDate: interval.start,
    runId: run.runId,
    done: isTerminalRunState(run.state),
  });
}

/** A plan (planBackfill) as the store records it with createBackfill. */
export function storedIntervals(plan: readonly PlannedInterval[]): PlannedBackfillInterval[] {
  return plan.map((p) => ({ start: p.interval.start, end: p.interval.end, action: p.action, existingRunId: p.existing?.runId ?? null }));
}
