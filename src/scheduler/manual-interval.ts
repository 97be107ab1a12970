/**
 * The data interval of a run triggered by hand (`tributary run`, `tributary trigger`):
 * - a DAG with a timetable (cron, preset, fixed interval): the schedule's interval that contains
 *   the logical date (for `0 6 * * *` and 2024-03-01 06:00, [03-01 06:00, 03-02 06:00));
 *   a day given alone (`2024-03-01`) means the first interval starting that day, if any;
 *   the DAG's calendar applies, except on a day it excludes: a person asked for that day, so the
 *   run gets the schedule's own interval there;
 * - any other DAG: a day covers that whole day in the DAG's timezone, a timestamp the instant.
 * Without a logical date, the run covers the interval (or day) that contains now.
 */
import { formatDs, parseDateInZone } from "../core/calendar.js";
import { isAllowedDay } from "../core/run-calendar.js";
import { isTimetable, type ResolvedSchedule } from "../core/schedule.js";
import { firstStartAtOrAfter, intervalContaining } from "../core/timetable.js";
import type { DataInterval } from "../core/types.js";

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function manualDataInterval(
  schedule: ResolvedSchedule,
  logicalDate: string | undefined,
  timezone: string,
  now: Date,
): DataInterval {
  const text = logicalDate ?? now.toISOString();
  const at = parseDateInZone(text, timezone, { field: "logicalDate" });
  const dayOnly = DAY_ONLY.test(text);
  const nextDay = dayOnly ? startOfNextDay(at, timezone) : undefined;
  if (isTimetable(schedule)) {
    const { calendar } = schedule;
    const timetable = calendar && !isAllowedDay(calendar, formatDs(at, timezone)) ? { ...schedule, calendar: undefined } : schedule;
    if (nextDay !== undefined) {
      const first = firstStartAtOrAfter(timetable, at);
      if (first.getTime() < nextDay.getTime()) return intervalContaining(timetable, first);
    }
    return intervalContaining(timetable, at);
  }
  return nextDay === undefined ? { start: at, end: at } : { start: at, end: nextDay };
}

function startOfNextDay(dayStart: Date, timezone: string): Date {
  // 36 hours later is past the next midnight even on a 25-hour DST day, and before the one after.
  const nextDay = formatDs(new Date(dayStart.getTime() + 36 * 3_600_000), timezone);
  return parseDateInZone(nextDay, timezone, { field: "logicalDate" });
}
