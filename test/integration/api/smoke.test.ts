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

  it("serves Prometheus metrics at /metrics to a viewer token, 401 without one", async () => {
    expect((await api.request("GET", "/metrics")).status).toBe(401);
    const { status, body, headers } = await api.request("GET", "/metrics", { as: "viewer" });
    expect(status).toBe(200);
    expect(headers.get("content-type")).toContain("text/plain");
    expect(String(body)).toMatch(/^# HELP tributary_/m);
    expect(String(body)).toMatch(/^tributary_dag_runs\{/m);
  });

  it("records an external dataset update, then lists the dataset and its lineage", async () => {
    const bad = await api.request("POST", "/api/v1/datasets/events", { as: "operator", body: { uri: "not a uri" } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_input", field: "uri" } } });
    expect((await api.request("POST", "/api/v1/datasets/events", { as: "viewer", body: { uri: "s3://lake/raw/orders" } })).status).toBe(403);
    const created = await api.request("POST", "/api/v1/datasets/events", { as: "operator", body: { uri: "s3://lake/raw/orders", metadata: { rows: 12 } } });
    expect(created.status).toBe(201);
    const datasets = await api.request("GET", "/api/v1/datasets", { as: "viewer" });
    expect(datasets.status).toBe(200);
    expect(JSON.stringify(datasets.body)).toContain("s3://lake/raw/orders");
    const lineage = await api.request("GET", `/api/v1/lineage?target=${encodeURIComponent("s3://lake/raw/orders")}&direction=downstream`, { as: "viewer" });
    expect(lineage).toMatchObject({ status: 200, body: { direction: "downstream" } });
    expect((await api.request("GET", "/api/v1/lineage?direction=sideways&target=x", { as: "viewer" })).status).toBe(400);
  });
});
