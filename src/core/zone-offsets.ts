/**
 * A time zone's offset from UTC over time, as segments of constant offset between the zone's
 * transitions (DST changes, law changes), read from the time zone database of the running Node
 * through Intl. Schedules walk these segments: inside one the wall clock moves with real time.
 */

const HOUR_MS = 3_600_000;
// Transitions are found by sampling the offset every 6 hours and bisecting where it changed: no
// zone in the database changes its offset twice within 6 hours, nor changes it and back within a
// week in a year whose weekly samples all agree.
const SAMPLE_MS = 6 * HOUR_MS;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** A stretch of time with one UTC offset. Segments never cross a UTC year boundary. */
export interface ZoneSegment {
  /** First instant of the segment (epoch ms). */
  readonly start: number;
  /** First instant after the segment. */
  readonly end: number;
  /** Wall time minus UTC, in ms (Europe/Berlin in summer: 7,200,000). */
  readonly offset: number;
  /** The offset just before `start`: different from `offset` where `start` is a transition. */
  readonly previousOffset: number;
}

interface YearOffsets {
  readonly start: number;
  readonly end: number;
  readonly offsetBefore: number;
  readonly offsetAtStart: number;
  /** Transitions strictly inside the year, in order. */
  readonly transitions: readonly { readonly at: number; readonly offset: number }[];
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const years = new Map<string, Map<number, YearOffsets>>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    // "longOffset" prints the offset itself (GMT+05:30, GMT-03:00, GMT): one cheap call per instant.
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

const LONG_OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The zone's offset from UTC at an instant, in ms. */
export function zoneOffsetAt(timeZone: string, epochMs: number): number {
  const text = offsetFormatter(timeZone).format(epochMs);
  const match = LONG_OFFSET.exec(text);
  if (!match) throw new Error(`cannot read the UTC offset of ${timeZone} from "${text}"`);
  const [, sign, hours, minutes, seconds] = match;
  if (sign === undefined) return 0;
  const ms = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds ?? 0)) * 1000;
  return sign === "-" ? -ms : ms;
}

function yearOffsets(timeZone: string, year: number): YearOffsets {
  let zone = years.get(timeZone);
  if (!zone) {
    zone = new Map();
    years.set(timeZone, zone);
  }
  const cached = zone.get(year);
  if (cached) return cached;
  const start = utcMs(year, 0, 1);
  const end = utcMs(year + 1, 0, 1);
  const transitions: { at: number; offset: number }[] = [];
  let previousAt = start;
  let previous = zoneOffsetAt(timeZone, start);
  // Most zone-years have no transition at all (UTC, India, every year before DST): a weekly look
  // says so in 53 reads instead of 1,464.
  const changes = !hasSameOffsetWeekly(timeZone, start, end, previous);
  for (let at = start + SAMPLE_MS; changes && previousAt < end; at = Math.min(at + SAMPLE_MS, end)) {
    const offset = zoneOffsetAt(timeZone, at);
    if (offset !== previous) {
      const transition = firstInstantWithOffset(timeZone, previousAt, at, offset);
      if (transition < end) transitions.push({ at: transition, offset });
    }
    previousAt = at;
    previous = offset;
  }
  const result: YearOffsets = {
    start,
    end,
    offsetBefore: zoneOffsetAt(timeZone, start - 1),
    offsetAtStart: zoneOffsetAt(timeZone, start),
    transitions,
  };
  zone.set(year, result);
  return result;
}

function hasSameOffsetWeekly(timeZone: string, start: number, end: number, offset: number): boolean {
  for (let at = start + WEEK_MS; at < end + WEEK_MS; at += WEEK_MS) {
    if (zoneOffsetAt(timeZone, Math.min(at, end)) !== offset) return false;
  }
  return true;
}

/** Date.UTC for any year: Date.UTC reads the years 0-99 as 1900-1999. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, 0, 0);
  return date.getTime();
}

/** The first instant in (low, high] at which the offset is `offset` (it is at `high`, not at `low`). */
function firstInstantWithOffset(timeZone: string, low: number, high: number, offset: number): number {
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (zoneOffsetAt(timeZone, middle) === offset) high = middle;
    else low = middle;
  }
  return high;
}

/** The segment of constant offset that contains `epochMs`. */
export function zoneSegmentAt(timeZone: string, epochMs: number): ZoneSegment {
  const year = yearOffsets(timeZone, new Date(epochMs).getUTCFullYear());
  let start = year.start;
  let offset = year.offsetAtStart;
  let previousOffset = year.offsetBefore;
  let end = year.end;
  for (const transition of year.transitions) {
    if (transition.at > epochMs) {
      end = transition.at;
      break;
    }
    start = transition.at;
    previousOffset = offset;
    offset = transition.offset;
  }
  return { start, end, offset, previousOffset };
}
