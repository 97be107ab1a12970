/**
 * Tests written with the testing kit: the DAG runs in memory, its retries wait in virtual time.
 * Run them with `npx vitest run examples` (they are not DAG files: `*.test.ts` never is).
 */
import { describe, expect, it } from "vitest";
import { testDag } from "tributary-orchestrator/testing";
import flakyApi from "../flaky-api.js";

describe("flaky_api", () => {
  it("fails twice, waits 200 ms then 400 ms, and converts with the third try's rate", async () => {
    const result = await testDag(flakyApi, { logicalDate: "2024-03-01" });
    expect(result.state).toBe("success");
    expect(result.tries("fetch_exchange_rate").map((t) => t.outcome)).toEqual(["failed", "failed", "success"]);
    expect(result.retryWaits("fetch_exchange_rate")).toEqual([200, 400]);
    expect(result.resultOf("convert_prices")).toEqual({ widget: 21.67, gadget: 161.55, gizmo: 4.88 });
  });

  it("dead-letters the fetch when every try fails; convert_prices never runs", async () => {
    const result = await testDag(flakyApi, { logicalDate: "2024-03-01", failures: { fetch_exchange_rate: 4 } });
    expect(result.state).toBe("failed");
    expect(result.states).toEqual({ fetch_exchange_rate: "failed", convert_prices: "upstream_failed" });
    expect(result.retryWaits("fetch_exchange_rate")).toEqual([200, 400, 800]);
  });

  it("converts with a mocked rate", async () => {
    const result = await testDag(flakyApi, {
      logicalDate: "2024-03-01",
      mocks: { fetch_exchange_rate: { base: "EUR", quote: "USD", rate: 2, asOf: "2024-03-01" } },
    });
    expect(result.resultOf("convert_prices")).toEqual({ widget: 39.98, gadget: 298, gizmo: 9 });
  });
});
