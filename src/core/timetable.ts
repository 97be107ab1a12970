/**
 * The data intervals of a DAG's scheduled and backfill runs (docs/scheduling.md): the schedule's
 * ticks (schedule.ts), filtered by the DAG's calendar (run-calendar.ts) by the local day of each
 * logical date.
 * - No calendar: intervals run from one tick to the next and tile time.
 * - `onExcluded: "skip"`: a tick on an excluded day starts no run; every other run keeps the
 *   interval it has without the calendar, [tick, next tick), so excluded days are in no run.
 * - `onExcluded: "shift"`: a tick on an excluded day moves to the same wall time on the next
 *   allowed day (where it merges with a tick at that time); intervals run from one of these
 *   ticks to the next, so they still tile time: the run before an excluded day covers it.
 */
import { formatDs, instantOnDay, wallTimeOfDay } from "./calendar.js";
import { DagDefinitionError, InvalidInputError, type ErrorLocation } from "./errors.js";
import { addDays, exclusionOf, isAllowedDay, nearestAllowedDay, type RunCalendar } from "./run-calendar.js";
import { tickAfter, tickAtOrAfter, tickBefore, type ResolvedSchedule } from "./schedule.js";
import type { DataInterval } from "./types.js";

export type Timetable = Extract<ResolvedSchedule, { kind: "cron" | "interval" }>;

// Skip mode walks past excluded ticks one at a time; a calendar that excludes every tick of the
// schedule (Saturdays only, Mon-Fri calendar) must end in an error, not a hang.
const MAX_EXCLUDED_TICKS = 10_000;

/** The first logical date at or after `at`. */
export function firstStartAtOrAfter(timetable: Timetable, at: Date): Date {
  const { calendar } = timetable;
  if (calendar === undefined) return tickAtOrAfter(timetable, at);
  if (calendar.onExcluded === "shift") return shiftedTickAtOrAfter(timetable, calendar, at);
  let tick = tickAtOrAfter(timetable, at);
  for (let i = 0; i < MAX_EXCLUDED_TICKS; i++) {
    const day = formatDs(tick, calendar.timezone);
    if (isAllowedDay(calendar, day)) return tick;
    tick = tickAtOrAfter(timetable, startOfDay(nearestAllowedDay(calendar, day, 1), calendar.timezone));
  }
  throw new CalendarExcludesEveryTickError(at);
}

/** The last logical date strictly before `at`. */
export function lastStartBefore(timetable: Timetable, at: Date): Date {
  const { calendar } = timetable;
  if (calendar === undefined) return tickBefore(timetable, at);
  if (calendar.onExcluded === "shift") return shiftedTickBefore(timetable, calendar, at);
  let tick = tickBefore(timetable, at);
  for (let i = 0; i < MAX_EXCLUDED_TICKS; i++) {
    const day = formatDs(tick, calendar.timezone);
    if (isAllowedDay(calendar, day)) return tick;
    tick = tickBefore(timetable, startOfDay(day, calendar.timezone));
  }
  throw new CalendarExcludesEveryTickError(at);
}

/** The data interval of the run whose logical date is `start` (a logical date of the timetable). */
export function intervalAt(timetable: Timetable, start: Date): DataInterval {
  const { calendar } = timetable;
  const end = calendar?.onExcluded === "shift" ? shiftedTickAtOrAfter(timetable, calendar, new Date(start.getTime() + 1)) : tickAfter(timetable, start);
  return { start, end };
}

/** The logical date after the run of `interval`: its end, unless a skipped day lies there. */
export function nextStart(timetable: Timetable, interval: DataInterval): Date {
  return timetable.calendar?.onExcluded === "skip" ? firstStartAtOrAfter(timetable, interval.end) : interval.end;
}

/**
 * The first instant after `at` at which a run's interval may end: when the scheduler must look
 * again. (With `skip`, a schedule tick that ends no run only costs a look.)
 */
export function nextBoundaryAfter(timetable: Timetable, at: Date): Date {
  const { calendar } = timetable;
  if (calendar?.onExcluded === "shift") return shiftedTickAtOrAfter(timetable, calendar, new Date(at.getTime() + 1));
  return tickAfter(timetable, at);
}

