import { describe, expect, it } from "vitest";
import { resolveSchedule } from "../../../src/core/schedule.js";
import { dueIntervals } from "../../../src/scheduler/due-intervals.js";

const at = (iso: string) => new Date(iso);
const daily = (() => {
  const s = resolveSchedule("@daily", "UTC", undefined, {});
  if (s.kind !== "cron") throw new Error("cron expected");
  return s;
})();
const starts = (intervals: { start: Date }[]) => intervals.map((i) => i.start.toISOString().slice(0, 10));

describe("dueIntervals", () => {
  it("creates nothing before the first interval has ended", () => {
    expect(dueIntervals({ schedule: daily, startDate: at("2024-01-01T00:00:00Z"), endDate: undefined, catchup: true, lastLogicalDate: undefined, now: at("2024-01-01T23:59:59Z") })).toEqual([]);
  });

  it("@daily from 2024-01-01: the first run (logical date 01-01) is due at 01-02 00:00", () => {
    const due = dueIntervals({ schedule: daily, startDate: at("2024-01-01T00:00:00Z"), endDate: undefined, catchup: true, lastLogicalDate: undefined, now: at("2024-01-02T00:00:00Z") });
    expect(due).toEqual([{ start: at("2024-01-01T00:00:00Z"), end: at("2024-01-02T00:00:00Z") }]);
  });

  it("catchup: true creates every missed interval after downtime", () => {
    const due = dueIntervals({ schedule: daily, startDate: at("2024-01-01T00:00:00Z"), endDate: undefined, catchup: true, lastLogicalDate: at("2024-01-03T00:00:00Z"), now: at("2024-01-07T10:00:00Z") });
    expect(starts(due)).toEqual(["2024-01-04", "2024-01-05", "2024-01-06"]);
  });

  it("catchup: false creates only the latest interval after downtime", () => {
    const due = dueIntervals({ schedule: daily, startDate: at("2024-01-01T00:00:00Z"), endDate: undefined, catchup: false, lastLogicalDate: at("2024-01-03T00:00:00Z"), now: at("2024-01-07T10:00:00Z") });
    expect(starts(due)).toEqual(["2024-01-06"]);
  });

  it("catchup: false on a fresh DAG with an old start date creates only the latest", () => {
    const due = dueIntervals({ schedule: daily, startDate: at("2020-01-01T00:00:00Z"), endDate: undefined, catchup: false, lastLogicalDate: undefined, now: at("2024-01-07T10:00:00Z") });
    expect(starts(due)).toEqual(["2024-01-06"]);
  });

  it("nothing is due again once the latest interval has its run", () => {
    const due = dueIntervals({ schedule: daily, startDate: at("2024-01-01T00:00:00Z"), endDate: undefined, catchup: true, lastLogicalDate: at("2024-01-06T00:00:00Z"), now: at("2024-01-07T10:00:00Z") });
    expect(due).toEqual([]);
  });

  it("endDate stops run creation (the end date's own interval included)", () => {
    const due = dueIntervals({ schedule: daily, startDate: at("2024-01-01T00:00:00Z"), endDate: at("2024-01-03T00:00:00Z"), catchup: true, lastLogicalDate: undefined, now: at("2024-02-01T00:00:00Z") });
    expect(starts(due)).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
  });

  it("limit bounds one call; the next call continues", () => {
    const first = dueIntervals({ schedule: daily, startDate: at("2024-01-01T00:00:00Z"), endDate: undefined, catchup: true, lastLogicalDate: undefined, now: at("2025-01-01T00:00:00Z"), limit: 100 });
    expect(first).toHaveLength(100);
    const rest = dueIntervals({ schedule: daily, startDate: at("2024-01-01T00:00:00Z"), endDate: undefined, catchup: true, lastLogicalDate: first.at(-1)?.start, now: at("2025-01-01T00:00:00Z"), limit: 1000 });
    expect(rest).toHaveLength(266);
  });
});
