import { describe, expect, it } from "vitest";
import { testDag } from "tributary-orchestrator/testing";
import weekdayOrWeekend from "../branching.js";

describe("weekday_or_weekend", () => {
  it("follows the weekday path on a Friday and skips the weekend one", async () => {
    const result = await testDag(weekdayOrWeekend, { logicalDate: "2024-03-01" });
    expect(result.states).toEqual({ choose_path: "success", weekday_report: "success", weekend_report: "skipped", publish: "success" });
  });

  it("follows the weekend path on a Saturday; publish still runs (none_failed_min_one_success)", async () => {
    const result = await testDag(weekdayOrWeekend, { logicalDate: "2024-03-02" });
    expect(result.states).toMatchObject({ weekday_report: "skipped", weekend_report: "success", publish: "success" });
    expect(result.logs("choose_path").map((l) => l.message)).toEqual(["2024-03-02 is a Sat in Europe/Berlin: following weekend_report"]);
  });
});
