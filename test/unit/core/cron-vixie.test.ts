/**
 * The schedule engine against a reference Vixie cron (vixie-cron-reference.ts) that walks every
 * minute: random expressions of every field shape, random windows around DST changes, five zones.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveSchedule, tickAfter, tickBefore, type ResolvedSchedule } from "../../../src/core/schedule.js";
import { intervalsBetween } from "../../../src/core/timetable.js";
import { dueIntervals } from "../../../src/scheduler/due-intervals.js";
import { offsetChanges, referenceJob, vixieRuns } from "./vixie-cron-reference.js";

type Timetable = Extract<ResolvedSchedule, { kind: "cron" }>;
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"] as const;
const MINUTE = 60_000;

function cron(expression: string, zone: string): Timetable {
  const schedule = resolveSchedule(expression, zone, undefined, { dagId: "d" });
  if (schedule.kind !== "cron") throw new Error("not cron");
  return schedule;
}

/** The engine's ticks in (from, to], each checked against the backward search. */
function engineTicks(schedule: Timetable, fromMs: number, toMs: number): number[] {
  const ticks: number[] = [];
  for (let t = tickAfter(schedule, new Date(fromMs)).getTime(); t <= toMs; t = tickAfter(schedule, new Date(t)).getTime()) ticks.push(t);
  return ticks;
}

