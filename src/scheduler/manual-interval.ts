/**
 * The data interval of a run triggered by hand, until schedules land: a logical date given as a
 * day (`2024-03-01`) covers that whole day in the DAG's timezone; a timestamp covers the instant.
 * Without a logical date, the run covers today.
 */
import { formatDs, parseDateInZone } from "../core/calendar.js";
import type { DataInterval } from "../core/types.js";

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function manualDataInterval(logicalDate: string | undefined, timezone: string, now: Date): DataInterval {
  const text = logicalDate ?? formatDs(now, timezone);
  const start = parseDateInZone(text, timezone, { field: "logicalDate" });
  if (!DAY_ONLY.test(text)) return { start, end: start };
  // 36 hours later is past the next midnight even on a 25-hour DST day, and before the one after.
  const nextDay = formatDs(new Date(start.getTime() + 36 * 3_600_000), timezone);
  return { start, end: parseDateInZone(nextDay, timezone, { field: "logicalDate" }) };
}
