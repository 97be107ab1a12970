/**
 * Who gets in (docs/architecture.md §8): walks the server's route table to prove that no route is open without
 * credentials but `/health` and login, and that every operator/admin route refuses a viewer; then
 * sessions (cookie flags, CSRF, logout, password change), the login rate limit and the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer, type RouteEntry } from "../../../src/api/server.js";
import type { Role } from "../../../src/store/index.js";
import { STORES } from "../../conformance/stores.js";
import { expectError } from "./api-expect.js";
import { PASSWORD, startHarness, type ApiHarness } from "./api-harness.js";
import { finishedRun, runningRun, type RunJson } from "./api-states.js";

const PUBLIC = ["GET /health", "POST /api/v1/auth/login"];
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** A concrete path for a route: its parameters filled with ids that exist. */
function fill(url: string, runId: string): string {
  return url
    .replace(":dagId", "report")
    .replace(":runId", encodeURIComponent(runId))
    .replace(":taskId", "extract")
    .replace(":username", "viewer")
    .replace(/:\w+/g, "1");
}

const bodyFor = (method: string) => (method === "GET" || method === "DELETE" ? undefined : {});

interface Session {
  readonly cookie: string;
  readonly csrf: string;
  readonly setCookie: string;
}

/** Logs in through `base` (a server root URL ending without a slash) and returns the session. */
async function login(base: string, username: string, password = PASSWORD): Promise<Session> {
  const response = await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  expect(response.status).toBe(200);
  const setCookie = response.headers.get("set-cookie") ?? "";
  const cookie = /^(tributary_session=[^;]+)/.exec(setCookie)?.[1];
  if (!cookie) throw new Error(`no session cookie in "${setCookie}"`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken, setCookie };
}

