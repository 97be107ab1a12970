/**
 * Dates in a DAG's IANA time zone: `ds` strings and parsing of user-given dates. Built on
 * Intl.DateTimeFormat, so it follows the time zone database of the running Node.
 */
import { DagDefinitionError, InvalidInputError, type ErrorLocation } from "./errors.js";
import { zoneOffsetAt } from "./zone-offsets.js";

const DAY_MS = 86_400_000;

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

// Creating a DateTimeFormat costs far more than using one; `ds` is computed for every task run.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function isTimeZone(timeZone: string): boolean {
  if (formatters.has(timeZone)) return true;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Throws a `DagDefinitionError` at `location` when `timeZone` is not a known IANA zone. */
export function assertTimeZone(timeZone: string, location: ErrorLocation): void {
  if (!isTimeZone(timeZone)) {
    throw new DagDefinitionError(`unknown time zone "${timeZone}": expected an IANA name such as "Europe/Berlin" or "UTC"`, location);
  }
}

/** Zones that are UTC all year: an instant's wall time there is its UTC fields, with no formatter. */
const UTC_ZONES = new Set(["UTC", "Etc/UTC"]);

/**
 * The last instant asked for in each other zone: a run's tries all ask for the same `ds`, and a
 * formatter's formatToParts costs about 10 µs a call (a tenth of a no-op try's engine time).
 */
const lastWallTimes = new Map<string, { readonly epochMs: number; readonly wall: WallTime }>();

function wallTimeAt(epochMs: number, timeZone: string): WallTime {
  if (UTC_ZONES.has(timeZone)) {
    // As the formatter does for an invalid date.
    if (!Number.isFinite(epochMs)) throw new RangeError("Invalid time value");
    const date = new Date(epochMs);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  const last = lastWallTimes.get(timeZone);
  if (last?.epochMs === epochMs) return last.wall;
  const wall = formattedWallTime(epochMs, timeZone);
  lastWallTimes.set(timeZone, { epochMs, wall });
  return wall;
}

function formattedWallTime(epochMs: number, timeZone: string): WallTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? Number.NaN,
    month: fields.month ?? Number.NaN,
    day: fields.day ?? Number.NaN,
    // Some ICU versions still print midnight as 24 despite h23.
    hour: (fields.hour ?? Number.NaN) % 24,
    minute: fields.minute ?? Number.NaN,
    second: fields.second ?? Number.NaN,
  };
}