/** The data interval of the first logical date at or after `at`. */
export function intervalStartingAtOrAfter(timetable: Timetable, at: Date): DataInterval {
  return intervalAt(timetable, firstStartAtOrAfter(timetable, at));
}

/**
 * The interval whose logical date is the latest at or before `at` (for a logical date given by
 * hand). With `skip`, `at` may lie on an excluded day, after that interval's end.
 */
export function intervalContaining(timetable: Timetable, at: Date): DataInterval {
  const next = firstStartAtOrAfter(timetable, at);
  return intervalAt(timetable, next.getTime() === at.getTime() ? next : lastStartBefore(timetable, at));
}

/**
 * Every data interval whose logical date (start) lies in [from, to], both ends included, in order.
 * `limit` guards against a range that would produce an absurd number of runs.
 */
export function intervalsBetween(timetable: Timetable, from: Date, to: Date, limit = 100_000): DataInterval[] {
  const out: DataInterval[] = [];
  for (let start = firstStartAtOrAfter(timetable, from); start.getTime() <= to.getTime(); ) {
    if (out.length >= limit) {
      throw new InvalidInputError(`more than ${limit} intervals between ${from.toISOString()} and ${to.toISOString()}: use a shorter range`, { field: "to" });
    }
    const interval = intervalAt(timetable, start);
    out.push(interval);
    start = nextStart(timetable, interval);
  }
  return out;
}

/** A schedule tick whose day the calendar excludes: no run (`skip`), or a run at `shiftedTo`. */
export interface ExcludedTick {
  readonly tick: Date;
  /** The tick's day in the DAG's timezone, `YYYY-MM-DD`. */
  readonly day: string;
  readonly reason: "listed" | "not a business day";
  /** With `shift`: the logical date the tick moved to (it may merge with that day's own tick). */
  readonly shiftedTo: Date | undefined;
}

/** The schedule's ticks in [from, to] on days the calendar excludes, in order (none without a calendar). */
export function excludedTicksBetween(timetable: Timetable, from: Date, to: Date, limit = 100_000): ExcludedTick[] {
  const { calendar } = timetable;
  const out: ExcludedTick[] = [];
  if (calendar === undefined) return out;
  let tick = tickAtOrAfter(timetable, from);
  while (tick.getTime() <= to.getTime() && out.length < limit) {
    const day = formatDs(tick, calendar.timezone);
    const reason = exclusionOf(calendar, day);
    if (reason === undefined) {
      // Jump over the allowed stretch: the next excluded day is where the next excluded tick can be.
      const next = nextExcludedDay(calendar, day);
      if (next === undefined) break;
      const nextStart = startOfDay(next, calendar.timezone);
      if (nextStart.getTime() > to.getTime()) break;
      tick = tickAtOrAfter(timetable, nextStart);
      continue;
    }
    const shiftedTo = calendar.onExcluded === "shift" ? instantOnDay(nearestAllowedDay(calendar, day, 1), wallTimeOfDay(tick, calendar.timezone), calendar.timezone) : undefined;
    out.push({ tick, day, reason, shiftedTo });
    tick = tickAfter(timetable, tick);
  }
  return out;
}

/**
 * Throws a `DagDefinitionError` when a `skip` calendar leaves the schedule no tick at all (a
 * Saturday cron with `businessDays: "Mon-Fri"`), found from `from` on.
 */
export function assertCalendarLeavesTicks(timetable: Timetable, from: Date, location: ErrorLocation): void {
  try {
    firstStartAtOrAfter(timetable, from);
  } catch (error) {
    if (!(error instanceof CalendarExcludesEveryTickError)) throw error;
    throw new DagDefinitionError(`the calendar excludes every tick of the schedule (${MAX_EXCLUDED_TICKS} in a row from ${from.toISOString()}): no run would ever be created`, { ...location, field: "calendar" });
  }
}

class CalendarExcludesEveryTickError extends Error {
  constructor(at: Date) {
    super(`the calendar excludes the next ${MAX_EXCLUDED_TICKS} ticks of the schedule around ${at.toISOString()}`);
  }
}