function referenceTicks(expression: string, zone: string, fromMs: number, toMs: number): number[] {
  // Four hours of warm-up, so the reference has seen the clock before any DST change in the window.
  return vixieRuns(referenceJob(expression), zone, fromMs / MINUTE - 240, toMs / MINUTE).filter((t) => t > fromMs);
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("cron engine = Vixie cron, minute by minute", () => {
  const pick = (min: number, max: number, favourites: readonly number[]) =>
    fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...favourites) }, { weight: 1, arbitrary: fc.integer({ min, max }) });
  const atom = (min: number, max: number, favourites: readonly number[]) => {
    const value = pick(min, max, favourites);
    const step = fc.integer({ min: 1, max: Math.max(2, Math.floor((max - min) / 2)) });
    return fc.oneof(
      value.map(String),
      fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.tuple(value, value, step).map(([a, b, s]) => `${Math.min(a, b)}-${Math.max(a, b)}/${s}`),
      fc.tuple(value, step).map(([a, s]) => `${a}/${s}`),
    );
  };
  const field = (min: number, max: number, favourites: readonly number[], starWeight: number) =>
    fc.oneof(
      { weight: starWeight, arbitrary: fc.constant("*") },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: Math.max(2, Math.floor((max - min) / 2)) }).map((s) => `*/${s}`) },
      { weight: 3, arbitrary: atom(min, max, favourites) },
      { weight: 2, arbitrary: fc.array(atom(min, max, favourites), { minLength: 2, maxLength: 3 }).map((items) => items.join(",")) },
    );
  const expression = fc
    .tuple(
      field(0, 59, [0, 15, 30, 45, 59], 1),
      // Hours 0-4 hold every DST change of these zones.
      field(0, 23, [0, 1, 2, 3, 4], 2),
      field(1, 31, [1, 15, 28, 29, 30, 31], 8),
      field(1, 12, [3, 4, 10, 11], 8),
      field(0, 7, [0, 6, 7], 8),
    )
    .map((fields) => fields.join(" "));
  const window = fc
    .record({
      zone: fc.constantFrom(...ZONES),
      year: fc.integer({ min: 1995, max: 2045 }),
      nearChange: fc.boolean(),
      choice: fc.nat(),
      shiftMinutes: fc.integer({ min: -30 * 60, max: 6 * 60 }),
    })
    .map(({ zone, year, nearChange, choice, shiftMinutes }) => {
      const changes = offsetChanges(zone, year);
      const change = changes[choice % Math.max(1, changes.length)];
      const start =
        nearChange && change !== undefined
          ? change + shiftMinutes * MINUTE
          : Date.UTC(year, 0, 1) + (choice % (365 * 24 * 60)) * MINUTE;
      return { zone, from: start, to: start + 26 * 60 * MINUTE };
    });

  it("agrees on 2,000 random expressions and windows, DST changes included", () => {
    fc.assert(
      fc.property(expression, window, (expr, { zone, from, to }) => {
        const expected = referenceTicks(expr, zone, from, to);
        let schedule: Timetable;
        try {
          schedule = cron(expr, zone);
        } catch (error) {
          // Refused as never firing (30 February): Vixie cron would accept it and never run it.
          expect(String(error)).toMatch(/would never fire/);
          expect(expected).toEqual([]);
          return;
        }
        const actual = engineTicks(schedule, from, to);
        expect(actual.map(iso), `${expr} in ${zone} from ${iso(from)}`).toEqual(expected.map(iso));
        // Intervals are never empty, and the backward search finds the same ticks.
        for (const [i, tick] of actual.entries()) {
          const previous = actual[i - 1];
          if (previous === undefined) continue;
          expect(tick).toBeGreaterThan(previous);
          // The backward search at up to 16 spread-out ticks (it costs ~20 forward searches each).
          if (i % Math.ceil(actual.length / 16) === 0) expect(tickBefore(schedule, new Date(tick)).getTime()).toBe(previous);
        }
        const last = actual.at(-1);
        if (last !== undefined) expect(tickBefore(schedule, new Date(to + 1)).getTime()).toBe(last);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("DST with hour lists, ranges and steps (issue: the gap never fired, the repeat fired twice)", () => {
  const expressions = ["30 2,4 * * *", "0,30 1-3 * * *", "0 2-3 * * *", "30 0-5/2 * * *", "5-10/5 1,2 * * *"];
  const days: Record<string, readonly string[]> = {
    "Europe/Berlin": ["2024-03-30T12:00:00Z", "2024-10-26T12:00:00Z"],
    "America/New_York": ["2024-03-09T12:00:00Z", "2024-11-02T12:00:00Z"],
    "Australia/Lord_Howe": ["2024-04-06T00:00:00Z", "2024-10-05T00:00:00Z"],
  };
  for (const [zone, starts] of Object.entries(days)) {
    for (const expr of expressions) {
      it(`${expr} in ${zone} on both DST days`, () => {
        for (const start of starts) {
          const from = Date.parse(start);
          const to = from + 36 * 3_600_000;
          expect(engineTicks(cron(expr, zone), from, to).map(iso)).toEqual(referenceTicks(expr, zone, from, to).map(iso));
        }
      });
    }
  }

  it("30 2,4 * * * in Berlin: 02:30 runs at 03:00 CEST on spring-forward and once on fall-back", () => {
    const spring = intervalsBetween(cron("30 2,4 * * *", "Europe/Berlin"), new Date("2024-03-30T12:00:00Z"), new Date("2024-03-31T12:00:00Z"));
    expect(spring.map((i) => iso(i.start.getTime()))).toEqual(["2024-03-31T01:00:00.000Z", "2024-03-31T02:30:00.000Z"]);
    const fall = intervalsBetween(cron("30 2,4 * * *", "Europe/Berlin"), new Date("2024-10-26T12:00:00Z"), new Date("2024-10-27T12:00:00Z"));
    expect(fall.map((i) => iso(i.start.getTime()))).toEqual(["2024-10-27T00:30:00.000Z", "2024-10-27T03:30:00.000Z"]);
    for (const interval of [...spring, ...fall]) expect(interval.end.getTime()).toBeGreaterThan(interval.start.getTime());
  });

  it("0,30 1-3 * * * in Berlin: 02:00, 02:30 and 03:00 CEST are one run at 03:00 on spring-forward", () => {
    const ticks = engineTicks(cron("0,30 1-3 * * *", "Europe/Berlin"), Date.parse("2024-03-30T23:00:00Z"), Date.parse("2024-03-31T03:00:00Z"));
    // 01:00 CET, 01:30 CET, 03:00 CEST (02:00, 02:30 and 03:00 together), 03:30 CEST.
    expect(ticks.map(iso)).toEqual(["2024-03-31T00:00:00.000Z", "2024-03-31T00:30:00.000Z", "2024-03-31T01:00:00.000Z", "2024-03-31T01:30:00.000Z"]);
  });

  it("*/30 2 * * * in Berlin (a wildcard job) follows the real clock: skipped in the gap, twice in the repeat", () => {
    const spring = engineTicks(cron("*/30 2 * * *", "Europe/Berlin"), Date.parse("2024-03-30T12:00:00Z"), Date.parse("2024-03-31T12:00:00Z"));
    expect(spring).toEqual([]);
    const fall = engineTicks(cron("*/30 2 * * *", "Europe/Berlin"), Date.parse("2024-10-26T12:00:00Z"), Date.parse("2024-10-27T12:00:00Z"));
    expect(fall.map(iso)).toEqual(["2024-10-27T00:00:00.000Z", "2024-10-27T00:30:00.000Z", "2024-10-27T01:00:00.000Z", "2024-10-27T01:30:00.000Z"]);
  });
});

describe("day-of-month lists that name days February lacks (issue: 1 March was skipped)", () => {
  it.each([
    ["0 0 1,31 * *", ["2024-01-31", "2024-02-01", "2024-03-01", "2024-03-31", "2024-04-01"]],
    ["0 0 */10 * *", ["2024-01-31", "2024-02-01", "2024-02-11", "2024-02-21", "2024-03-01", "2024-03-11"]],
    ["0 0 30,31 * *", ["2024-01-30", "2024-01-31", "2024-03-30", "2024-03-31", "2024-04-30"]],
  ])("%s", (expr, days) => {
    const intervals = intervalsBetween(cron(expr, "UTC"), new Date("2024-01-30T00:00:00Z"), new Date(`${days.at(-1) ?? ""}T00:00:00Z`));
    expect(intervals.map((i) => iso(i.start.getTime()).slice(0, 10))).toEqual(days);
    for (const [i, interval] of intervals.entries()) {
      const next = intervals[i + 1];
      if (next) expect(next.start).toEqual(interval.end);
    }
  });

  it("29 February fires in leap years only, and its interval runs to the next one", () => {
    const [leap] = intervalsBetween(cron("0 0 29 2 *", "UTC"), new Date("2023-01-01T00:00:00Z"), new Date("2024-12-31T00:00:00Z"));
    expect(leap).toEqual({ start: new Date("2024-02-29T00:00:00Z"), end: new Date("2028-02-29T00:00:00Z") });
  });
});

describe("an interval is due the moment it ends (issue: runs were created a whole period late)", () => {
  it.each([
    ["* * * * *", "2026-12-03T10:17:00Z", "2026-12-03T10:18:00Z"],
    ["@hourly", "2026-12-03T09:00:00Z", "2026-12-03T10:00:00Z"],
    ["@daily", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"],
  ])("%s: at every millisecond 0-999 after the tick the interval that just ended is due", (expr, start, end) => {
    const schedule = cron(expr, "UTC");
    const previous = tickBefore(schedule, new Date(start));
    for (let ms = 0; ms < 1_000; ms++) {
      const now = new Date(Date.parse(end) + ms);
      const due = dueIntervals({ schedule, startDate: undefined, endDate: undefined, catchup: true, lastLogicalDate: previous, now });
      expect(due, `at +${ms} ms`).toEqual([{ start: new Date(start), end: new Date(end) }]);
      expect(tickAfter(schedule, now).getTime()).toBeGreaterThan(Date.parse(end));
    }
    // One millisecond before the end, nothing is due.
    const early = dueIntervals({ schedule, startDate: undefined, endDate: undefined, catchup: true, lastLogicalDate: previous, now: new Date(Date.parse(end) - 1) });
    expect(early).toEqual([]);
  });
});

describe("years before 100 (Date.UTC reads 0-99 as 1900-1999)", () => {
  it("@daily in the year 50 stays in the year 50", () => {
    const schedule = cron("@daily", "UTC");
    const from = new Date(Date.parse("2000-01-01T00:00:00Z"));
    from.setUTCFullYear(50, 0, 1);
    const to = new Date(from.getTime() + 2 * 86_400_000);
    const intervals = intervalsBetween(schedule, from, to);
    expect(intervals.map((i) => i.start.getUTCFullYear())).toEqual([50, 50, 50]);
    expect(intervals.map((i) => i.end.getTime() - i.start.getTime())).toEqual([86_400_000, 86_400_000, 86_400_000]);
  });
});

