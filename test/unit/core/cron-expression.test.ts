import { describe, expect, it } from "vitest";
import { CronSyntaxError, parseCronExpression } from "../../../src/core/cron-expression.js";
import { resolveSchedule } from "../../../src/core/schedule.js";
import { intervalsBetween } from "../../../src/core/timetable.js";

const values = (allowed: readonly boolean[]) => allowed.flatMap((on, value) => (on ? [value] : []));

describe("parsing", () => {
  it("reads numbers, ranges, steps and lists", () => {
    const cron = parseCronExpression("0,15-17,*/20 9-17/4 1 */3 *");
    expect(values(cron.minutes)).toEqual([0, 15, 16, 17, 20, 40]);
    expect(values(cron.hours)).toEqual([9, 13, 17]);
    expect(values(cron.days)).toEqual([1]);
    expect(values(cron.months)).toEqual([1, 4, 7, 10]);
    expect(values(cron.weekdays)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("a/n runs from a to the end of the field", () => {
    expect(values(parseCronExpression("5/20 * * * *").minutes)).toEqual([5, 25, 45]);
  });

  it("month and weekday names, any case; 7 and 0 are Sunday; ? means *", () => {
    const cron = parseCronExpression("0 0 ? JAN-mar,Dec mon-fri,7");
    expect(values(cron.months)).toEqual([1, 2, 3, 12]);
    expect(values(cron.weekdays)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cron.daysCombine).toBe("and");
  });

  it("wildcard jobs are those whose minute or hour field starts with *", () => {
    expect(parseCronExpression("* 2 * * *").wildcard).toBe(true);
    expect(parseCronExpression("*/15 2 * * *").wildcard).toBe(true);
    expect(parseCronExpression("0 * * * *").wildcard).toBe(true);
    expect(parseCronExpression("0 */2 * * *").wildcard).toBe(true);
    expect(parseCronExpression("0,30 1-3 * * *").wildcard).toBe(false);
  });

  it.each([
    ["61 * * * *", /minute field: 61 in "61" is outside 0-59/],
    ["* 24 * * *", /hour field: 24/],
    ["* * 0 * *", /day-of-month field: 0/],
    ["* * * 13 *", /month field: 13/],
    ["* * * * 8", /day-of-week field: 8/],
    ["5-2 * * * *", /range "5-2" runs backwards/],
    ["*/0 * * * *", /step in "\*\/0" must be at least 1/],
    ["1,,2 * * * *", /empty list item/],
    ["L * * * *", /"L" in "L" is not a number/],
    ["* * * foo *", /"foo" in "foo" is not a number or a name \(jan, feb, \.\.\.\)/],
    ["0 0 30 2 *", /would never fire/],
    ["0 0 31 4,6 *", /would never fire/],
    ["* * * *", /must have 5 fields/],
  ])("refuses %s", (expression, message) => {
    expect(() => parseCronExpression(expression)).toThrow(CronSyntaxError);
    expect(() => parseCronExpression(expression)).toThrow(message);
  });
});

describe("day-of-month and day-of-week (Vixie's rule)", () => {
  const days = (expression: string) =>
    intervalsBetween(
      (() => {
        const s = resolveSchedule(expression, "UTC", undefined, {});
        if (s.kind !== "cron") throw new Error("not cron");
        return s;
      })(),
      new Date("2024-03-01T00:00:00Z"),
      new Date("2024-03-31T00:00:00Z"),
    ).map((i) => i.start.toISOString().slice(0, 10));

  it("both restricted: either matches (OR)", () => {
    // The 13th, or any Friday of March 2024.
    expect(days("0 0 13 * 5")).toEqual(["2024-03-01", "2024-03-08", "2024-03-13", "2024-03-15", "2024-03-22", "2024-03-29"]);
  });

  it("one field starts with *: both must match (AND), */2 included", () => {
    expect(days("0 0 */2 * 5")).toEqual(["2024-03-01", "2024-03-15", "2024-03-29"]);
    expect(days("0 0 * * 5")).toEqual(["2024-03-01", "2024-03-08", "2024-03-15", "2024-03-22", "2024-03-29"]);
  });
});
