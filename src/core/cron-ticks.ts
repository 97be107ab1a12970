/**
 * When a cron expression fires in a time zone, by Vixie cron's rules (docs/scheduling.md has the
 * table). Vixie cron compares the wall-clock minute with the last one it handled:
 * - the clock jumped forward by at most 3 hours (spring-forward): fixed-time jobs of the skipped
 *   wall times run once, at the first instant after the gap; wildcard jobs (minute or hour field
 *   starting with `*`) run only for wall times that exist (a jump of at most 5 minutes runs both);
 * - the clock went back by at most 3 hours (fall-back): until the wall clock passes the last
 *   minute it handled, only wildcard jobs run, so a fixed-time job in the repeated hour runs once
 *   and an hourly or minutely job keeps running by the real clock;
 * - a jump of more than 3 hours either way is a new start: the current minute's jobs run.
 * Within a stretch of constant UTC offset the wall clock moves with real time, so the rules only
 * act at the start of each `ZoneSegment`.
 */
import { dayMatches, type CronExpression } from "./cron-expression.js";
import { utcMs, zoneSegmentAt, type ZoneSegment } from "./zone-offsets.js";

const MINUTE_MS = 60_000;
const YEAR_MS = 366 * 86_400_000;
// Vixie cron's thresholds, in minutes of clock jump.
const LARGE_JUMP_MINUTES = 180;
const SMALL_JUMP_MINUTES = 5;
// The rarest expressions that can fire (29 February on a given weekday) come round within 40 years.
const SEARCH_LIMIT_MS = 50 * YEAR_MS;

/** The first instant strictly after `afterMs` at which the expression fires in `timeZone`. */
export function cronTickAfter(expression: CronExpression, timeZone: string, afterMs: number): number {
  const limit = afterMs + SEARCH_LIMIT_MS;
  for (let at = afterMs + 1; at < limit; ) {
    const segment = zoneSegmentAt(timeZone, at);
    if (at === segment.start && catchesUpAtStart(expression, segment)) return segment.start;
    const from = Math.max(at, firstFixedTimeInstant(expression, segment));
    if (from < segment.end) {
      const wall = firstMatchingWallMinute(expression, from + segment.offset, segment.end + segment.offset);
      if (wall !== undefined) return wall - segment.offset;
    }
    at = segment.end;
  }
  throw new Error(`cron "${expression.source}" does not fire in the ${SEARCH_LIMIT_MS / YEAR_MS} years after ${new Date(afterMs).toISOString()}`);
}

/**
 * The last instant strictly before `beforeMs` at which the expression fires: found with the
 * forward search alone (gallop back until a tick lies in the window, then bisect), so both
 * directions share one implementation of the rules.
 */
export function cronTickBefore(expression: CronExpression, timeZone: string, beforeMs: number): number {
  let span = 2 * MINUTE_MS;
  let low: number;
  for (;;) {
    low = cronTickAfter(expression, timeZone, beforeMs - span - 1);
    if (low < beforeMs) break;
    if (span > SEARCH_LIMIT_MS) throw new Error(`cron "${expression.source}" did not fire in the ${SEARCH_LIMIT_MS / YEAR_MS} years before ${new Date(beforeMs).toISOString()}`);
    span *= 2;
  }
  // `low` is a tick before `beforeMs`; no tick lies in [high, beforeMs).
  let high = beforeMs;
  for (;;) {
    const next = cronTickAfter(expression, timeZone, low);
    if (next >= high) return low;
    const middle = next + Math.floor((high - next) / 2);
    const tick = cronTickAfter(expression, timeZone, middle - 1);
    if (tick < high) low = tick;
    else {
      high = middle;
      low = next;
    }
  }
}

/** Vixie's clock jump at a segment start, in minutes: the new wall minute minus the last one handled. */
function jumpMinutes(segment: ZoneSegment): number {
  return (segment.offset - segment.previousOffset) / MINUTE_MS + 1;
}

/** At a spring-forward, the jobs of the skipped wall times run at the first instant after the gap. */
function catchesUpAtStart(expression: CronExpression, segment: ZoneSegment): boolean {
  if (segment.offset <= segment.previousOffset) return false;
  const jump = jumpMinutes(segment);
  if (jump > LARGE_JUMP_MINUTES) return false;
  if (expression.wildcard && jump > SMALL_JUMP_MINUTES) return false;
  const skippedFrom = segment.start + segment.previousOffset;
  const skippedTo = segment.start + segment.offset;
  return firstMatchingWallMinute(expression, skippedFrom, skippedTo) !== undefined;
}

/** After a fall-back, fixed-time jobs wait until the wall clock passes the repeated times. */
function firstFixedTimeInstant(expression: CronExpression, segment: ZoneSegment): number {
  if (expression.wildcard || segment.offset >= segment.previousOffset) return segment.start;
  if (jumpMinutes(segment) < -LARGE_JUMP_MINUTES) return segment.start;
  return segment.start + (segment.previousOffset - segment.offset);
}

/** The first whole wall-clock minute in [fromWall, toWall) that the expression matches. */
function firstMatchingWallMinute(expression: CronExpression, fromWall: number, toWall: number): number | undefined {
  // Wall times are handled as if they were UTC instants, so Date's UTC fields read them (utcMs: any year).
  let wall = Math.ceil(fromWall / MINUTE_MS) * MINUTE_MS;
  while (wall < toWall) {
    const date = new Date(wall);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    const day = date.getUTCDate();
    if (!expression.months[month + 1]) {
      wall = utcMs(year, month + 1, 1);
      continue;
    }
    if (!dayMatches(expression, month + 1, day, date.getUTCDay())) {
      wall = utcMs(year, month, day + 1);
      continue;
    }
    const hour = date.getUTCHours();
    const matchingHour = firstAllowed(expression.hours, hour);
    if (matchingHour === undefined) {
      wall = utcMs(year, month, day + 1);
      continue;
    }
    if (matchingHour > hour) {
      wall = utcMs(year, month, day, matchingHour);
      continue;
    }
    const matchingMinute = firstAllowed(expression.minutes, date.getUTCMinutes());
    if (matchingMinute === undefined) {
      wall = utcMs(year, month, day, hour + 1);
      continue;
    }
    const found = utcMs(year, month, day, hour, matchingMinute);
    return found < toWall ? found : undefined;
  }
  return undefined;
}

function firstAllowed(allowed: readonly boolean[], from: number): number | undefined {
  for (let value = from; value < allowed.length; value++) if (allowed[value]) return value;
  return undefined;
}
