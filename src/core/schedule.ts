/**
 * Schedules and data intervals (docs/architecture.md §4). A schedule is a sequence of ticks; a data interval
 * runs from one tick to the next, [start, end), and its logical date is its start. Cron ticks
 * follow Vixie cron in the DAG's timezone, DST changes included (cron-ticks.ts,
 * docs/scheduling.md). Ticks are exact to the millisecond, so an interval is due the moment it ends.
 */
import { CronSyntaxError, parseCronExpression, type CronExpression } from "./cron-expression.js";
import { cronTickAfter, cronTickBefore } from "./cron-ticks.js";
import { DagDefinitionError, type ErrorLocation } from "./errors.js";
import { parseDuration } from "./duration.js";
import { resolveCalendar, type RunCalendar } from "./run-calendar.js";

export const PRESETS: Readonly<Record<string, string>> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

/**
 * A schedule ready to compute ticks: time-based (cron or fixed interval) or not. A time-based one
 * may carry the DAG's calendar, which timetable.ts applies to its ticks (the functions here ignore it).
 */
export type ResolvedSchedule =
  | { readonly kind: "cron"; readonly expression: string; readonly timezone: string; readonly cron: CronExpression; readonly calendar?: RunCalendar | undefined }
  | { readonly kind: "interval"; readonly everyMs: number; readonly anchor: Date; readonly calendar?: RunCalendar | undefined }
  | { readonly kind: "datasets"; readonly uris: readonly string[]; readonly when: "all" | "any" }
  | { readonly kind: "none" };

type DatasetList = readonly { readonly uri: string }[];
export type ScheduleInput =
  | string
  | { readonly every: string | number }
  | DatasetList
  | { readonly datasets: DatasetList; readonly when?: "all" | "any" }
  | null
  | undefined;

/**
 * Validates a DAG's `schedule` and `calendar` options and prepares them. `anchor` (the DAG's start
 * date) is where a fixed-interval schedule's ticks start from.
 */
export function resolveSchedule(
  schedule: ScheduleInput,
  timezone: string,
  anchor: Date | undefined,
  location: ErrorLocation,
  calendarOption?: unknown,
): ResolvedSchedule {
  const resolved = resolveBareSchedule(schedule, timezone, anchor, location);
  const calendar = resolveCalendar(calendarOption, timezone, location);
  if (calendar === undefined) return resolved;
  if (resolved.kind !== "cron" && resolved.kind !== "interval") {
    throw new DagDefinitionError("calendar needs a time-based schedule (cron, preset or { every }): it filters the schedule's ticks", { ...location, field: "calendar" });
  }
  return { ...resolved, calendar };
}

function resolveBareSchedule(schedule: ScheduleInput, timezone: string, anchor: Date | undefined, location: ErrorLocation): ResolvedSchedule {
  const where = { ...location, field: "schedule" };
  if (schedule === null || schedule === undefined) return { kind: "none" };
  if (isDatasetList(schedule)) return { kind: "datasets", uris: schedule.map((d) => d.uri), when: "all" };
  if (typeof schedule === "object" && "datasets" in schedule) {
    const when: unknown = schedule.when ?? "all";
    if (when !== "all" && when !== "any") {
      throw new DagDefinitionError(`schedule.when must be "all" or "any", got ${JSON.stringify(when)}`, { ...where, field: "schedule.when" });
    }
    if (!isDatasetList(schedule.datasets) || schedule.datasets.length === 0) {
      throw new DagDefinitionError("schedule.datasets must list at least one dataset", { ...where, field: "schedule.datasets" });
    }
    return { kind: "datasets", uris: schedule.datasets.map((d) => d.uri), when };
  }
  if (typeof schedule === "object" && "every" in schedule) {
    const every: string | number = schedule.every;
    const everyMs = parseDuration(every, where);
    if (everyMs < 1_000) throw new DagDefinitionError(`schedule { every: ${JSON.stringify(schedule.every)} } is shorter than 1s`, where);
    return { kind: "interval", everyMs, anchor: anchor ?? new Date(0) };
  }
  if (typeof schedule !== "string") throw new DagDefinitionError("schedule must be a cron expression, a preset, { every }, a list of datasets or null", where);
  const expression = PRESETS[schedule.trim()] ?? schedule.trim();
  if (expression.startsWith("@")) {
    throw new DagDefinitionError(`unknown schedule preset "${schedule}" (known: ${Object.keys(PRESETS).join(", ")})`, where);
  }
  if (expression.split(/\s+/).length !== 5) {
    throw new DagDefinitionError(`schedule "${schedule}" must have 5 fields (minute hour day-of-month month day-of-week)`, where);
  }
  let cron: CronExpression;
  try {
    cron = parseCronExpression(expression);
  } catch (error) {
    if (!(error instanceof CronSyntaxError)) throw error;
    throw new DagDefinitionError(`invalid cron schedule "${schedule}": ${error.message}`, where);
  }
  return { kind: "cron", expression, timezone, cron };
}

function isDatasetList(schedule: ScheduleInput): schedule is readonly { readonly uri: string }[] {
  return Array.isArray(schedule);
}

/** Whether the schedule creates runs by itself on a timetable. */
export function isTimetable(schedule: ResolvedSchedule): schedule is Extract<ResolvedSchedule, { kind: "cron" | "interval" }> {
  return schedule.kind === "cron" || schedule.kind === "interval";
}

/** The first tick at or after `at` (of the schedule alone: timetable.ts applies the calendar). */
export function tickAtOrAfter(schedule: Extract<ResolvedSchedule, { kind: "cron" | "interval" }>, at: Date): Date {
  if (schedule.kind === "interval") {
    const { everyMs, anchor } = schedule;
    const steps = Math.ceil((at.getTime() - anchor.getTime()) / everyMs);
    return new Date(anchor.getTime() + Math.max(0, steps) * everyMs);
  }
  return new Date(cronTickAfter(schedule.cron, schedule.timezone, at.getTime() - 1));
}

/** The first tick strictly after `at`. */
export function tickAfter(schedule: Extract<ResolvedSchedule, { kind: "cron" | "interval" }>, at: Date): Date {
  return tickAtOrAfter(schedule, new Date(at.getTime() + 1));
}

/** The last tick strictly before `at`. */
export function tickBefore(schedule: Extract<ResolvedSchedule, { kind: "cron" | "interval" }>, at: Date): Date {
  if (schedule.kind === "interval") {
    const { everyMs, anchor } = schedule;
    const steps = Math.floor((at.getTime() - 1 - anchor.getTime()) / everyMs);
    return new Date(anchor.getTime() + steps * everyMs);
  }
  return new Date(cronTickBefore(schedule.cron, schedule.timezone, at.getTime()));
}
