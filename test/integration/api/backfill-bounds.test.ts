/**
 * Issue 15, item 9: one backfill request must not block the server. A range above the documented
 * limit is a 422 with a JSON body, and while such a request is being checked `/health` answers
 * within 100 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_API_BACKFILL_INTERVALS } from "../../../src/scheduler/backfill-intervals.js";
import { storeFactory } from "../../conformance/stores.js";
import { startHarness, type ApiHarness } from "./api-harness.js";

describe("backfill ranges through the API", () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startHarness(storeFactory("sqlite"));
  });
  afterAll(async () => api?.close());

  it("a range above the limit is a 422 naming the limit, dry run or not", async () => {
    for (const dryRun of [true, false]) {
      const response = await api.request("POST", "/api/v1/dags/report/backfills", { as: "operator", body: { from: "0000-01-01", to: "2024-01-01", dryRun } });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ error: { code: "backfill_too_large", field: "to", message: expect.stringContaining(String(MAX_API_BACKFILL_INTERVALS)) } });
    }
    expect(await api.store.listBackfills({})).toEqual([]);
  });

  it("a range at the limit is planned", async () => {
    // `report` runs daily: 2000-01-01 + (limit - 1) days is the last logical date within it.
    const to = new Date(Date.UTC(2000, 0, 1) + (MAX_API_BACKFILL_INTERVALS - 1) * 86_400_000).toISOString().slice(0, 10);
    const response = await api.request("POST", "/api/v1/dags/report/backfills", { as: "operator", body: { from: "2000-01-01", to, dryRun: true } });
    expect(response.status).toBe(200);
    expect((response.body as { intervals: unknown[] }).intervals).toHaveLength(MAX_API_BACKFILL_INTERVALS);
  });

  it("/health answers within 100 ms while a huge range is being checked", async () => {
    const huge = api.request("POST", "/api/v1/dags/report/backfills", { as: "operator", body: { from: "0000-01-01", to: "2024-01-01", dryRun: true } });
    const latencies: number[] = [];
    let settled = false;
    void huge.finally(() => (settled = true));
    // Give the request time to reach its handler, then probe while it runs (at least once: on a
    // fast day the check is over before the first probe, which is then as good as any).
    await new Promise((resolve) => setTimeout(resolve, 30));
    for (let i = 0; i < 5 && (i === 0 || !settled); i++) {
      const started = performance.now();
      const health = await api.request("GET", "/health");
      latencies.push(performance.now() - started);
      expect(health.status).toBe(200);
    }
    expect(latencies.length).toBeGreaterThan(0);
    expect((await huge).status).toBe(422);
    expect(Math.max(...latencies)).toBeLessThan(100);
  });
});
