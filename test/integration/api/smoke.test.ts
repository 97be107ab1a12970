import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORES } from "../../conformance/stores.js";
import { startHarness, type ApiHarness } from "./api-harness.js";

describe.each(STORES)("API smoke on $name", (factory) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startHarness(factory);
  });
  afterAll(async () => api?.close());

  it("serves /health without credentials", async () => {
    expect(await api.request("GET", "/health")).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("lists DAGs for a viewer and refuses anonymous callers", async () => {
    expect((await api.request("GET", "/api/v1/dags")).status).toBe(401);
    const { status, body } = await api.request("GET", "/api/v1/dags", { as: "viewer" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ dags: [{ dagId: "hourly_sync" }, { dagId: "report", scheduleText: "every day at 06:00 Europe/Berlin" }] });
  });

  it("triggers a run with params for an operator, 403 for a viewer, 422 for bad params", async () => {
    expect((await api.request("POST", "/api/v1/dags/report/runs", { as: "viewer", body: { params: {} } })).status).toBe(403);
    const bad = await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: { regoin: "us" } } });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: "params_invalid" } } });
    const ok = await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: { region: "us" } } });
    expect(ok).toMatchObject({ status: 201, body: { dagId: "report", state: "queued", params: { region: "us", note: "none", limit: 10 } } });
  });

  it("serves the OpenAPI document", async () => {
    const { status, body } = await api.request("GET", "/api/v1/openapi.json", { as: "viewer" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ openapi: "3.1.0" });
    expect(Object.keys((body as { paths: object }).paths)).toContain("/api/v1/dags/{dagId}/runs");
  });
});
