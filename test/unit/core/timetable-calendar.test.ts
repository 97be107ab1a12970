/**
 * Calendars on timetables (docs/scheduling.md, "Calendars"): which logical dates get runs, and
 * the data interval of each, with `onExcluded: "skip"` and `"shift"`.
 */
import { describe, expect, it } from "vitest";
import { resolveSchedule } from "../../../src/core/schedule.js";
import {
  excludedTicksBetween,
  intervalContaining,
  intervalsBetween,
  intervalStartingAtOrAfter,
  lastStartBefore,
  nextBoundaryAfter,
  type Timetable,
} from "../../../src/core/timetable.js";
import type { CalendarOption } from "../../../src/core/run-calendar.js";
import type { DataInterval } from "../../../src/core/types.js";
import { dueIntervals } from "../../../src/scheduler/due-intervals.js";
import { manualDataInterval } from "../../../src/scheduler/manual-interval.js";

const at = (iso: string) => new Date(iso);

function timetable(schedule: string | { every: string }, calendar: CalendarOption, timezone = "UTC", anchor?: Date): Timetable {
  const resolved = resolveSchedule(schedule, timezone, anchor, { dagId: "d" }, calendar);
  if (resolved.kind !== "cron" && resolved.kind !== "interval") throw new Error("not a timetable");
  return resolved;
}

/** Intervals as `start -> end` in ISO, without seconds, for readable expectations. */
const show = (intervals: readonly DataInterval[]) =>
  intervals.map((i) => `${i.start.toISOString().slice(0, 16)} -> ${i.end.toISOString().slice(0, 16)}`);

const HOLIDAYS = { exclude: ["2024-12-25", "2024-12-26"], businessDays: "Mon-Fri" } as const;

describe("onExcluded: skip (the default)", () => {
  const daily = timetable("0 6 * * *", HOLIDAYS);

  it("excluded days get no interval; the others keep [tick, next tick)", () => {
    // 2024-12-21/22 is a weekend; 25 and 26 are listed.
    expect(show(intervalsBetween(daily, at("2024-12-20T00:00:00Z"), at("2024-12-27T23:59:59Z")))).toEqual([
      "2024-12-20T06:00 -> 2024-12-21T06:00",
      "2024-12-23T06:00 -> 2024-12-24T06:00",
      "2024-12-24T06:00 -> 2024-12-25T06:00",
      "2024-12-27T06:00 -> 2024-12-28T06:00",
    ]);
  });

  it("the scheduler creates the runs of allowed days only, catchup included", () => {
    const due = dueIntervals({ schedule: daily, startDate: at("2024-12-20T00:00:00Z"), endDate: undefined, catchup: true, lastLogicalDate: undefined, now: at("2024-12-30T12:00:00Z") });
    expect(due.map((i) => i.start.toISOString().slice(0, 10))).toEqual(["2024-12-20", "2024-12-23", "2024-12-24", "2024-12-27"]);
    // After the run of the 24th, nothing is due on the 25th, 26th, or the weekend's ticks.
    const later = dueIntervals({ schedule: daily, startDate: undefined, endDate: undefined, catchup: true, lastLogicalDate: at("2024-12-24T06:00:00Z"), now: at("2024-12-27T12:00:00Z") });
    expect(later).toEqual([]);
  });

  it("catchup: false takes the latest interval of an allowed day, even when now is on an excluded day", () => {
    const due = dueIntervals({ schedule: daily, startDate: undefined, endDate: undefined, catchup: false, lastLogicalDate: undefined, now: at("2024-12-26T12:00:00Z") });
    expect(show(due)).toEqual(["2024-12-24T06:00 -> 2024-12-25T06:00"]);
  });

  it("the latest logical date before an instant skips excluded days", () => {
    expect(lastStartBefore(daily, at("2024-12-27T06:00:00Z"))).toEqual(at("2024-12-24T06:00:00Z"));
    expect(intervalStartingAtOrAfter(daily, at("2024-12-24T06:00:01Z")).start).toEqual(at("2024-12-27T06:00:00Z"));
  });

  it("lists the excluded ticks with their reason", () => {
    const excluded = excludedTicksBetween(daily, at("2024-12-20T00:00:00Z"), at("2024-12-27T23:59:59Z"));
    expect(excluded.map((e) => [e.day, e.reason, e.shiftedTo])).toEqual([
      ["2024-12-21", "not a business day", undefined],
      ["2024-12-22", "not a business day", undefined],
      ["2024-12-25", "listed", undefined],
      ["2024-12-26", "listed", undefined],
    ]);
  });

  it("uses the local day of the logical date in the DAG's timezone", () => {
    // 23:30 in New York on 24 December is 04:30 UTC on the 25th: a run of the 24th. The tick of
    // 23:30 on the 25th (04:30 UTC on the 26th) is the excluded one.
    const ny = timetable("30 23 * * *", { exclude: ["2024-12-25"] }, "America/New_York");
    expect(show(intervalsBetween(ny, at("2024-12-24T12:00:00Z"), at("2024-12-27T05:00:00Z")))).toEqual([
      "2024-12-25T04:30 -> 2024-12-26T04:30",
      "2024-12-27T04:30 -> 2024-12-28T04:30",
    ]);
  });

  it("works with fixed intervals", () => {
    const sixHourly = timetable({ every: "6h" }, { exclude: ["2024-01-02"] }, "UTC", at("2024-01-01T00:00:00Z"));
    const starts = intervalsBetween(sixHourly, at("2024-01-01T00:00:00Z"), at("2024-01-03T23:59:59Z")).map((i) => i.start.toISOString().slice(5, 13));
    expect(starts).toEqual(["01-01T00", "01-01T06", "01-01T12", "01-01T18", "01-03T00", "01-03T06", "01-03T12", "01-03T18"]);
  });

  it("a manual run for an excluded day gets the schedule's own interval there", () => {
    const schedule = resolveSchedule("0 6 * * *", "UTC", undefined, { dagId: "d" }, HOLIDAYS);
    expect(show([manualDataInterval(schedule, "2024-12-25", "UTC", new Date())])).toEqual(["2024-12-25T06:00 -> 2024-12-26T06:00"]);
    expect(show([manualDataInterval(schedule, "2024-12-24", "UTC", new Date())])).toEqual(["2024-12-24T06:00 -> 2024-12-25T06:00"]);
  });
});

