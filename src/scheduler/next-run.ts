/**
 * When a DAG's next scheduled run will be created: its data interval is the one in progress now
 * (or the first after `startDate`), and the run is created once that interval has ended.
 */
import { isTimetable } from "../core/schedule.js";
import { intervalContaining, intervalStartingAtOrAfter } from "../core/timetable.js";
import type { DataInterval } from "../core/types.js";
import type { RegisteredDag } from "./dag-registry.js";

export interface NextRun {
  readonly interval: DataInterval;
  /** When the scheduler creates the run: the end of its interval. */
  readonly createdAt: Date;
}

export function nextScheduledRun(entry: RegisteredDag, now: Date): NextRun | undefined {
  const { schedule } = entry;
  if (!isTimetable(schedule)) return undefined;
  let interval =
    entry.startDate && entry.startDate > now ? intervalStartingAtOrAfter(schedule, entry.startDate) : intervalContaining(schedule, now);
  // A calendar that skips days can leave now after the end of the latest interval: the next one follows.
  if (interval.end <= now) interval = intervalStartingAtOrAfter(schedule, now);
  if (entry.endDate && interval.start > entry.endDate) return undefined;
  return { interval, createdAt: interval.end };
}
