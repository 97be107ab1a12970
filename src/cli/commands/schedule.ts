import { parseArgs } from "node:util";
import { formatDs, formatWallTimeWithOffset, parseDateInZone } from "../../core/calendar.js";
import { InvalidInputError } from "../../core/errors.js";
import { describeCalendar } from "../../core/run-calendar.js";
import { isTimetable } from "../../core/schedule.js";
import { excludedTicksBetween, intervalStartingAtOrAfter } from "../../core/timetable.js";
import type { DataInterval } from "../../core/types.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { findDagById } from "../find-dag.js";
import { positiveInt } from "../flags.js";
import { resolveLocations } from "../project-config.js";
import { renderTable } from "../table.js";
import { describeSchedule } from "../describe-schedule.js";

export const SCHEDULE_USAGE = `tributary schedule <dagId> [--count N] [--from <date>] [--dags <dir>] [--json]

The next N data intervals of a DAG: logical date, start, end, and when each run will be created
(once its interval has ended). With a calendar, the schedule's ticks on excluded days are listed
too, marked as skipped or shifted (they do not count towards N).`;

export async function scheduleCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      count: { type: "string" },
      from: { type: "string" },
      dags: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const dagId = positionals[0];
  if (!dagId || positionals.length > 1) throw new UsageError(`expected one DAG id\n\n${SCHEDULE_USAGE}`);
  const { dagsDir } = await resolveLocations(values);
  const entry = await findDagById(dagId, dagsDir);
  const { schedule, dag } = entry;
  if (!isTimetable(schedule)) {
    throw new InvalidInputError(`DAG "${dagId}" has no time-based schedule (${schedule.kind === "datasets" ? "it runs on dataset updates" : "manual only"})`, { dagId, field: "schedule" });
  }
  const count = positiveInt(values.count, "count") ?? 10;
  const timezone = dag.options.timezone;
  let from = values.from === undefined ? new Date() : parseDateInZone(values.from, timezone, { field: "from" });
  if (entry.startDate && from < entry.startDate) from = entry.startDate;
  const intervals: DataInterval[] = [];
  for (let at = from; intervals.length < count; ) {
    const interval = intervalStartingAtOrAfter(schedule, at);
    if (entry.endDate && interval.start > entry.endDate) break;
    intervals.push(interval);
    at = interval.end;
  }
  const rows = intervals.map((i) => ({
    logicalDate: i.start.toISOString(),
    ds: formatDs(i.start, timezone),
    start: i.start.toISOString(),
    end: i.end.toISOString(),
    runCreatedAt: i.end.toISOString(),
  }));
  const last = intervals.at(-1);
  const excluded = last === undefined ? [] : excludedTicksBetween(schedule, from, last.start);
  const excludedRows = excluded.map((e) => ({
    tick: e.tick.toISOString(),
    ds: e.day,
    reason: e.reason,
    action: e.shiftedTo === undefined ? ("skip" as const) : ("shift" as const),
    shiftedTo: e.shiftedTo?.toISOString() ?? null,
  }));
  const { calendar } = schedule;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ dagId, timezone, schedule: dag.options.schedule, calendar: calendar?.option ?? null, intervals: rows, excluded: excludedRows })}\n`);
    return EXIT.ok;
  }
  const local = (d: string) => formatWallTimeWithOffset(new Date(d), timezone);
  process.stdout.write(`${dagId}: ${describeSchedule(dag.options.schedule)} (${timezone})\n`);
  if (calendar) process.stdout.write(`calendar: ${describeCalendar(calendar)}\n`);
  process.stdout.write("\n");
  if (!calendar) {
    const table = renderTable(["ds", "interval start", "interval end", "run created at"], rows.map((r) => [r.ds, local(r.start), local(r.end), local(r.runCreatedAt)]));
    process.stdout.write(`${table}\n`);
    return EXIT.ok;
  }
  // Runs and excluded ticks in time order; a tick shares its instant with no run (its day is excluded).
  const lines = [
    ...rows.map((r) => {
      const from = excluded.filter((e) => e.shiftedTo?.toISOString() === r.start).map((e) => e.day);
      const note = from.length === 0 ? "" : `includes ticks shifted from ${[...new Set(from)].join(", ")}`;
      return { at: r.start, cells: [r.ds, local(r.start), local(r.end), local(r.runCreatedAt), note] };
    }),
    ...excludedRows.map((e) => ({
      at: e.tick,
      cells: [e.ds, local(e.tick), "-", "-", e.shiftedTo === null ? `excluded (${e.reason}): no run` : `excluded (${e.reason}): shifted to ${local(e.shiftedTo)}`],
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  process.stdout.write(`${renderTable(["ds", "interval start", "interval end", "run created at", "calendar"], lines.map((l) => l.cells))}\n`);
  return EXIT.ok;
}