describe("onExcluded: shift", () => {
  const daily = timetable("0 6 * * *", { ...HOLIDAYS, onExcluded: "shift" });

  it("intervals tile time: the run before excluded days covers them, and is created on the next allowed day", () => {
    const intervals = intervalsBetween(daily, at("2024-12-20T00:00:00Z"), at("2024-12-30T23:59:59Z"));
    expect(show(intervals)).toEqual([
      "2024-12-20T06:00 -> 2024-12-23T06:00",
      "2024-12-23T06:00 -> 2024-12-24T06:00",
      "2024-12-24T06:00 -> 2024-12-27T06:00",
      "2024-12-27T06:00 -> 2024-12-30T06:00",
      "2024-12-30T06:00 -> 2024-12-31T06:00",
    ]);
    for (const [i, interval] of intervals.entries()) {
      const next = intervals[i + 1];
      if (next) expect(next.start).toEqual(interval.end);
    }
  });

  it("moves a tick with no tick of its own on the next allowed day there: a monthly run on the 1st", () => {
    // 2024-09-01 is a Sunday, 2024-12-01 too: their runs move to Monday the 2nd, 06:00.
    const monthly = timetable("0 6 1 * *", { businessDays: "Mon-Fri", onExcluded: "shift" });
    expect(show(intervalsBetween(monthly, at("2024-08-01T00:00:00Z"), at("2024-10-31T00:00:00Z")))).toEqual([
      "2024-08-01T06:00 -> 2024-09-02T06:00",
      "2024-09-02T06:00 -> 2024-10-01T06:00",
      "2024-10-01T06:00 -> 2024-11-01T06:00",
    ]);
    expect(excludedTicksBetween(monthly, at("2024-09-01T00:00:00Z"), at("2024-09-30T00:00:00Z"))).toEqual([
      { tick: at("2024-09-01T06:00:00Z"), day: "2024-09-01", reason: "not a business day", shiftedTo: at("2024-09-02T06:00:00Z") },
    ]);
  });

  it("hourly ticks of an excluded day merge into the next allowed day's ticks", () => {
    const hourly = timetable("0 * * * *", { exclude: ["2024-03-05"], onExcluded: "shift" });
    const intervals = intervalsBetween(hourly, at("2024-03-04T22:00:00Z"), at("2024-03-06T01:00:00Z"));
    expect(show(intervals)).toEqual([
      "2024-03-04T22:00 -> 2024-03-04T23:00",
      "2024-03-04T23:00 -> 2024-03-06T00:00",
      "2024-03-06T00:00 -> 2024-03-06T01:00",
      "2024-03-06T01:00 -> 2024-03-06T02:00",
    ]);
  });

  it("the scheduler creates the shifted runs, and wakes at the shifted ticks", () => {
    const monthly = timetable("0 6 1 * *", { businessDays: "Mon-Fri", onExcluded: "shift" });
    const due = dueIntervals({ schedule: monthly, startDate: at("2024-08-01T00:00:00Z"), endDate: undefined, catchup: true, lastLogicalDate: undefined, now: at("2024-10-01T06:00:00Z") });
    expect(show(due)).toEqual(["2024-08-01T06:00 -> 2024-09-02T06:00", "2024-09-02T06:00 -> 2024-10-01T06:00"]);
    expect(nextBoundaryAfter(monthly, at("2024-08-20T00:00:00Z"))).toEqual(at("2024-09-02T06:00:00Z"));
  });

  it("the interval containing an instant on an excluded day is the one that covers it", () => {
    expect(show([intervalContaining(daily, at("2024-12-25T12:00:00Z"))])).toEqual(["2024-12-24T06:00 -> 2024-12-27T06:00"]);
  });

  it("keeps wall times across a DST change in the DAG's timezone", () => {
    // Berlin: Saturday 2024-03-30 excluded by Mon-Fri; clocks spring forward on Sunday the 31st.
    const berlin = timetable("0 6 * * *", { businessDays: "Mon-Fri", onExcluded: "shift" }, "Europe/Berlin");
    expect(show(intervalsBetween(berlin, at("2024-03-29T00:00:00Z"), at("2024-04-01T23:00:00Z")))).toEqual([
      "2024-03-29T05:00 -> 2024-04-01T04:00",
      "2024-04-01T04:00 -> 2024-04-02T04:00",
    ]);
  });
});