/** The wall time read as if it were UTC, in epoch milliseconds (setUTCFullYear keeps years < 100). */
function wallTimeAsUtc(w: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(w.year, w.month - 1, w.day);
  date.setUTCHours(w.hour, w.minute, w.second, 0);
  return date.getTime();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** The date of an instant in a time zone as `YYYY-MM-DD`: the `ds` of a data interval's start. */
export function formatDs(date: Date, timeZone: string): string {
  const w = wallTimeAt(date.getTime(), timeZone);
  return `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)}`;
}

/** Like `formatDs`, as `YYYYMMDD`. */
export function formatDsNodash(date: Date, timeZone: string): string {
  return formatDs(date, timeZone).replaceAll("-", "");
}

/**
 * The instant at which a wall clock in `timeZone` shows `wall`. Like Temporal's "compatible"
 * disambiguation: a time skipped by a DST change moves forward by the gap (02:30 -> 03:30), and a
 * time that occurs twice means the earlier one.
 */
function instantOfWallTime(wall: WallTime, timeZone: string): number {
  const asUtc = wallTimeAsUtc(wall);
  // Zone offsets change at most once within a day around any date in the tz database.
  const before = asUtc - zoneOffsetAt(timeZone, asUtc - DAY_MS);
  const after = asUtc - zoneOffsetAt(timeZone, asUtc + DAY_MS);
  const matches = (t: number) => wallTimeAsUtc(wallTimeAt(t, timeZone)) === asUtc;
  const candidates = [before, after].filter(matches);
  // No candidate: the wall time is in a gap; read with the offset from before the change.
  return candidates.length > 0 ? Math.min(...candidates) : before;
}

// YYYY-MM-DD, optionally THH:mm[:ss[.fff]], optionally Z or ±HH:mm (only after a time).
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Parses a date given by a user (CLI, API, DAG `startDate`):
 * - `YYYY-MM-DD`: midnight in `timeZone` (or the first instant of that day, where a DST change
 *   skips midnight);
 * - `YYYY-MM-DDTHH:mm[:ss[.fff]]`: that wall time in `timeZone`;
 * - an ISO timestamp with `Z` or an offset: that instant, whatever the zone.
 * Bad input throws an `InvalidInputError` at `location`, naming the value.
 */
export function parseDateInZone(text: string, timeZone: string, location: ErrorLocation): Date {
  if (!isTimeZone(timeZone)) {
    throw new InvalidInputError(`unknown time zone "${timeZone}": expected an IANA name such as "Europe/Berlin" or "UTC"`, location);
  }
  const match = DATE_TIME.exec(text.trim());
  const [, year, month, day, hour, minute, second, fraction, zone] = match ?? [];
  const wall: WallTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
  };
  // An offset needs a time: "2024-03-01Z" is not ISO 8601.
  if (match === null || (zone !== undefined && hour === undefined) || !isValidWallTime(wall)) {
    throw new InvalidInputError(
      `invalid date "${text}": expected YYYY-MM-DD, YYYY-MM-DDTHH:mm[:ss] (in ${timeZone}) or an ISO timestamp with Z or an offset`,
      location,
    );
  }
  const millis = Number((fraction ?? "").padEnd(3, "0").slice(0, 3));
  if (zone === undefined) return new Date(instantOfWallTime(wall, timeZone) + millis);
  return new Date(wallTimeAsUtc(wall) + millis - offsetMinutes(zone) * 60_000);
}

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}

function isValidWallTime(w: WallTime): boolean {
  if (w.month < 1 || w.month > 12 || w.hour > 23 || w.minute > 59 || w.second > 59) return false;
  return w.day >= 1 && w.day <= daysInMonth(w.year, w.month);
}

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/**
 * An instant as wall time in a zone with its UTC offset, `2024-10-27 02:30:00 +02:00`: the offset
 * tells apart the two 02:30s of a fall-back night.
 */
export function formatWallTimeWithOffset(date: Date, timeZone: string): string {
  const w = wallTimeAt(date.getTime(), timeZone);
  const offsetMinutes = Math.round(zoneOffsetAt(timeZone, date.getTime()) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return (
    `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)} ${pad(w.hour, 2)}:${pad(w.minute, 2)}:${pad(w.second, 2)} ` +
    `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`
  );
}

/** The time of day an instant shows on a wall clock in `timeZone`, in ms since that day's 00:00. */
export function wallTimeOfDay(date: Date, timeZone: string): number {
  const w = wallTimeAt(date.getTime(), timeZone);
  const millis = ((date.getTime() % 1_000) + 1_000) % 1_000;
  return ((w.hour * 60 + w.minute) * 60 + w.second) * 1_000 + millis;
}

/**
 * The instant at which a wall clock in `timeZone` shows `timeOfDayMs` on `day` (`YYYY-MM-DD`), with
 * the disambiguation of `parseDateInZone`: a time in a DST gap moves forward, a repeated one is the first.
 */
export function instantOnDay(day: string, timeOfDayMs: number, timeZone: string): Date {
  const [year, month, dayOfMonth] = day.split("-").map(Number) as [number, number, number];
  const seconds = Math.floor(timeOfDayMs / 1_000);
  const wall: WallTime = { year, month, day: dayOfMonth, hour: Math.floor(seconds / 3_600), minute: Math.floor(seconds / 60) % 60, second: seconds % 60 };
  return new Date(instantOfWallTime(wall, timeZone) + (timeOfDayMs % 1_000));
}
