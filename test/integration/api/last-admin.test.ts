/**
 * Issue 15: the last admin can be neither demoted nor deleted (409): nobody could manage users
 * and tokens any more. Checked in the store, in the same transaction as the change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORES } from "../../conformance/stores.js";
import { expectError } from "./api-expect.js";
import { PASSWORD, startHarness, type ApiHarness } from "./api-harness.js";

describe.each(STORES)("the last admin on $name", (factory) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startHarness(factory);
  });
  afterAll(async () => api?.close());

  it("cannot be demoted or deleted; with a second admin, either can", async () => {
    expectError(await api.request("PATCH", "/api/v1/users/admin", { as: "admin", body: { role: "operator" } }), 409);
    expectError(await api.request("DELETE", "/api/v1/users/admin", { as: "admin" }), 409);
    expect((await api.store.access.getUserByName("admin"))?.role).toBe("admin");

    expect((await api.request("POST", "/api/v1/users", { as: "admin", body: { username: "root2", role: "admin", password: PASSWORD } })).status).toBe(201);
    expect(await api.request("PATCH", "/api/v1/users/root2", { as: "admin", body: { role: "viewer" } })).toMatchObject({ status: 200, body: { role: "viewer" } });
    expectError(await api.request("DELETE", "/api/v1/users/admin", { as: "admin" }), 409);
    expect((await api.request("PATCH", "/api/v1/users/root2", { as: "admin", body: { role: "admin" } })).status).toBe(200);
    expect((await api.request("DELETE", "/api/v1/users/root2", { as: "admin" })).status).toBe(204);
    // Other users are unaffected by the rule.
    expect((await api.request("PATCH", "/api/v1/users/viewer", { as: "admin", body: { role: "operator" } })).status).toBe(200);
  });

  it("two admins demoting each other at once leave one admin", async () => {
    expect((await api.request("POST", "/api/v1/users", { as: "admin", body: { username: "root3", role: "admin", password: PASSWORD } })).status).toBe(201);
    const [a, b] = await Promise.all([api.store.access.setRole("admin", "viewer").catch((e: unknown) => e), api.store.access.setRole("root3", "viewer").catch((e: unknown) => e)]);
    expect([a, b].filter((r) => r === true)).toHaveLength(1);
    expect((await api.store.access.listUsers()).filter((u) => u.role === "admin")).toHaveLength(1);
  });
});