describe("against a brute-force reading of the rules", () => {
  // Random calendars over two months: every logical date found by the timetable's search must be
  // what enumerating the schedule's ticks and applying the rule by hand gives.
  const SCHEDULES = ["0 6 * * *", "30 23 * * *", "0 */5 * * *", "15 2 1,15 * *", "0 0 * * 1"];
  const ZONES = ["UTC", "Europe/Berlin", "America/New_York"];
  const DAYS = Array.from({ length: 62 }, (_, i) => new Date(Date.UTC(2024, 2, 1) + i * 86_400_000).toISOString().slice(0, 10));

  it.each(SCHEDULES.flatMap((schedule) => ZONES.map((zone) => [schedule, zone] as const)))("%s in %s", (schedule, zone) => {
    let seed = [...schedule, ...zone].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7) >>> 0;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 2; round++) {
      const exclude = DAYS.filter(() => random() < 0.25);
      const businessDays = random() < 0.5 ? "Mon-Fri" : undefined;
      for (const onExcluded of ["skip", "shift"] as const) {
        const option = { exclude, ...(businessDays ? { businessDays } : {}), onExcluded };
        const withCalendar = timetable(schedule, option, zone);
        const bare = timetable(schedule, {}, zone);
        const calendar = withCalendar.calendar;
        if (!calendar) throw new Error("calendar expected");
        const from = at("2024-03-01T00:00:00Z");
        const to = at("2024-05-01T00:00:00Z");
        const allowed = (d: Date) => !calendar.excluded.has(dayIn(d, zone)) && (businessDays === undefined || ![0, 6].includes(weekdayIn(d, zone)));
        const ticks = intervalsBetween(bare, from, to).map((i) => i.start);
        let expected: number[];
        if (onExcluded === "skip") expected = ticks.filter(allowed).map((t) => t.getTime());
        else {
          const shifted = excludedTicksBetween(withCalendar, from, to).map((e) => e.shiftedTo?.getTime() ?? Number.NaN);
          expected = [...new Set([...ticks.filter(allowed).map((t) => t.getTime()), ...shifted])].sort((a, b) => a - b);
        }
        // Compare well inside the window: shifted ticks of its last days land after it.
        const window = (t: number) => t >= at("2024-03-08T00:00:00Z").getTime() && t < at("2024-04-20T00:00:00Z").getTime();
        const found = intervalsBetween(withCalendar, at("2024-03-08T00:00:00Z"), at("2024-04-20T00:00:00Z")).map((i) => i.start.getTime());
        expect(found.filter(window), JSON.stringify(option)).toEqual(expected.filter(window));
        for (let i = 1; i < found.length; i++) {
          expect(lastStartBefore(withCalendar, new Date(found[i] as number)).getTime()).toBe(found[i - 1]);
          if (onExcluded === "shift") expect(intervalContaining(withCalendar, new Date((found[i] as number) - 1)).end.getTime()).toBe(found[i]);
        }
      }
    }
  });
});

function dayIn(date: Date, zone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

function weekdayIn(date: Date, zone: string): number {
  return ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short" }).format(date));
}
