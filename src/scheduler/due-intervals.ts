/**
 * Which data intervals of a timetable DAG are due for a run now (docs/architecture.md §4): an interval is due
 * once it has ended. With `catchup`, every interval since the last run (or since `startDate`) is
 * due; without it, only the latest complete one. The DAG's calendar decides which logical dates
 * have intervals (core/timetable.ts).
 */
import { firstStartAtOrAfter, intervalAt, lastStartBefore, nextStart, type Timetable } from "../core/timetable.js";
import type { DataInterval } from "../core/types.js";

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
  // The latest interval that has ended. Ends grow with starts, so this walks back at most a step
  // or two (with a skipping calendar, the latest start may be on a day before a skipped one).
  let lastStart = lastStartBefore(schedule, now);
  while (intervalAt(schedule, lastStart).end.getTime() > now.getTime()) lastStart = lastStartBefore(schedule, lastStart);
  let first: Date;
  if (input.lastLogicalDate !== undefined) first = firstStartAtOrAfter(schedule, new Date(input.lastLogicalDate.getTime() + 1));
  else if (input.startDate !== undefined) first = firstStartAtOrAfter(schedule, input.startDate);
  else first = lastStart;
  if (!input.catchup && first.getTime() < lastStart.getTime()) first = lastStart;

  const out: DataInterval[] = [];
  const limit = input.limit ?? 1_000;
  for (let start = first; start.getTime() <= lastStart.getTime() && out.length < limit; ) {
    if (input.endDate !== undefined && start.getTime() > input.endDate.getTime()) break;
    const interval = intervalAt(schedule, start);
    if (input.startDate === undefined || start.getTime() >= input.startDate.getTime()) out.push(interval);
    start = nextStart(schedule, interval);
  }
  return out;
}
