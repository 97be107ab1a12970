/**
 * Checks a DAG's options (everything but `params` and `defaults`, which have their own modules) and
 * fills in the defaults: timezone UTC, no catchup, no schedule.
 */
import { parseDateInZone, assertTimeZone } from "../core/calendar.js";
import { DagDefinitionError, type ErrorLocation } from "../core/errors.js";
import { isTimetable, resolveSchedule } from "../core/schedule.js";
import { assertCalendarLeavesTicks } from "../core/timetable.js";
import { positiveDuration, resolveAlertsOption } from "./alert-options.js";
import { isDataset } from "./dataset.js";
import { assertKnownKeys } from "./known-keys.js";
import type { DagOptions, ResolvedDagOptions, Schedule } from "./types.js";

export const DAG_OPTION_NAMES = [
  "description",
  "schedule",
  "timezone",
  "startDate",
  "endDate",
  "catchup",
  "calendar",
  "params",
  "defaults",
  "tags",
  "maxActiveRuns",
  "maxActiveTasks",
  "sla",
  "alerts",
  "events",
] as const satisfies readonly (keyof DagOptions<unknown>)[];

/** Event names DAGs subscribe to: `orders.loaded`, `crm:sync-done`. */
export const EVENT_NAME = /^[A-Za-z0-9_.:/-]{1,200}$/;

export function resolveDagOptions(options: DagOptions<unknown>, location: ErrorLocation): ResolvedDagOptions {
  const at = (field: string): ErrorLocation => ({ ...location, field });
  if (typeof options !== "object" || options === null) {
    throw new DagDefinitionError("the options of dag(id, options, build) must be an object", location);
  }
  assertKnownKeys(options, DAG_OPTION_NAMES, "DAG option", location);

  const timezone = options.timezone ?? "UTC";
  if (typeof timezone !== "string") throw new DagDefinitionError("timezone must be a string", at("timezone"));
  assertTimeZone(timezone, at("timezone"));

  const start = date(options.startDate, timezone, at("startDate"));
  const end = date(options.endDate, timezone, at("endDate"));
  if (start && end && end.getTime() < start.getTime()) {
    throw new DagDefinitionError(`endDate ${options.endDate} is before startDate ${options.startDate}`, at("endDate"));
  }

  const schedule: Schedule = options.schedule ?? null;
  if (Array.isArray(schedule)) {
    const bad = schedule.findIndex((entry) => !isDataset(entry));
    if (bad !== -1) throw new DagDefinitionError("a dataset schedule must list datasets made with dataset(uri)", at(`schedule[${bad}]`));
  } else if (typeof schedule === "object" && schedule !== null && "datasets" in schedule) {
    assertKnownKeys(schedule, ["datasets", "when"], "schedule option", location, "schedule.");
    const list: unknown = schedule.datasets;
    const bad = Array.isArray(list) ? list.findIndex((entry) => !isDataset(entry)) : 0;
    if (bad !== -1) throw new DagDefinitionError("schedule.datasets must list datasets made with dataset(uri)", at(`schedule.datasets[${bad}]`));
  }
  // Parsing the schedule now makes a bad cron expression (or calendar) a load error, not a scheduler error.
  const resolved = resolveSchedule(schedule, timezone, start, location, options.calendar);
  if (isTimetable(resolved) && resolved.calendar) assertCalendarLeavesTicks(resolved, start ?? new Date(), location);

  if (options.catchup !== undefined && typeof options.catchup !== "boolean") {
    throw new DagDefinitionError("catchup must be true or false", at("catchup"));
  }
  if (options.description !== undefined && typeof options.description !== "string") {
    throw new DagDefinitionError("description must be a string", at("description"));
  }
  const tags = options.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string")) {
    throw new DagDefinitionError("tags must be a list of strings", at("tags"));
  }
  const events = options.events ?? [];
  const badEvent = Array.isArray(events) ? events.findIndex((name) => typeof name !== "string" || !EVENT_NAME.test(name)) : 0;
  if (badEvent !== -1) {
    throw new DagDefinitionError(`events must be a list of event names (letters, digits, and _ . : / -), got ${JSON.stringify(Array.isArray(events) ? events[badEvent] : events)}`, at(`events[${Math.max(badEvent, 0)}]`));
  }
  return {
    description: options.description,
    schedule,
    timezone,
    startDate: options.startDate,
    endDate: options.endDate,
    catchup: options.catchup ?? false,
    calendar: options.calendar,
    tags: Object.freeze([...new Set(tags)]),
    maxActiveRuns: positiveInteger(options.maxActiveRuns, at("maxActiveRuns")),
    maxActiveTasks: positiveInteger(options.maxActiveTasks, at("maxActiveTasks")),
    slaMs: options.sla === undefined ? undefined : positiveDuration(options.sla, at("sla")),
    alerts: resolveAlertsOption(options.alerts, location),
    events: Object.freeze([...new Set(events)]),
  };
}

function date(value: unknown, timezone: string, location: ErrorLocation): Date | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new DagDefinitionError(`${location.field ?? "date"} must be a string (YYYY-MM-DD or an ISO timestamp)`, location);
  }
  try {
    return parseDateInZone(value, timezone, location);
  } catch (error) {
    // The calendar reports user input errors; in a DAG file the same mistake is a definition error.
    throw new DagDefinitionError((error as Error).message, location);
  }
}

function positiveInteger(value: unknown, location: ErrorLocation): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  throw new DagDefinitionError(`${location.field ?? "value"} must be a positive integer, got ${String(value)}`, location);
}
