import { describe, expect, it } from "vitest";
import { resolveSchedule, tickAfter, tickBefore } from "../../../src/core/schedule.js";
import { intervalContaining, intervalsBetween, intervalStartingAtOrAfter } from "../../../src/core/timetable.js";
import { DagDefinitionError } from "../../../src/core/errors.js";

const at = (iso: string) => new Date(iso);
const timetable = (schedule: string | { every: string }, timezone = "UTC", anchor?: Date) => {
  const resolved = resolveSchedule(schedule, timezone, anchor, { dagId: "d" });
  if (resolved.kind !== "cron" && resolved.kind !== "interval") throw new Error("not a timetable");
  return resolved;
};
const year2024 = (schedule: string, timezone = "UTC") =>
  intervalsBetween(timetable(schedule, timezone), at("2024-01-01T00:00:00Z"), at("2024-12-31T23:59:59Z"));

describe("presets over a year", () => {
  it.each([
    ["@hourly", 366 * 24],
    ["@daily", 366],
    ["@weekly", 52],
    ["@monthly", 12],
    ["@yearly", 1],
  ])("%s has %i intervals in 2024", (preset, count) => {
    const intervals = year2024(preset);
    expect(intervals).toHaveLength(count);
    for (const [i, interval] of intervals.entries()) {
      expect(interval.end.getTime()).toBeGreaterThan(interval.start.getTime());
      const next = intervals[i + 1];
      if (next) expect(next.start).toEqual(interval.end);
    }
  });

  it("@daily from 2024-01-01: first interval is [01-01, 01-02)", () => {
    const [first] = year2024("@daily");
    expect(first).toEqual({ start: at("2024-01-01T00:00:00Z"), end: at("2024-01-02T00:00:00Z") });
  });
});

describe("cron expressions over a year", () => {
  it.each([
    ["0 6 * * *", 366],
    ["0 */4 * * *", 366 * 6],
    ["0 9 * * 1-5", 262],
    ["0 0 1,15 * *", 24],
    ["45 23 * 2 *", 29],
  ])("%s", (expression, count) => {
    expect(year2024(expression)).toHaveLength(count);
  });

  it("0 6 * * *: the interval of logical date 2024-03-01 is [03-01 06:00, 03-02 06:00)", () => {
    const interval = intervalContaining(timetable("0 6 * * *"), at("2024-03-01T06:00:00Z"));
    expect(interval).toEqual({ start: at("2024-03-01T06:00:00Z"), end: at("2024-03-02T06:00:00Z") });
  });

  it("weekday 9:00 skips weekends", () => {
    const friday = intervalContaining(timetable("0 9 * * 1-5"), at("2024-03-01T09:00:00Z"));
    expect(friday.end).toEqual(at("2024-03-04T09:00:00Z"));
  });
});

describe("DST", () => {
  it("Europe/Berlin spring-forward: 0 2 * * * runs once on 2024-03-31 (02:00 does not exist)", () => {
    const ticks = intervalsBetween(timetable("0 2 * * *", "Europe/Berlin"), at("2024-03-30T00:00:00Z"), at("2024-04-01T12:00:00Z"));
    expect(ticks.map((i) => i.start.toISOString())).toEqual([
      "2024-03-30T01:00:00.000Z", // 02:00 CET
      "2024-03-31T01:00:00.000Z", // 03:00 CEST, the first valid instant after the gap
      "2024-04-01T00:00:00.000Z", // 02:00 CEST
    ]);
  });

  it("Europe/Berlin fall-back: 0 2 * * * runs once on 2024-10-27 (02:00 happens twice)", () => {
    const ticks = intervalsBetween(timetable("0 2 * * *", "Europe/Berlin"), at("2024-10-26T00:00:00Z"), at("2024-10-28T12:00:00Z"));
    expect(ticks.map((i) => i.start.toISOString())).toEqual([
      "2024-10-26T00:00:00.000Z",
      "2024-10-27T00:00:00.000Z",
      "2024-10-28T01:00:00.000Z",
    ]);
  });

  it("America/New_York: @daily intervals are 23 and 25 hours on DST days", () => {
    const tt = timetable("@daily", "America/New_York");
    const spring = intervalContaining(tt, at("2024-03-10T05:00:00Z"));
    const fall = intervalContaining(tt, at("2024-11-03T04:00:00Z"));
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * 3_600_000);
    expect(fall.end.getTime() - fall.start.getTime()).toBe(25 * 3_600_000);
  });

  it("America/New_York: 30 2 * * * on spring-forward day fires once at 03:00 EDT", () => {
    const ticks = intervalsBetween(timetable("30 2 * * *", "America/New_York"), at("2024-03-09T12:00:00Z"), at("2024-03-11T12:00:00Z"));
    expect(ticks).toHaveLength(2);
    expect(ticks[0]?.start.toISOString()).toBe("2024-03-10T07:00:00.000Z");
  });
});

describe("fixed intervals", () => {
  it("{ every: '15m' } ticks from its anchor", () => {
    const tt = timetable({ every: "15m" }, "UTC", at("2024-01-01T00:05:00Z"));
    expect(intervalStartingAtOrAfter(tt, at("2024-01-01T00:06:00Z"))).toEqual({
      start: at("2024-01-01T00:20:00Z"),
      end: at("2024-01-01T00:35:00Z"),
    });
    expect(tickBefore(tt, at("2024-01-01T00:20:00Z"))).toEqual(at("2024-01-01T00:05:00Z"));
    expect(tickAfter(tt, at("2024-01-01T00:20:00Z"))).toEqual(at("2024-01-01T00:35:00Z"));
  });
});

describe("validation", () => {
  it.each([
    ["61 * * * *", /invalid cron schedule "61 \* \* \* \*"/],
    ["* * * *", /must have 5 fields/],
    ["@fortnightly", /unknown schedule preset/],
  ])("rejects %s", (schedule, message) => {
    expect(() => resolveSchedule(schedule, "UTC", undefined, { dagId: "d" })).toThrow(message);
    try {
      resolveSchedule(schedule, "UTC", undefined, { dagId: "d" });
    } catch (error) {
      expect(error).toBeInstanceOf(DagDefinitionError);
      expect((error as DagDefinitionError).location).toMatchObject({ dagId: "d", field: "schedule" });
    }
  });

  it("rejects an interval under a second", () => {
    expect(() => resolveSchedule({ every: "500ms" }, "UTC", undefined, {})).toThrow(/shorter than 1s/);
  });

  it("null means manual only", () => {
    expect(resolveSchedule(null, "UTC", undefined, {}).kind).toBe("none");
  });
});
