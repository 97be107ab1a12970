/**
 * The backfill and event endpoints through real HTTP: success, bad input (400 naming the field),
 * 401, 403, 404, 409 and 422.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../../../src/api/server.js";
import { DagRegistry } from "../../../src/scheduler/dag-registry.js";
import { STORES } from "../../conformance/stores.js";
import { at, RunDriver } from "../../conformance/driver.js";
import { graph } from "../../conformance/fixtures.js";
import { expectError } from "./api-expect.js";
import { startHarness, type ApiHarness } from "./api-harness.js";

const EVENT_DAGS = fileURLToPath(new URL("../../fixtures/api-event-dags", import.meta.url));

describe.each(STORES)("API backfills and events on $name", (factory) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startHarness(factory);
  });
  afterAll(async () => api?.close());

  it("POST /dags/:dagId/backfills: dry run, create, 409 for an overlapping one; 400, 401, 403, 404", async () => {
    const path = "/api/v1/dags/hourly_sync/backfills";
    const dry = await api.request("POST", path, { as: "operator", body: { from: "2024-02-01", to: "2024-02-03", dryRun: true } });
    expect(dry).toMatchObject({ status: 200, body: { dryRun: true, dagId: "hourly_sync" } });
    expect((dry.body as { intervals: { action: string }[] }).intervals).toHaveLength(3);
    expect(await api.store.listBackfills({})).toEqual([]);

    expectError(await api.request("POST", path, { as: "operator", body: { from: "2024-02-01" } }), 400, "to");
    expectError(await api.request("POST", path, { as: "operator", body: { from: "2024-02-01", to: "2024-02-03", reprocess: "sometimes" } }), 400, "reprocess");
    expectError(await api.request("POST", path, { as: "operator", body: { from: "2024-02-01", to: "2024-02-03", maxActiveRuns: 0 } }), 400, "maxActiveRuns");
    expectError(await api.request("POST", path, { as: "operator", body: { from: "last week", to: "2024-02-03" } }), 400, "from");
    expectError(await api.request("POST", path, { as: "viewer", body: { from: "2024-02-01", to: "2024-02-03" } }), 403);
    expectError(await api.request("POST", path, { body: { from: "2024-02-01", to: "2024-02-03" } }), 401);
    expectError(await api.request("POST", "/api/v1/dags/no_such_dag/backfills", { as: "operator", body: { from: "2024-02-01", to: "2024-02-03" } }), 404);

    const created = await api.request("POST", path, { as: "operator", body: { from: "2024-02-01", to: "2024-02-03", maxActiveRuns: 2 } });
    expect(created).toMatchObject({ status: 201, body: { dagId: "hourly_sync", state: "running" } });
    const id = (created.body as { id: number }).id;
    expectError(await api.request("POST", path, { as: "operator", body: { from: "2024-02-02", to: "2024-02-05" } }), 409);

    expect(await api.request("GET", `/api/v1/backfills/${id}`, { as: "viewer" })).toMatchObject({ status: 200, body: { id, state: "running" } });
    expect(await api.request("GET", "/api/v1/backfills?dagId=hourly_sync&state=running", { as: "viewer" })).toMatchObject({ status: 200, body: { backfills: [{ id }] } });
    expectError(await api.request("GET", "/api/v1/backfills?state=stalled", { as: "viewer" }), 400, "querystring.state");
    expectError(await api.request("GET", "/api/v1/backfills/999999", { as: "viewer" }), 404);
    expectError(await api.request("GET", "/api/v1/backfills/abc", { as: "viewer" }), 400, "params.id");
    expectError(await api.request("GET", "/api/v1/backfills"), 401);

    // Pause and resume: a paused backfill is listed as such and starts nothing until resumed.
    expectError(await api.request("POST", `/api/v1/backfills/${id}/pause`, { as: "viewer" }), 403);
    expect(await api.request("POST", `/api/v1/backfills/${id}/pause`, { as: "operator" })).toMatchObject({ status: 200, body: { id, state: "paused" } });
    expectError(await api.request("POST", `/api/v1/backfills/${id}/pause`, { as: "operator" }), 409);
    expect(await api.request("GET", "/api/v1/backfills?state=paused", { as: "viewer" })).toMatchObject({ status: 200, body: { backfills: [{ id, state: "paused" }] } });
    expectError(await api.request("POST", path, { as: "operator", body: { from: "2024-02-02", to: "2024-02-05" } }), 409);
    expect(await api.request("POST", `/api/v1/backfills/${id}/resume`, { as: "operator" })).toMatchObject({ status: 200, body: { id, state: "running", maxActiveRuns: 2 } });
    expectError(await api.request("POST", "/api/v1/backfills/999999/resume", { as: "operator" }), 404);
    expect((await api.store.listBackfills({ states: ["running"] })).map((b) => b.id)).toEqual([id]);
    await api.request("POST", `/api/v1/backfills/${id}/pause`, { as: "operator" });

    expectError(await api.request("POST", `/api/v1/backfills/${id}/cancel`, { as: "viewer" }), 403);
    expect(await api.request("POST", `/api/v1/backfills/${id}/cancel`, { as: "operator" })).toMatchObject({ status: 200, body: { id, state: "cancelled" } });
    expectError(await api.request("POST", `/api/v1/backfills/${id}/cancel`, { as: "operator" }), 409);
    expectError(await api.request("POST", "/api/v1/backfills/999999/cancel", { as: "operator" }), 404);
    expectError(await api.request("POST", `/api/v1/backfills/${id}/resume`, { as: "operator" }), 409);
    const audit = await api.request("GET", "/api/v1/audit?action=backfill.create", { as: "admin" });
    expect(audit.body).toMatchObject({ entries: [{ actor: "operator (token operator-token)", target: `hourly_sync#${id}` }] });
    const changes = await api.store.access.listAudit({ actor: "operator" });
    expect(changes.filter((e) => e.target === `hourly_sync#${id}`).map((e) => e.action).reverse()).toEqual([
      "backfill.create",
      "backfill.pause",
      "backfill.resume",
      "backfill.pause",
      "backfill.cancel",
    ]);
  });

  it("POST /events: starts every subscribed DAG with the params; 400, 401, 403, 422", async () => {
    const registry = new DagRegistry(EVENT_DAGS);
    await registry.refresh();
    expect(registry.importErrors()).toEqual([]);
    const server = await createApiServer({ store: api.store, dags: registry });
    try {
      const base = await server.listen({ port: 0, host: "127.0.0.1" });
      const post = (body: unknown, token: string | null = api.tokens.operator) =>
        fetch(`${base}/api/v1/events`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown, headers: r.headers }));
      const ok = await post({ event: "files.uploaded", params: { path: "/in/a.csv" } });
      expect(ok).toMatchObject({ status: 202, body: { event: "files.uploaded", runs: [{ dagId: "on_upload", runType: "event", params: { path: "/in/a.csv" } }] } });
      // Nobody listens: accepted, nothing started.
      expect(await post({ event: "nobody.cares" })).toMatchObject({ status: 202, body: { runs: [] } });
      expectError(await post({ event: "files.uploaded", params: {} }), 422);
      expectError(await post({ event: "bad name!" }), 400, "event");
      expectError(await post({ params: {} }), 400, "event");
      expectError(await post({ event: "files.uploaded", params: [1] }), 400, "params");
      expectError(await post({ event: "files.uploaded" }, api.tokens.viewer), 403);
      expectError(await post({ event: "files.uploaded" }, null), 401);
      expect((await api.store.listRuns({ dagId: "on_upload" })).length).toBe(1);
      expect(ok.body).toMatchObject({ delivered: 0 });
    } finally {
      await server.close();
    }
  });

  it("POST /events: delivers to the tasks waiting for the event (ctx.waitForEvent) and says how many it reached; 400 for a bad name", async () => {
    const waiter = graph("event_waiter", [{ id: "wait" }]);
    const now = new Date();
    const run = await RunDriver.start(api.store, waiter, { now: at(0) });
    const [claimed] = await api.store.claimNextTasks({ workerId: "w", limit: 1, dagIds: [waiter.dagId], now: at(1) });
    if (!claimed) throw new Error("nothing claimed");
    const deadline = new Date(now.getTime() + 3_600_000);
    await api.store.steps.record({
      taskInstanceId: claimed.instance.id,
      number: 1,
      name: "orders.shipped",
      kind: "event",
      tryNumber: 1,
      resultJson: "null",
      startedAt: at(2),
      endedAt: deadline,
      waiting: true,
    });
    await api.store.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: 1, outcome: "deferred", sleepsUntil: deadline, graph: waiter, now: at(2) });

    const post = (body: unknown) => api.request("POST", "/api/v1/events", { as: "operator", body });
    expect(await post({ event: "orders.cancelled" })).toMatchObject({ status: 202, body: { event: "orders.cancelled", runs: [], delivered: 0 } });
    expectError(await post({ event: "orders shipped" }), 400, "event");
    expect(await post({ event: "orders.shipped", params: { carrier: "ups" } })).toMatchObject({ status: 202, body: { runs: [], delivered: 1 } });
    const [step] = await api.store.steps.list(claimed.instance.id);
    expect(step).toMatchObject({ resultJson: '{"carrier":"ups"}' });
    expect(step?.waiting).toBeUndefined();
    expect(await run.instance("wait")).toMatchObject({ state: "queued", waitReason: "event" });
    // Delivered once.
    expect(await post({ event: "orders.shipped", params: {} })).toMatchObject({ status: 202, body: { delivered: 0 } });
  });
});
