/**
 * When a DAG's next scheduled run will be created: its data interval is the one in progress now
 * (or the first after `startDate`), and the run is created once that interval has ended.
 */
import { intervalContaining, intervalStartingAtOrAfter, isTimetable } from "../core/schedule.js";
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
  const interval =
    entry.startDate && entry.startDate > now ? intervalStartingAtOrAfter(schedule, entry.startDate) : intervalContaining(schedule, now);
  if (entry.endDate && interval.start > entry.endDate) return undefined;
  return { interval, createdAt: interval.end };
}
