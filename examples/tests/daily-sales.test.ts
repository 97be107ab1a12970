import { describe, expect, it } from "vitest";
import { testDag } from "tributary-orchestrator/testing";
import dailySales from "../daily-sales.js";

// The warehouse tasks are mocked: the test checks the pipeline's logic, not SQLite.
const warehouse = {
  load_warehouse: { rows: 0, orders: 0, revenueCents: 0 },
  notify_team: { sent: true },
};

describe("daily_sales_report", () => {
  it("extracts, joins and transforms one day of the sample data", async () => {
    const result = await testDag(dailySales, { logicalDate: "2024-03-01", params: { region: "us" }, mocks: warehouse });
    expect(result.state).toBe("success");
    expect(result.logicalDate.toISOString()).toBe("2024-03-01T05:00:00.000Z"); // 06:00 in Berlin
    const joined = result.resultOf<unknown[]>("join_sources");
    expect(joined.length).toBeGreaterThan(0);
    expect(result.datasetEvents.map((e) => e.uri)).toContain("sqlite://warehouse/raw_orders");
    expect(result.task("validate_data").result).toEqual({ checked: joined.length });
  });

  it("still tells the team when the load fails (all_done)", async () => {
    const result = await testDag(dailySales, {
      logicalDate: "2024-03-01",
      mocks: warehouse,
      failures: { load_warehouse: ["fail", "timeout", "crash"] },
    });
    expect(result.states).toMatchObject({ load_warehouse: "failed", notify_team: "success" });
    // retries: 2, retryDelay 1s, exponential; the timed-out try took the 5 min timeout in virtual time.
    expect(result.retryWaits("load_warehouse")).toEqual([1_000, 2_000]);
    expect(result.tries("load_warehouse").map((t) => t.errorKind)).toEqual(["error", "timeout", "crash"]);
    // The run's state follows its leaves (Airflow's rule): notify_team is the only leaf, and it succeeded.
    expect(result.state).toBe("success");
  });

  it("rejects an unknown region, as a trigger would", async () => {
    await expect(testDag(dailySales, { params: { region: "apac" } })).rejects.toThrow(/region/);
  });
});