function startOfDay(day: string, timeZone: string): Date {
  return instantOnDay(day, 0, timeZone);
}

/** The first excluded day after `day`, if the calendar has one. */
function nextExcludedDay(calendar: RunCalendar, day: string): string | undefined {
  let nextListed: string | undefined;
  for (const listed of calendar.excluded) if (listed > day && (nextListed === undefined || listed < nextListed)) nextListed = listed;
  for (let i = 1; i <= 7; i++) {
    const candidate = addDays(day, i);
    if (nextListed !== undefined && candidate >= nextListed) break;
    if (!isAllowedDay(calendar, candidate)) return candidate;
  }
  return nextListed;
}

/**
 * The first shifted tick at or after `at`. Shifted ticks lie on allowed days only: day A holds its
 * own ticks and the images of the ticks of the excluded days just before it.
 */
function shiftedTickAtOrAfter(timetable: Timetable, calendar: RunCalendar, at: Date): Date {
  const zone = calendar.timezone;
  const atDay = formatDs(at, zone);
  let day = nearestAllowedDay(calendar, atDay, 1);
  for (let i = 0; i < MAX_EXCLUDED_TICKS; i++) {
    const dayEnd = startOfDay(addDays(day, 1), zone);
    let best: number | undefined;
    const own = tickAtOrAfter(timetable, new Date(Math.max(at.getTime(), startOfDay(day, zone).getTime())));
    if (own < dayEnd) best = own.getTime();
    const fromWall = day === atDay ? wallTimeOfDay(at, zone) : 0;
    for (const excluded of excludedDaysBefore(calendar, day)) {
      const tick = tickAtOrAfter(timetable, instantOnDay(excluded, fromWall, zone));
      if (tick >= startOfDay(addDays(excluded, 1), zone)) continue;
      const image = instantOnDay(day, wallTimeOfDay(tick, zone), zone).getTime();
      if (image >= at.getTime() && (best === undefined || image < best)) best = image;
    }
    if (best !== undefined) return new Date(best);
    day = nearestAllowedDay(calendar, formatDs(tickAtOrAfter(timetable, dayEnd), zone), 1);
  }
  throw new CalendarExcludesEveryTickError(at);
}

/** The last shifted tick strictly before `at`. */
function shiftedTickBefore(timetable: Timetable, calendar: RunCalendar, at: Date): Date {
  const zone = calendar.timezone;
  const atDay = formatDs(at, zone);
  let day = nearestAllowedDay(calendar, atDay, -1);
  for (let i = 0; i < MAX_EXCLUDED_TICKS; i++) {
    const dayStart = startOfDay(day, zone);
    let best: number | undefined;
    const own = tickBefore(timetable, new Date(Math.min(at.getTime(), startOfDay(addDays(day, 1), zone).getTime())));
    if (own >= dayStart) best = own.getTime();
    const toWall = day === atDay ? wallTimeOfDay(at, zone) : undefined;
    const block = excludedDaysBefore(calendar, day);
    for (const excluded of block) {
      const bound = toWall === undefined ? startOfDay(addDays(excluded, 1), zone) : instantOnDay(excluded, toWall, zone);
      const tick = tickBefore(timetable, bound);
      if (tick < startOfDay(excluded, zone)) continue;
      const image = instantOnDay(day, wallTimeOfDay(tick, zone), zone).getTime();
      if (image < at.getTime() && (best === undefined || image > best)) best = image;
    }
    if (best !== undefined) return new Date(best);
    const previous = tickBefore(timetable, startOfDay(block[0] ?? day, zone));
    day = nearestAllowedDay(calendar, formatDs(previous, zone), 1);
  }
  throw new CalendarExcludesEveryTickError(at);
}

/** The excluded days between the allowed day before `day` and `day` (an allowed day), in order. */
function excludedDaysBefore(calendar: RunCalendar, day: string): string[] {
  const days: string[] = [];
  for (let current = addDays(day, -1); !isAllowedDay(calendar, current); current = addDays(current, -1)) days.unshift(current);
  return days;
}