describe.each(STORES)("API access on $name", (factory) => {
  let api: ApiHarness;
  let run: RunJson;
  let table: readonly RouteEntry[];
  beforeAll(async () => {
    api = await startHarness(factory);
    run = await finishedRun(api, "success");
    table = api.routeTable;
  });
  afterAll(async () => api?.close());

  /** PASSWORD's hash as the harness stored it: users made here reuse it, as hashing (scrypt) costs CPU. */
  async function passwordHash(): Promise<string> {
    const hash = (await api.store.access.getUserByName("viewer"))?.passwordHash;
    if (!hash) throw new Error("the harness's viewer has no password");
    return hash;
  }

  describe("the route table", () => {
    it("declares a role for every route; only /health and login are public", () => {
      expect(table.length).toBeGreaterThan(25);
      for (const route of table) expect(["public", "viewer", "operator", "admin"]).toContain(route.access);
      expect(table.filter((r) => r.access === "public").map((r) => `${r.method} ${r.url}`).sort()).toEqual([...PUBLIC].sort());
      // Writes need at least an operator, except what a user does to their own session.
      const ownSession = new Set(["/api/v1/auth/logout", "/api/v1/auth/password", "/api/v1/auth/login"]);
      // An approval's answer is open to viewers at the door: the approval names its approvers (a
      // role, or users who may be viewers), and the route checks them (approvals.test.ts: 403).
      const ownRule = new Set(["/api/v1/runs/:runId/tasks/:taskId/approval"]);
      for (const route of table.filter((r) => r.method !== "GET" && !ownSession.has(r.url) && !ownRule.has(r.url))) {
        expect(RANK[route.access as Role], `${route.method} ${route.url} writes with the ${route.access} role`).toBeGreaterThanOrEqual(RANK.operator);
      }
      // The user, token, audit and secret routes are for admins only; so are changes to pools.
      for (const route of table.filter((r) => /^\/api\/v1\/(users|tokens|audit|secrets)/.test(r.url))) expect(route.access).toBe("admin");
      for (const route of table.filter((r) => r.url.startsWith("/api/v1/pools") && r.method !== "GET")) expect(route.access).toBe("admin");
    });

    it("answers 401 to every route without credentials, and with a bad token, except the public ones", async () => {
      for (const route of table) {
        const path = fill(route.url, run.runId);
        const anonymous = await api.request(route.method, path, { body: bodyFor(route.method) });
        if (PUBLIC.includes(`${route.method} ${route.url}`)) {
          expect(anonymous.status, `${route.method} ${path}`).not.toBe(401);
          continue;
        }
        expect(anonymous.status, `${route.method} ${path} without credentials`).toBe(401);
        expectError(anonymous, 401);
        const forged = await api.request(route.method, path, { body: bodyFor(route.method), headers: { authorization: "Bearer trb_forged" } });
        expect(forged.status, `${route.method} ${path} with a forged token`).toBe(401);
        const cookie = await api.request(route.method, path, { body: bodyFor(route.method), headers: { cookie: "tributary_session=forged" } });
        expect(cookie.status, `${route.method} ${path} with a forged session`).toBe(401);
      }
    });

    it("answers 403 to a viewer on every operator and admin route, and to an operator on every admin route", async () => {
      const guarded = table.filter((r) => r.access === "operator" || r.access === "admin");
      expect(guarded.length).toBeGreaterThan(10);
      for (const route of guarded) {
        const path = fill(route.url, run.runId);
        const callers: Role[] = route.access === "admin" ? ["viewer", "operator"] : ["viewer"];
        for (const as of callers) {
          const res = await api.request(route.method, path, { as, body: bodyFor(route.method) });
          expect(res.status, `${route.method} ${path} as ${as}`).toBe(403);
          expectError(res, 403);
        }
      }
      // Nothing was changed by the refused calls.
      expect((await api.store.getRun(run.runId))?.state).toBe("success");
      expect((await api.store.access.listUsers()).map((u) => [u.username, u.role]).sort()).toEqual([
        ["admin", "admin"],
        ["operator", "operator"],
        ["viewer", "viewer"],
      ]);
    });

    it("lets a viewer read every viewer route", async () => {
      for (const route of table.filter((r) => r.access === "viewer" && r.method === "GET")) {
        const path = fill(route.url, run.runId);
        const abort = new AbortController();
        // fetch resolves at the headers, so the event stream is only opened, then closed.
        const response = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${api.tokens.viewer}` }, signal: abort.signal });
        expect([401, 403], `${route.method} ${path} as viewer`).not.toContain(response.status);
        abort.abort();
      }
    });
  });

  describe("sessions", () => {
    it("login sets an HttpOnly, SameSite cookie scoped to the base path", async () => {
      const root = await login(api.base, "viewer");
      expect(root.setCookie).toMatch(/HttpOnly/i);
      expect(root.setCookie).toMatch(/SameSite=Strict/i);
      expect(root.setCookie).toMatch(/Path=\/(;|$)/);
      expect(root.setCookie).not.toMatch(/Secure/i);

      // The same store behind a proxy path, with Secure cookies.
      const mounted = await createApiServer({ store: api.store, dags: api.registry, basePath: "/tributary", secureCookies: true });
      try {
        const address = await mounted.listen({ port: 0, host: "127.0.0.1" });
        expect((await fetch(`${address}/tributary/health`)).status).toBe(200);
        expect((await fetch(`${address}/health`)).status).toBe(404);
        const session = await login(`${address}/tributary`, "viewer");
        expect(session.setCookie).toMatch(/Path=\/tributary\/(;|$)/);
        expect(session.setCookie).toMatch(/Secure/i);
        expect(session.setCookie).toMatch(/HttpOnly/i);
        const me = await fetch(`${address}/tributary/api/v1/auth/me`, { headers: { cookie: session.cookie } });
        expect(await me.json()).toMatchObject({ username: "viewer", authenticatedWith: "session", csrfToken: session.csrf });
        expect((await fetch(`${address}/tributary/api/v1/dags`)).status).toBe(401);
      } finally {
        await mounted.close();
      }
    });

    it("reads with a session cookie; writes need the session's X-CSRF-Token", async () => {
      const session = await login(api.base, "operator");
      expect(await api.request("GET", "/api/v1/auth/me", { headers: { cookie: session.cookie } })).toMatchObject({
        status: 200,
        body: { username: "operator", authenticatedWith: "session", csrfToken: session.csrf },
      });
      const pause = (headers: Record<string, string>) => api.request("PATCH", "/api/v1/dags/hourly_sync", { body: { isPaused: true }, headers: { cookie: session.cookie, ...headers } });
      expectError(await pause({}), 403);
      expectError(await pause({ "x-csrf-token": "guessed" }), 403);
      const other = await login(api.base, "operator");
      expectError(await pause({ "x-csrf-token": other.csrf }), 403);
      expect((await api.store.getDag("hourly_sync"))?.isPaused).toBe(false);
      expect(await pause({ "x-csrf-token": session.csrf })).toMatchObject({ status: 200, body: { isPaused: true } });
      // A token needs no CSRF header: browsers never send it by themselves.
      expect((await api.request("PATCH", "/api/v1/dags/hourly_sync", { as: "operator", body: { isPaused: false } })).status).toBe(200);
      // Even logging out through a cookie is a write that needs the header.
      expectError(await api.request("POST", "/api/v1/auth/logout", { headers: { cookie: session.cookie } }), 403);
    });

    it("a session stops working after logout; other sessions of the user go on", async () => {
      const session = await login(api.base, "viewer");
      const other = await login(api.base, "viewer");
      const logout = await api.request("POST", "/api/v1/auth/logout", { headers: { cookie: session.cookie, "x-csrf-token": session.csrf } });
      expect(logout.status).toBe(204);
      expect(logout.headers.get("set-cookie")).toMatch(/tributary_session=;.*(Expires=Thu, 01 Jan 1970|Max-Age=0)/i);
      expectError(await api.request("GET", "/api/v1/auth/me", { headers: { cookie: session.cookie } }), 401);
      expectError(await api.request("GET", "/api/v1/dags", { headers: { cookie: session.cookie } }), 401);
      expect((await api.request("GET", "/api/v1/auth/me", { headers: { cookie: other.cookie } })).status).toBe(200);
    });

    it("a password change ends every session of the user and opens a new one for the caller", async () => {
      await api.store.access.createUser({ username: "erin", role: "operator", passwordHash: await passwordHash(), now: new Date() });
      const a = await login(api.base, "erin");
      const b = await login(api.base, "erin");
      const change = await api.request("POST", "/api/v1/auth/password", {
        body: { currentPassword: PASSWORD, newPassword: "another long password" },
        headers: { cookie: a.cookie, "x-csrf-token": a.csrf },
      });
      expect(change.status).toBe(200);
      const fresh = /^(tributary_session=[^;]+)/.exec(change.headers.get("set-cookie") ?? "")?.[1];
      expect(fresh).toBeDefined();
      expectError(await api.request("GET", "/api/v1/auth/me", { headers: { cookie: a.cookie } }), 401);
      expectError(await api.request("GET", "/api/v1/auth/me", { headers: { cookie: b.cookie } }), 401);
      expect(await api.request("GET", "/api/v1/auth/me", { headers: { cookie: fresh ?? "" } })).toMatchObject({
        status: 200,
        body: { username: "erin", csrfToken: (change.body as { csrfToken: string }).csrfToken },
      });
      // An admin resetting a password ends the user's sessions too.
      const c = await login(api.base, "erin", "another long password");
      expect((await api.request("PATCH", "/api/v1/users/erin", { as: "admin", body: { password: "reset by the admin" } })).status).toBe(200);
      expectError(await api.request("GET", "/api/v1/auth/me", { headers: { cookie: c.cookie } }), 401);
    });

    it("a one-time password allows nothing but changing it", async () => {
      await api.store.access.createUser({ username: "frank", role: "admin", passwordHash: await passwordHash(), mustChangePassword: true, now: new Date() });
      const session = await login(api.base, "frank");
      const headers = { cookie: session.cookie, "x-csrf-token": session.csrf };
      expect(await api.request("GET", "/api/v1/auth/me", { headers })).toMatchObject({ status: 200, body: { mustChangePassword: true } });
      expectError(await api.request("GET", "/api/v1/dags", { headers }), 403);
      expectError(await api.request("GET", "/api/v1/users", { headers }), 403);
      const change = await api.request("POST", "/api/v1/auth/password", { headers, body: { currentPassword: PASSWORD, newPassword: "frank's own password" } });
      expect(change.status).toBe(200);
      const next = await login(api.base, "frank", "frank's own password");
      expect((await api.request("GET", "/api/v1/users", { headers: { cookie: next.cookie } })).status).toBe(200);
    });
  });

  it("rate-limits login attempts", async () => {
    const limited = await createApiServer({ store: api.store, dags: api.registry, loginRateLimit: 3 });
    try {
      const address = await limited.listen({ port: 0, host: "127.0.0.1" });
      const attempt = (password: string) =>
        fetch(`${address}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "viewer", password }) });
      for (let i = 0; i < 3; i++) expect((await attempt(`guess ${i}`)).status).toBe(401);
      const blocked = await attempt(PASSWORD);
      expect(blocked.status).toBe(429);
      const body = (await blocked.json()) as { error: { code: string; message: string } };
      expect(body).toMatchObject({ error: { code: "rate_limited" } });
      expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
      // Other routes are not limited.
      expect((await fetch(`${address}/health`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("the audit log records trigger, cancel, clear, mark, pause and token creation with the actor", async () => {
    const asToken = "operator (token operator-token)";
    const triggered = await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: { region: "us" } } });
    const triggeredId = (triggered.body as RunJson).runId;
    await api.request("POST", `/api/v1/runs/${encodeURIComponent(triggeredId)}/cancel`, { as: "operator" });
    const failed = await finishedRun(api, "failed");
    await api.request("POST", `/api/v1/runs/${encodeURIComponent(failed.runId)}/clear`, { as: "operator", body: { onlyFailed: true } });
    const running = await runningRun(api);
    await api.request("POST", `/api/v1/runs/${encodeURIComponent(running.runId)}/tasks/extract/mark`, { as: "operator", body: { state: "success" } });
    const done = await finishedRun(api, "success");
    await api.request("POST", `/api/v1/runs/${encodeURIComponent(done.runId)}/tasks/publish/clear`, { as: "operator", body: {} });
    const session = await login(api.base, "operator");
    await api.request("PATCH", "/api/v1/dags/report", { body: { isPaused: true }, headers: { cookie: session.cookie, "x-csrf-token": session.csrf } });
    await api.request("PATCH", "/api/v1/dags/report", { as: "operator", body: { isPaused: false } });
    await api.request("POST", "/api/v1/tokens", { as: "admin", body: { username: "viewer", name: "dashboards" } });
    // Refused calls leave no entry.
    await api.request("PATCH", "/api/v1/dags/report", { as: "viewer", body: { isPaused: true } });

    const res = await api.request("GET", "/api/v1/audit?limit=1000", { as: "admin" });
    const entries = (res.body as { entries: { actor: string; action: string; target: string | null; at: string; details: Record<string, unknown> }[] }).entries;
    const find = (action: string, target?: string) => entries.find((e) => e.action === action && (target === undefined || e.target === target));
    expect(find("run.trigger", triggeredId)).toMatchObject({ actor: asToken, details: { dagId: "report", params: { region: "us" } } });
    expect(find("run.cancel", triggeredId)).toMatchObject({ actor: asToken });
    expect(find("run.clear", failed.runId)).toMatchObject({ actor: asToken, details: { onlyFailed: true } });
    expect(find("task.mark_success", `${running.runId}/extract`)).toMatchObject({ actor: asToken });
    expect(find("task.clear", `${done.runId}/publish`)).toMatchObject({ actor: asToken });
    expect(find("dag.pause", "report")).toMatchObject({ actor: "operator" });
    expect(find("dag.unpause", "report")).toMatchObject({ actor: asToken });
    expect(find("token.create", "viewer/dashboards")).toMatchObject({ actor: "admin (token admin-token)" });
    expect(find("auth.login", "operator")).toMatchObject({ actor: "operator" });
    expect(entries.filter((e) => e.action === "dag.pause" && e.actor.startsWith("viewer"))).toEqual([]);
    for (const e of entries) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    // The token value is never logged.
    expect(JSON.stringify(entries)).not.toMatch(/trb_/);
  });
});
