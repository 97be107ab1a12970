/**
 * How a time reads in the UI: ISO-like, in one zone, ending with that zone's offset at that
 * instant ("2024-03-01 06:00 UTC+1"), so no time is ever shown without its zone. Pure functions:
 * the zone is an argument (`useTimes` picks it).
 */

interface ZonedParts {
  readonly day: string;
  readonly minutes: string;
  readonly seconds: string;
  /** "UTC", "UTC+1", "UTC+5:30", "UTC-5". */
  readonly offset: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "shortOffset" };
    // en-CA writes dates as YYYY-MM-DD; an unknown zone (a typo in a DAG file) reads as UTC.
    format = isZone(zone) ? new Intl.DateTimeFormat("en-CA", { ...options, timeZone: zone }) : formatIn("UTC");
    formats.set(zone, format);
  }
  return format;
}

export function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** "UTC" for the zones that are UTC, else the zone's IANA name ("Europe/Berlin"). */
export function zoneName(zone: string): string {
  return zone === "UTC" || zone === "Etc/UTC" || zone === "Etc/GMT" || !isZone(zone) ? "UTC" : zone;
}

function partsOf(iso: string, zone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const part of formatIn(zone).formatToParts(new Date(iso))) parts[part.type] = part.value;
  // "GMT+5:30" → "UTC+5:30"; "GMT" and "GMT+0" → "UTC" (Intl writes the offset's minus as "-" or "−").
  const offset = (parts.timeZoneName ?? "").replace(/^GMT/, "").replace("\u2212", "-");
  const minutes = `${parts.hour}:${parts.minute}`;
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    minutes,
    seconds: `${minutes}:${parts.second}`,
    offset: offset === "" || offset === "+0" ? "UTC" : `UTC${offset}`,
  };
}

/** "2024-03-01 06:00 UTC+1". */
export function zonedDateTime(iso: string, zone: string): string {
  const p = partsOf(iso, zone);
  return `${p.day} ${p.minutes} ${p.offset}`;
}

/** "2024-03-01 06:00:05 UTC+1". */
export function zonedDateTimeSeconds(iso: string, zone: string): string {
  const p = partsOf(iso, zone);
  return `${p.day} ${p.seconds} ${p.offset}`;
}

/** "06:00:05 UTC+1". */
export function zonedTime(iso: string, zone: string): string {
  const p = partsOf(iso, zone);
  return `${p.seconds} ${p.offset}`;
}

/** "06:00:05", for a column whose heading names the zone (log lines). */
export function zonedClock(iso: string, zone: string): string {
  return partsOf(iso, zone).seconds;
}

/**
 * A run's logical date: the day, plus the time when it is not midnight in the zone (a daily run
 * reads as its date, "2024-03-01 UTC+1"; one at 06:00 as "2024-03-01 06:00 UTC+1").
 */
export function zonedLogical(iso: string, zone: string): string {
  const p = partsOf(iso, zone);
  return p.minutes === "00:00" ? `${p.day} ${p.offset}` : `${p.day} ${p.minutes} ${p.offset}`;
}

/**
 * The end of a backfill's range as it was typed: a range of whole days ends a millisecond before
 * the next midnight in the DAG's zone (scheduler/backfill.ts), and reads as its last day
 * ("2024-03-07 UTC+1"); any other end reads as a logical date.
 */
export function zonedRangeEnd(iso: string, zone: string): string {
  const next = Date.parse(iso) + 1;
  if (next % 1_000 !== 0 || partsOf(new Date(next).toISOString(), zone).seconds !== "00:00:00") return zonedLogical(iso, zone);
  const p = partsOf(iso, zone);
  return `${p.day} ${p.offset}`;
}

/** The logical date in a grid column's few characters, "03-01" or "03-01 06:00": its heading names the zone. */
export function zonedLogicalShort(iso: string, zone: string): string {
  const p = partsOf(iso, zone);
  const day = p.day.slice(5);
  return p.minutes === "00:00" ? day : `${day} ${p.minutes}`;
}
