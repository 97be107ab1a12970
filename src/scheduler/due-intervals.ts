/**
 * Which data intervals of a timetable DAG are due for a run now (docs/architecture.md §4): an interval is due
 * once it has ended. With `catchup`, every interval since the last run (or since `startDate`) is
 * due; without it, only the latest complete one.
 */
import { tickAfter, tickAtOrAfter, tickBefore, type ResolvedSchedule } from "../core/schedule.js";
import type { DataInterval } from "../core/types.js";

type Timetable = Extract<ResolvedSchedule, { kind: "cron" | "interval" }>;

export interface DueIntervalsInput {
  readonly schedule: Timetable;
  readonly startDate: Date | undefined;
  readonly endDate: Date | undefined;
  readonly catchup: boolean;
  /** Logical date of the latest scheduled or backfill run, if any. */
  readonly lastLogicalDate: Date | undefined;
  readonly now: Date;
  /** At most this many intervals per call; the next call continues (keeps one loop short). */
  readonly limit?: number;
}

export function dueIntervals(input: DueIntervalsInput): DataInterval[] {
  const { schedule, now } = input;
  // The latest interval that has ended: it ends at the last tick at or before now.
  const lastEnd = tickAtOrAfter(schedule, now).getTime() === now.getTime() ? now : tickBefore(schedule, now);
  const lastStart = tickBefore(schedule, lastEnd);
  let first: Date;
  if (input.lastLogicalDate !== undefined) first = tickAfter(schedule, input.lastLogicalDate);
  else if (input.startDate !== undefined) first = tickAtOrAfter(schedule, input.startDate);
  else first = lastStart;
  if (!input.catchup && first.getTime() < lastStart.getTime()) first = lastStart;

  const out: DataInterval[] = [];
  const limit = input.limit ?? 1_000;
  for (let start = first; start.getTime() <= lastStart.getTime() && out.length < limit; ) {
    if (input.endDate !== undefined && start.getTime() > input.endDate.getTime()) break;
    if (input.startDate !== undefined && start.getTime() < input.startDate.getTime()) {
      start = tickAfter(schedule, start);
      continue;
    }
    const end = tickAfter(schedule, start);
    out.push({ start, end });
    start = end;
  }
  return out;
}
