/**
 * A DAG's run calendar (docs/scheduling.md, "Calendars"): which local days of its timezone may be
 * logical dates of scheduled and backfill runs. A day is allowed when it is one of the business
 * days and not listed in `exclude`. What happens to a schedule tick on any other day is
 * `onExcluded`: `skip` drops it, `shift` moves it to the same wall time on the next allowed day
 * (timetable.ts applies both).
 */
import { DagDefinitionError, type ErrorLocation } from "./errors.js";

export type OnExcluded = "skip" | "shift";

/** The `calendar` option of a DAG, as written. */
export interface CalendarOption {
  /** Days without runs, `YYYY-MM-DD` in the DAG's timezone (holidays). */
  readonly exclude?: readonly string[];
  /** The weekdays that get runs: `"Mon-Fri"`, `"Sun-Thu"`, `"Mon,Wed,Fri"`; every day by default. */
  readonly businessDays?: string;
  /** What a tick on an excluded day becomes: no run (`skip`, the default) or a run on the next allowed day (`shift`). */
  readonly onExcluded?: OnExcluded;
}

export interface RunCalendar {
  readonly timezone: string;
  readonly excluded: ReadonlySet<string>;
  /** Seven flags, Sunday first (the index of Date#getUTCDay). */
  readonly weekdays: readonly boolean[];
  readonly onExcluded: OnExcluded;
  /** The option, normalised for display: sorted unique dates, the business days as written. */
  readonly option: { readonly exclude: readonly string[]; readonly businessDays: string | undefined; readonly onExcluded: OnExcluded };
}

export const CALENDAR_OPTION_NAMES = ["exclude", "businessDays", "onExcluded"] as const;
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validates a DAG's `calendar` option; errors name the field (`calendar.exclude[2]`). */
export function resolveCalendar(option: unknown, timezone: string, location: ErrorLocation): RunCalendar | undefined {
  if (option === undefined || option === null) return undefined;
  const at = (field: string): ErrorLocation => ({ ...location, field: `calendar${field}` });
  if (typeof option !== "object" || Array.isArray(option)) {
    throw new DagDefinitionError("calendar must be an object: { exclude?: [\"2024-12-25\"], businessDays?: \"Mon-Fri\", onExcluded?: \"skip\" | \"shift\" }", at(""));
  }
  for (const key of Object.keys(option)) {
    if (!(CALENDAR_OPTION_NAMES as readonly string[]).includes(key)) {
      throw new DagDefinitionError(`unknown calendar option "${key}"; known calendar options: ${CALENDAR_OPTION_NAMES.join(", ")}`, at(`.${key}`));
    }
  }
  const { exclude = [], businessDays, onExcluded = "skip" } = option as Record<string, unknown>;
  if (!Array.isArray(exclude)) throw new DagDefinitionError("calendar.exclude must be a list of dates (YYYY-MM-DD)", at(".exclude"));
  const excluded = new Set<string>();
  exclude.forEach((day: unknown, index) => {
    if (typeof day !== "string" || !isCalendarDate(day)) {
      throw new DagDefinitionError(`calendar.exclude[${index}] is not a date: ${JSON.stringify(day)} (expected YYYY-MM-DD, a day that exists)`, at(`.exclude[${index}]`));
    }
    excluded.add(day);
  });
  if (businessDays !== undefined && typeof businessDays !== "string") {
    throw new DagDefinitionError(`calendar.businessDays must be a string such as "Mon-Fri", got ${JSON.stringify(businessDays)}`, at(".businessDays"));
  }
  const weekdays = businessDays === undefined ? DAY_NAMES.map(() => true) : parseBusinessDays(businessDays, at(".businessDays"));
  if (onExcluded !== "skip" && onExcluded !== "shift") {
    throw new DagDefinitionError(`calendar.onExcluded must be "skip" or "shift", got ${JSON.stringify(onExcluded)}`, at(".onExcluded"));
  }
  return {
    timezone,
    excluded,
    weekdays,
    onExcluded,
    option: { exclude: [...excluded].sort(), businessDays, onExcluded },
  };
}

/** `"Mon-Fri"`, `"sun-thu"`, `"Mon,Wed,Fri"`, `"Fri-Mon"` (a range may wrap past Sunday). */
function parseBusinessDays(text: string, location: ErrorLocation): boolean[] {
  const fail = (why: string): never => {
    throw new DagDefinitionError(
      `calendar.businessDays "${text}" ${why}: expected day names (Mon Tue Wed Thu Fri Sat Sun), ranges and commas, such as "Mon-Fri" or "Sun-Thu,Sat"`,
      location,
    );
  };
  const flags = DAY_NAMES.map(() => false);
  for (const part of text.split(",")) {
    const [from, to, extra] = part.split("-").map((name) => dayIndex(name));
    if (extra !== undefined || from === undefined) fail(`has a bad part "${part.trim()}"`);
    if (from === -1 || to === -1) fail(`names an unknown day in "${part.trim()}"`);
    const first = from as number;
    const last = to ?? first;
    for (let day = first; ; day = (day + 1) % 7) {
      flags[day] = true;
      if (day === last) break;
    }
  }
  return flags;
}

/** The index of a day name (Sunday 0), -1 for an unknown name, undefined for nothing. */
function dayIndex(name: string): number | undefined {
  const key = name.trim().toLowerCase();
  if (key === "") return undefined;
  const short = DAY_NAMES.indexOf(key as (typeof DAY_NAMES)[number]);
  return short !== -1 ? short : FULL_NAMES.indexOf(key);
}

const FULL_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Why a day (`YYYY-MM-DD`) gets no runs, or undefined when it is allowed. */
export function exclusionOf(calendar: RunCalendar, day: string): "listed" | "not a business day" | undefined {
  if (calendar.excluded.has(day)) return "listed";
  return calendar.weekdays[weekdayOf(day)] === true ? undefined : "not a business day";
}

export function isAllowedDay(calendar: RunCalendar, day: string): boolean {
  return exclusionOf(calendar, day) === undefined;
}

/** The day `days` days after `day` (negative: before), both `YYYY-MM-DD`. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function weekdayOf(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** The first allowed day at or after `day` (forward) or at or before it (backward). */
export function nearestAllowedDay(calendar: RunCalendar, day: string, direction: 1 | -1): string {
  // Every week has a business day, so a run of excluded days ends within the listed dates + 7.
  const limit = calendar.excluded.size + 8;
  let current = day;
  for (let i = 0; i < limit; i++) {
    if (isAllowedDay(calendar, current)) return current;
    current = addDays(current, direction);
  }
  throw new Error(`no allowed day within ${limit} days of ${day}`);
}

/** A calendar as a short text: `Mon-Fri, except 2024-12-25, 2024-12-26 (skip)`. */
export function describeCalendar(calendar: RunCalendar): string {
  const { exclude, businessDays, onExcluded } = calendar.option;
  const days = businessDays ?? "every day";
  const shown = exclude.length > 5 ? `${exclude.slice(0, 5).join(", ")} and ${exclude.length - 5} more` : exclude.join(", ");
  return `${days}${exclude.length > 0 ? `, except ${shown}` : ""} (${onExcluded === "skip" ? "excluded days are skipped" : "ticks on excluded days shift to the next allowed day"})`;
}
