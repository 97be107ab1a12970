/**
 * Issue 15: password changes are rate-limited like logins, and behind a proxy (`trustProxy`) the
 * limits count per client (X-Forwarded-For), not per proxy.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseTrustProxy } from "../../../src/api/trust-proxy.js";
import { storeFactory } from "../../conformance/stores.js";
import { expectError } from "./api-expect.js";
import { startHarness, type ApiHarness } from "./api-harness.js";

const LIMIT = 3;
let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const wrongLogin = (harness: ApiHarness, client: string) =>
  harness.request("POST", "/api/v1/auth/login", { body: { username: "viewer", password: "wrong password" }, headers: { "x-forwarded-for": client } });

describe("rate limits", () => {
  it("POST /auth/password: the attempt after the limit is a 429", async () => {
    api = await startHarness(storeFactory("sqlite"), { loginRateLimit: LIMIT });
    for (let i = 0; i < LIMIT; i++) {
      const response = await api.request("POST", "/api/v1/auth/password", { as: "viewer", body: { currentPassword: `guess-${i}`, newPassword: "a-new-long-password" } });
      expectError(response, 403, "currentPassword");
    }
    const limited = await api.request("POST", "/api/v1/auth/password", { as: "viewer", body: { currentPassword: "guess-x", newPassword: "a-new-long-password" } });
    expectError(limited, 429);
    expect((limited.body as { error: { code: string } }).error.code).toBe("rate_limited");
  });

  it("without trustProxy, every client behind a proxy shares the proxy's limit", async () => {
    api = await startHarness(storeFactory("sqlite"), { loginRateLimit: LIMIT });
    for (let i = 0; i < LIMIT; i++) expectError(await wrongLogin(api, "203.0.113.1"), 401);
    expectError(await wrongLogin(api, "203.0.113.2"), 429);
  });

  it.each(["127.0.0.1", "1", "loopback"])("with trustProxy %s, each client (X-Forwarded-For) has its own limit", async (setting) => {
    api = await startHarness(storeFactory("sqlite"), { loginRateLimit: LIMIT, trustProxy: parseTrustProxy(setting, "trust-proxy") });
    for (let i = 0; i < LIMIT; i++) expectError(await wrongLogin(api, "203.0.113.1"), 401);
    expectError(await wrongLogin(api, "203.0.113.1"), 429);
    expectError(await wrongLogin(api, "203.0.113.2"), 401);
  });

  it("parses trust-proxy settings and refuses nonsense", () => {
    expect(parseTrustProxy("true", "f")).toBe(true);
    expect(parseTrustProxy("false", "f")).toBe(false);
    expect(parseTrustProxy("2", "f")).toBe(2);
    expect(parseTrustProxy("10.0.0.0/8, 127.0.0.1,loopback", "f")).toEqual(["10.0.0.0/8", "127.0.0.1", "loopback"]);
    expect(parseTrustProxy(true, "f")).toBe(true);
    for (const bad of ["yes please", "10.0.0.0/99", "-1", "", "300.1.1.1"]) expect(() => parseTrustProxy(bad, "trust-proxy")).toThrow(/trust-proxy/);
  });
});
