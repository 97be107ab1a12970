/**
 * The data intervals of a backfill range, counted with a limit and computed in slices that yield
 * to the event loop: a cron tick costs tens of microseconds, so a range of centuries computed in
 * one go would stall every other request of an API process for seconds.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { BackfillTooLargeError } from "../core/errors.js";
import { firstStartAtOrAfter, intervalAt, nextStart, type Timetable } from "../core/timetable.js";
import type { DataInterval } from "../core/types.js";

/** The most intervals one backfill through the REST API may cover (docs/backfills.md). */
export const MAX_API_BACKFILL_INTERVALS = 10_000;
/** The most a CLI backfill may cover: it runs in its own process, but must still end. */
export const MAX_CLI_BACKFILL_INTERVALS = 100_000;
/** Ticks computed between two yields: a few milliseconds of work. */
const SLICE = 100;

/**
 * Every interval whose logical date (start) lies in [from, to], both ends included, in order; the
 * DAG's calendar applies (days it excludes have no interval, core/timetable.ts).
 */
export async function backfillIntervals(schedule: Timetable, from: Date, to: Date, limit: number): Promise<DataInterval[]> {
  const out: DataInterval[] = [];
  let start = firstStartAtOrAfter(schedule, from);
  while (start.getTime() <= to.getTime()) {
    if (out.length >= limit) throw new BackfillTooLargeError(limit, from, to);
    const interval = intervalAt(schedule, start);
    out.push(interval);
    start = nextStart(schedule, interval);
    if (out.length % SLICE === 0) await yieldToEventLoop();
  }
  return out;
}
