/**
 * Backfills (docs/architecture.md §4): re-process a range of logical dates. The plan lists every data interval
 * whose logical date lies in the range and what happens to it given the runs that already exist
 * (the store records it with createBackfill, the dry run shows it); `startInterval` creates (or
 * clears) and starts the run of one planned interval, when the driver of stored backfills
 * (backfill-driver.ts) reaches it.
 */
import { isTimetable } from "../core/schedule.js";
import { excludedTicksBetween, type ExcludedTick } from "../core/timetable.js";
import { formatDs, parseDateInZone } from "../core/calendar.js";
import { InvalidInputError } from "../core/errors.js";
import { isTerminalRunState } from "../core/state-machine.js";
import type { DataInterval } from "../core/types.js";
import type { CreateRunInput, DagRunRecord, Store } from "../store/index.js";
import type { BackfillAction, ReprocessMode } from "../store/index.js";
import type { RegisteredDag } from "./dag-registry.js";
import { intervalRunInput } from "./interval-run-input.js";
import { defaultParamsOf } from "./run-params.js";
import { backfillIntervals, MAX_CLI_BACKFILL_INTERVALS } from "./backfill-intervals.js";

// The actions and modes are stored with API-created backfills, so the store defines them.
export type { BackfillAction, ReprocessMode } from "../store/index.js";

export interface PlannedInterval {
  readonly interval: DataInterval;
  readonly existing: DagRunRecord | undefined;
  readonly action: BackfillAction;
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

/**
 * The schedule's ticks in a backfill's range that the DAG's calendar excludes: they get no run of
 * their own (a dry run lists them; with `shift`, the run of the next allowed day covers them).
 */
export function excludedInRange(entry: RegisteredDag, range: { from: Date; to: Date }): ExcludedTick[] {
  return isTimetable(entry.schedule) ? excludedTicksBetween(entry.schedule, range.from, range.to) : [];
}

function actionFor(run: DagRunRecord | undefined, reprocess: ReprocessMode): BackfillAction {
  if (!run) return "create";
  if (!isTerminalRunState(run.state)) return "resume";
  if (reprocess === "all") return "rerun";
  if (reprocess === "failed" && run.state === "failed") return "rerun_failed";
  return "skip";
}

/** The run a backfill creates for an interval: started at once, with the DAG's default params (run-params.ts defaultParamsOf). */
export function backfillRunInput(
  entry: RegisteredDag,
  interval: { readonly start: Date; readonly end: Date },
  now: Date,
  params: () => Record<string, unknown>,
): CreateRunInput {
  return intervalRunInput(entry, interval, { runType: "backfill", start: true }, now, params);
}

/** Creates, clears or resumes the run of one planned interval, and starts it (for backfill-driver.ts). */
export async function startInterval(store: Store, entry: RegisteredDag, item: PlannedInterval, now: Date): Promise<DagRunRecord> {
  const { dag } = entry;
  const graph = dag.graph;
  if (item.action === "create") {
    const { run } = await store.createRun(backfillRunInput(entry, item.interval, now, await defaultParamsOf(entry, 1)));
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
