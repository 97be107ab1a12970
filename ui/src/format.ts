/** How times, durations and states read in the UI. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1_000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function between(start: string | null | undefined, end: string | null | undefined, now = Date.now()): number | null {
  if (!start) return null;
  return (end ? Date.parse(end) : now) - Date.parse(start);
}

const dateTime = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : "–");
export const formatDateTimeSeconds = (iso: string | null | undefined) => (iso ? dateTimeSeconds.format(new Date(iso)) : "–");
export const formatTime = (iso: string | null | undefined) => (iso ? timeOnly.format(new Date(iso)) : "–");

/** "in 3 h", "5 min ago". */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "–";
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const text =
    abs < 60_000 ? `${Math.round(abs / 1_000)} s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)} min` : abs < 172_800_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.round(abs / 86_400_000)} d`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

const zoned = new Map<string, Intl.DateTimeFormat>();

/**
 * The logical date as a run's label, in the DAG's timezone (a run of "06:00 Europe/Berlin" reads
 * 06:00, not 05:00 UTC): the day, plus the time when it is not midnight.
 */
export function logicalLabel(iso: string, timeZone: string | null = "UTC"): string {
  const zone = timeZone ?? "UTC";
  let format = zoned.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    } catch {
      format = new Intl.DateTimeFormat("en-CA", { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    }
    zoned.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}`;
  return time === "00:00" ? day : `${day} ${time}`;
}

/**
 * The end of a backfill's range as it was typed: a range of whole days ends a millisecond before
 * the next midnight (scheduler/backfill.ts), and reads as its last day.
 */
export function rangeEndLabel(iso: string, timeZone: string | null): string {
  const label = logicalLabel(iso, timeZone);
  return logicalLabel(new Date(Date.parse(iso) + 1).toISOString(), timeZone).length === 10 ? label.slice(0, 10) : label;
}

export const stateLabel = (state: string) => state.replace(/_/g, " ");

/** A task instance's name with its map index: `process_partition[2]`. */
export const instanceName = (taskId: string, mapIndex: number | null) => (mapIndex === null ? taskId : `${taskId}[${mapIndex}]`);
