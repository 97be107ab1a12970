/** The DAG `calendar` option is checked when the DAG is defined, with errors naming the DAG and field. */
import { describe, expect, it } from "vitest";
import { DagDefinitionError } from "../../../src/core/errors.js";
import { dag } from "../../../src/dsl/index.js";
import type { DagOptions } from "../../../src/dsl/types.js";

function definitionError(options: Record<string, unknown>): DagDefinitionError {
  try {
    dag("holiday_report", options as DagOptions<Record<string, unknown>>, (d) => void d.task("t", () => 1));
  } catch (error) {
    expect(error).toBeInstanceOf(DagDefinitionError);
    return error as DagDefinitionError;
  }
  throw new Error("expected a DagDefinitionError, but nothing was thrown");
}

const daily = { schedule: "0 6 * * *", startDate: "2024-01-01" };

describe("the calendar option", () => {
  it("accepts dates, day ranges, day lists, full names and a wrapping range", () => {
    for (const businessDays of ["Mon-Fri", "sun-thu", "Mon,Wed,Fri", "Monday-Friday", "Fri-Mon", "Mon-Thu,Sat"]) {
      const defined = dag("ok", { ...daily, calendar: { exclude: ["2024-12-25", "2024-02-29"], businessDays, onExcluded: "shift" } }, (d) => void d.task("t", () => 1));
      expect(defined.options.calendar?.businessDays).toBe(businessDays);
    }
  });

  it.each([
    [{ exclude: ["2024-12-25", "2024-13-01"] }, "calendar.exclude[1]", /calendar.exclude\[1\] is not a date: "2024-13-01"/],
    [{ exclude: ["2023-02-29"] }, "calendar.exclude[0]", /"2023-02-29" \(expected YYYY-MM-DD, a day that exists\)/],
    [{ exclude: ["25/12/2024"] }, "calendar.exclude[0]", /is not a date: "25\/12\/2024"/],
    [{ exclude: "2024-12-25" }, "calendar.exclude", /must be a list of dates/],
    [{ businessDays: "Mon-Fry" }, "calendar.businessDays", /"Mon-Fry" names an unknown day in "Mon-Fry"/],
    [{ businessDays: "Mon-Wed-Fri" }, "calendar.businessDays", /has a bad part "Mon-Wed-Fri"/],
    [{ businessDays: "" }, "calendar.businessDays", /has a bad part ""/],
    [{ businessDays: ["Mon"] }, "calendar.businessDays", /must be a string such as "Mon-Fri"/],
    [{ onExcluded: "postpone" }, "calendar.onExcluded", /must be "skip" or "shift", got "postpone"/],
    [{ exlude: [] }, "calendar.exlude", /unknown calendar option "exlude"/],
  ])("rejects %j at %s", (calendar, field, message) => {
    const error = definitionError({ ...daily, calendar });
    expect(error.location).toEqual({ dagId: "holiday_report", field });
    expect(error.message).toMatch(message);
    expect(error.describe()).toContain('DAG "holiday_report"');
  });

  it("needs a time-based schedule", () => {
    const error = definitionError({ schedule: null, calendar: { businessDays: "Mon-Fri" } });
    expect(error.location).toEqual({ dagId: "holiday_report", field: "calendar" });
    expect(error.message).toMatch(/calendar needs a time-based schedule/);
  });

  it("refuses a calendar that leaves the schedule no tick at all", () => {
    const error = definitionError({ schedule: "0 6 * * 6", startDate: "2024-01-01", calendar: { businessDays: "Mon-Fri" } });
    expect(error.location).toEqual({ dagId: "holiday_report", field: "calendar" });
    expect(error.message).toMatch(/the calendar excludes every tick of the schedule/);
  });
});
