/**
 * Every endpoint through real HTTP, on both stores: what it returns on success, and the error it
 * gives for bad input (400 naming the field), no credentials (401), too small a role (403), an
 * unknown id (404) and a conflict with the current state (409).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORES } from "../../conformance/stores.js";
import { PASSWORD, startHarness, type ApiHarness } from "./api-harness.js";
import { expectError } from "./api-expect.js";
import { finishedRun, graphOf, runningRun, triggerRun, type RunJson } from "./api-states.js";

const UNKNOWN_RUN = "report__manual__1999-01-01T00:00:00.000Z__deadbeef";

describe.each(STORES)("API endpoints on $name", (factory) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startHarness(factory);
  });
  afterAll(async () => api?.close());

  describe("GET /health", () => {
    it("answers without credentials and names the store", async () => {
      expect(await api.request("GET", "/health")).toMatchObject({ status: 200, body: { status: "ok", store: factory.name } });
    });
  });

  describe("auth", () => {
    it("POST /auth/login: a session for the right password, 401 for a wrong one, 400 naming a missing field", async () => {
      const ok = await api.request("POST", "/api/v1/auth/login", { body: { username: "viewer", password: PASSWORD } });
      expect(ok).toMatchObject({ status: 200, body: { user: { username: "viewer", role: "viewer" } } });
      expect((ok.body as { csrfToken: string }).csrfToken.length).toBeGreaterThan(10);
      expect(ok.headers.get("set-cookie")).toMatch(/^tributary_session=/);
      expectError(await api.request("POST", "/api/v1/auth/login", { body: { username: "viewer", password: "wrong password" } }), 401);
      expectError(await api.request("POST", "/api/v1/auth/login", { body: { username: "nobody", password: PASSWORD } }), 401);
      expectError(await api.request("POST", "/api/v1/auth/login", { body: { username: "viewer" } }), 400, "password");
      expectError(await api.request("POST", "/api/v1/auth/login", { body: { username: "viewer", password: PASSWORD, extra: 1 } }), 400);
    });

    it("GET /auth/me: who is calling; 401 without credentials", async () => {
      expect(await api.request("GET", "/api/v1/auth/me", { as: "operator" })).toMatchObject({
        status: 200,
        body: { username: "operator", role: "operator", authenticatedWith: "token", csrfToken: null },
      });
      expectError(await api.request("GET", "/api/v1/auth/me"), 401);
      expectError(await api.request("GET", "/api/v1/auth/me", { headers: { authorization: "Bearer trb_not-a-real-token" } }), 401);
      expectError(await api.request("GET", "/api/v1/auth/me", { headers: { authorization: "Basic abc" } }), 401);
    });

    it("POST /auth/logout: 204 for a caller, 401 without credentials", async () => {
      expect((await api.request("POST", "/api/v1/auth/logout", { as: "viewer" })).status).toBe(204);
      expectError(await api.request("POST", "/api/v1/auth/logout"), 401);
      // A token is not a session: it still works afterwards.
      expect((await api.request("GET", "/api/v1/auth/me", { as: "viewer" })).status).toBe(200);
    });

    it("POST /auth/password: changes it; 400 naming a too short or missing field, 403 for a wrong current password", async () => {
      const created = await api.request("POST", "/api/v1/users", { as: "admin", body: { username: "pwuser", role: "viewer", password: PASSWORD } });
      expect(created.status).toBe(201);
      const token = await api.request("POST", "/api/v1/tokens", { as: "admin", body: { username: "pwuser", name: "pw" } });
      const auth = { authorization: `Bearer ${(token.body as { token: string }).token}` };
      const change = (body: unknown) => api.request("POST", "/api/v1/auth/password", { body, headers: auth });
      expectError(await change({ currentPassword: PASSWORD, newPassword: "short" }), 400, "newPassword");
      expectError(await change({ currentPassword: PASSWORD, newPassword: PASSWORD }), 400, "newPassword");
      expectError(await change({ newPassword: "a much longer password" }), 400, "currentPassword");
      expectError(await change({ currentPassword: "not my password", newPassword: "a much longer password" }), 403, "currentPassword");
      expectError(await api.request("POST", "/api/v1/auth/password", { body: { currentPassword: PASSWORD, newPassword: "a much longer password" } }), 401);
      expect(await change({ currentPassword: PASSWORD, newPassword: "a much longer password" })).toMatchObject({ status: 200, body: { username: "pwuser", csrfToken: null } });
      expect((await api.request("POST", "/api/v1/auth/login", { body: { username: "pwuser", password: "a much longer password" } })).status).toBe(200);
      expect((await api.request("POST", "/api/v1/auth/login", { body: { username: "pwuser", password: PASSWORD } })).status).toBe(401);
    });
  });

  describe("DAGs", () => {
    it("GET /dags: every DAG with recent runs; filters by tag, search and paused; 400 naming a bad filter", async () => {
      const all = await api.request("GET", "/api/v1/dags", { as: "viewer" });
      expect(all.status).toBe(200);
      const body = all.body as { dags: { dagId: string; recentRuns: unknown[]; nextRun: unknown }[]; importErrors: unknown[] };
      expect(body.dags.map((d) => d.dagId)).toEqual(["hourly_sync", "report"]);
      expect(body.importErrors).toEqual([]);
      expect(body.dags[1]?.nextRun).not.toBeNull();
      expect((await api.request("GET", "/api/v1/dags?tag=sync", { as: "viewer" })).body).toMatchObject({ dags: [{ dagId: "hourly_sync" }] });
      expect((await api.request("GET", "/api/v1/dags?search=regional", { as: "viewer" })).body).toMatchObject({ dags: [{ dagId: "report" }] });
      expect(((await api.request("GET", "/api/v1/dags?tag=nope", { as: "viewer" })).body as { dags: unknown[] }).dags).toEqual([]);
      expectError(await api.request("GET", "/api/v1/dags?paused=maybe", { as: "viewer" }), 400, "querystring.paused");
      expectError(await api.request("GET", "/api/v1/dags"), 401);
    });

    it("GET /dags/:dagId: structure and params schema; 404 for an unknown DAG", async () => {
      const res = await api.request("GET", "/api/v1/dags/report", { as: "viewer" });
      expect(res).toMatchObject({ status: 200, body: { dagId: "report", loaded: true, tags: ["finance", "daily"] } });
      const body = res.body as { tasks: { id: string }[]; params: { properties: Record<string, unknown> } };
      expect(body.tasks.map((t) => t.id).sort()).toEqual(["echo_note", "extract", "publish"]);
      expect(Object.keys(body.params.properties).sort()).toEqual(["limit", "note", "region"]);
      expectError(await api.request("GET", "/api/v1/dags/no_such_dag", { as: "viewer" }), 404);
      expectError(await api.request("GET", "/api/v1/dags/report"), 401);
    });

    it("GET /dags/:dagId/source: the DAG file's text; 404 for an unknown DAG", async () => {
      const res = await api.request("GET", "/api/v1/dags/report/source", { as: "viewer" });
      expect(res.status).toBe(200);
      expect((res.body as { source: string }).source).toContain(`dag(\n  "report"`);
      expectError(await api.request("GET", "/api/v1/dags/no_such_dag/source", { as: "viewer" }), 404);
      expectError(await api.request("GET", "/api/v1/dags/report/source"), 401);
    });

    it("PATCH /dags/:dagId: pauses and unpauses for an operator; 400, 401, 403, 404", async () => {
      expect(await api.request("PATCH", "/api/v1/dags/hourly_sync", { as: "operator", body: { isPaused: true } })).toMatchObject({
        status: 200,
        body: { dagId: "hourly_sync", isPaused: true },
      });
      expect((await api.store.getDag("hourly_sync"))?.isPaused).toBe(true);
      expect((await api.request("GET", "/api/v1/dags?paused=true", { as: "viewer" })).body).toMatchObject({ dags: [{ dagId: "hourly_sync" }] });
      expect(await api.request("PATCH", "/api/v1/dags/hourly_sync", { as: "operator", body: { isPaused: false } })).toMatchObject({ status: 200, body: { isPaused: false } });
      expectError(await api.request("PATCH", "/api/v1/dags/hourly_sync", { as: "operator", body: { isPaused: "yes" } }), 400, "isPaused");
      expectError(await api.request("PATCH", "/api/v1/dags/hourly_sync", { as: "operator", body: {} }), 400, "isPaused");
      expectError(await api.request("PATCH", "/api/v1/dags/hourly_sync", { as: "viewer", body: { isPaused: true } }), 403);
      expectError(await api.request("PATCH", "/api/v1/dags/hourly_sync", { body: { isPaused: true } }), 401);
      expectError(await api.request("PATCH", "/api/v1/dags/no_such_dag", { as: "operator", body: { isPaused: true } }), 404);
      expect((await api.store.getDag("hourly_sync"))?.isPaused).toBe(false);
    });

    it("GET /import-errors: none for the fixture folder", async () => {
      expect(await api.request("GET", "/api/v1/import-errors", { as: "viewer" })).toMatchObject({ status: 200, body: { importErrors: [] } });
      expectError(await api.request("GET", "/api/v1/import-errors"), 401);
    });
  });

  describe("runs", () => {
    let failed: RunJson;
    let succeeded: RunJson;
    let running: RunJson;
    beforeAll(async () => {
      failed = await finishedRun(api, "failed");
      succeeded = await finishedRun(api, "success");
      running = await runningRun(api);
    });

    it("POST /dags/:dagId/runs: triggers with params; 400, 401, 403, 404, 422", async () => {
      const res = await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: { region: "us", limit: 3 }, logicalDate: "2019-05-01" } });
      expect(res).toMatchObject({ status: 201, body: { dagId: "report", runType: "manual", state: "queued", params: { region: "us", limit: 3, note: "none" } } });
      expect((await api.store.getRun((res.body as RunJson).runId))?.state).toBe("queued");
      // An empty body triggers with the defaults.
      expect((await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: {} })).status).toBe(201);
      expectError(await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: 5 } }), 400, "params");
      expectError(await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: {}, logicalDate: 20190501 } }), 400, "logicalDate");
      expectError(await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: {}, logicalDate: "the day after" } }), 400);
      expectError(await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: {}, colour: "red" } }), 400);
      expectError(await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: { limit: 0 } } }), 422);
      expectError(await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: { region: "mars" } } }), 422);
      expectError(await api.request("POST", "/api/v1/dags/no_such_dag/runs", { as: "operator", body: { params: {} } }), 404);
      expectError(await api.request("POST", "/api/v1/dags/report/runs", { as: "viewer", body: { params: {} } }), 403);
      expectError(await api.request("POST", "/api/v1/dags/report/runs", { body: { params: {} } }), 401);
    });

    it("GET /runs: filters by state, run type, DAG and dates, with paging; 400 naming a bad filter", async () => {
      const list = async (query: string) => {
        const res = await api.request("GET", `/api/v1/runs${query}`, { as: "viewer" });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body as { runs: RunJson[]; total: number; limit: number; offset: number };
      };
      const all = await list("");
      expect(all.total).toBeGreaterThanOrEqual(3);
      expect(all.runs.map((r) => r.runId)).toEqual(expect.arrayContaining([failed.runId, succeeded.runId, running.runId]));
      expect((await list("?state=failed")).runs.every((r) => r.state === "failed")).toBe(true);
      expect((await list("?state=failed")).runs.map((r) => r.runId)).toContain(failed.runId);
      const finished = await list("?state=failed,success");
      expect(finished.runs.map((r) => r.runId)).toEqual(expect.arrayContaining([failed.runId, succeeded.runId]));
      expect(finished.runs.map((r) => r.runId)).not.toContain(running.runId);
      expect((await list("?runType=scheduled")).total).toBe(0);
      expect((await list("?runType=manual&dagId=report")).total).toBe(all.total);
      expect((await list("?dagId=hourly_sync")).total).toBe(0);
      const page = await list("?limit=1&offset=1");
      expect(page).toMatchObject({ limit: 1, offset: 1, total: all.total });
      expect(page.runs).toHaveLength(1);
      expect(page.runs[0]?.runId).toBe(all.runs[1]?.runId);
      // Runs are triggered on logical dates from 2020 on: none before, all after.
      expect((await list("?to=2000-01-01")).total).toBe(0);
      expect((await list("?from=2000-01-01")).total).toBe(all.total);
      expect((await list("?from=2099-01-01T00:00:00Z")).total).toBe(0);

      expectError(await api.request("GET", "/api/v1/runs?state=bogus", { as: "viewer" }), 400, "querystring.state.0");
      expectError(await api.request("GET", "/api/v1/runs?runType=manual,cron", { as: "viewer" }), 400, "querystring.runType.1");
      expectError(await api.request("GET", "/api/v1/runs?limit=0", { as: "viewer" }), 400, "querystring.limit");
      expectError(await api.request("GET", "/api/v1/runs?offset=-1", { as: "viewer" }), 400, "querystring.offset");
      expectError(await api.request("GET", "/api/v1/runs?from=yesterday", { as: "viewer" }), 400, "from");
      expectError(await api.request("GET", "/api/v1/runs"), 401);
    });

    it("GET /runs/:runId and /history: the run and its state changes; 404 for an unknown run", async () => {
      expect(await api.request("GET", `/api/v1/runs/${encodeURIComponent(failed.runId)}`, { as: "viewer" })).toMatchObject({
        status: 200,
        body: { runId: failed.runId, dagId: "report", state: "failed" },
      });
      const history = await api.request("GET", `/api/v1/runs/${encodeURIComponent(succeeded.runId)}/history`, { as: "viewer" });
      expect(history.status).toBe(200);
      const changes = (history.body as { changes: { taskId: string | null; toState: string }[] }).changes;
      expect(changes.length).toBeGreaterThan(3);
      expectError(await api.request("GET", `/api/v1/runs/${UNKNOWN_RUN}`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `/api/v1/runs/${UNKNOWN_RUN}/history`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `/api/v1/runs/${encodeURIComponent(failed.runId)}`), 401);
    });

    it("POST /runs/:runId/cancel: cancels a running run; 409 for a finished one; 401, 403, 404", async () => {
      const victim = await runningRun(api);
      const path = `/api/v1/runs/${encodeURIComponent(victim.runId)}/cancel`;
      expectError(await api.request("POST", path, { as: "viewer" }), 403);
      expectError(await api.request("POST", path), 401);
      expect(await api.request("POST", path, { as: "operator" })).toMatchObject({ status: 200, body: { runId: victim.runId, state: "failed" } });
      expectError(await api.request("POST", path, { as: "operator" }), 409);
      expectError(await api.request("POST", `/api/v1/runs/${encodeURIComponent(succeeded.runId)}/cancel`, { as: "operator" }), 409);
      expectError(await api.request("POST", `/api/v1/runs/${UNKNOWN_RUN}/cancel`, { as: "operator" }), 404);
      const queued = await triggerRun(api);
      expect(await api.request("POST", `/api/v1/runs/${encodeURIComponent(queued.runId)}/cancel`, { as: "operator" })).toMatchObject({ status: 200, body: { state: "failed" } });
    });

    it("POST /runs/:runId/clear: runs a finished run again; 409 for a running one; 400, 401, 403, 404", async () => {
      const again = await finishedRun(api, "failed");
      const path = `/api/v1/runs/${encodeURIComponent(again.runId)}/clear`;
      expectError(await api.request("POST", path, { as: "operator", body: { onlyFailed: "yes" } }), 400, "onlyFailed");
      expectError(await api.request("POST", path, { as: "operator", body: { everything: true } }), 400);
      expectError(await api.request("POST", path, { as: "viewer", body: {} }), 403);
      expectError(await api.request("POST", path, { body: {} }), 401);
      expect(await api.request("POST", path, { as: "operator", body: { onlyFailed: true } })).toMatchObject({ status: 200, body: { runId: again.runId, state: "queued" } });
      expect((await api.store.listTaskInstances(again.runId)).every((ti) => ti.state === "queued" || ti.state === "scheduled")).toBe(true);
      // Now queued, it is not finished: clearing again is a conflict, as is clearing a running run.
      expectError(await api.request("POST", path, { as: "operator", body: {} }), 409);
      expectError(await api.request("POST", `/api/v1/runs/${encodeURIComponent(running.runId)}/clear`, { as: "operator", body: {} }), 409);
      expectError(await api.request("POST", `/api/v1/runs/${UNKNOWN_RUN}/clear`, { as: "operator", body: {} }), 404);
      // No body at all means "clear everything".
      const whole = await finishedRun(api, "success");
      expect(await api.request("POST", `/api/v1/runs/${encodeURIComponent(whole.runId)}/clear`, { as: "operator" })).toMatchObject({ status: 200, body: { state: "queued" } });
    });
  });

  describe("task instances", () => {
    let done: RunJson;
    let running: RunJson;
    let enc: (run: RunJson) => string;
    beforeAll(async () => {
      done = await finishedRun(api, "success");
      running = await runningRun(api);
      enc = (run) => `/api/v1/runs/${encodeURIComponent(run.runId)}`;
    });

    it("GET /runs/:runId/tasks: every instance of the run; 404 for an unknown run", async () => {
      const res = await api.request("GET", `${enc(done)}/tasks`, { as: "viewer" });
      expect(res.status).toBe(200);
      const instances = (res.body as { taskInstances: { taskId: string; state: string }[] }).taskInstances;
      expect(instances.map((ti) => [ti.taskId, ti.state]).sort()).toEqual([
        ["echo_note", "success"],
        ["extract", "success"],
        ["publish", "success"],
      ]);
      expectError(await api.request("GET", `/api/v1/runs/${UNKNOWN_RUN}/tasks`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `${enc(done)}/tasks`), 401);
    });

    it("GET /runs/:runId/tasks/:taskId: the instance with tries and history; 400, 404", async () => {
      const res = await api.request("GET", `${enc(done)}/tasks/extract`, { as: "viewer" });
      expect(res).toMatchObject({ status: 200, body: { taskId: "extract", state: "success", tryNumber: 1, result: { task: "extract" } } });
      const body = res.body as { tries: unknown[]; history: unknown[] };
      expect(body.tries).toHaveLength(1);
      expect(body.tries[0]).toMatchObject({ cached: false, cacheKey: null });
      expect(body.history.length).toBeGreaterThan(0);
      expectError(await api.request("GET", `${enc(done)}/tasks/extract?mapIndex=-1`, { as: "viewer" }), 400, "querystring.mapIndex");
      expectError(await api.request("GET", `${enc(done)}/tasks/extract?mapIndex=3`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `${enc(done)}/tasks/no_such_task`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `/api/v1/runs/${UNKNOWN_RUN}/tasks/extract`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `${enc(done)}/tasks/extract`), 401);
    });

    it("GET /runs/:runId/tasks/:taskId: a try whose result came from the cache says so, with its key", async () => {
      const run = await triggerRun(api);
      const graph = graphOf(api);
      await api.store.startRun(run.runId, graph, new Date());
      const claims = await api.store.claimNextTasks({ workerId: "api-test", limit: 100, dagIds: ["report"], now: new Date() });
      const extract = claims.find((c) => c.run.runId === run.runId && c.instance.taskId === "extract");
      if (!extract) throw new Error("extract was not claimed");
      await api.store.completeTry({
        taskInstanceId: extract.instance.id,
        tryNumber: extract.tryNumber,
        outcome: "success",
        result: { task: "extract" },
        graph,
        now: new Date(),
        cache: { key: "0f".repeat(32), label: "extract:2024-03-01", hit: true },
      });
      const res = await api.request("GET", `${enc(run)}/tasks/extract`, { as: "viewer" });
      expect(res).toMatchObject({ status: 200, body: { state: "success", result: { task: "extract" }, tries: [{ outcome: "success", cached: true, cacheKey: "extract:2024-03-01" }] } });
    });

    it("GET .../logs: the lines of a try, paged with `after`; 400, 404", async () => {
      const res = await api.request("GET", `${enc(done)}/tasks/extract/logs`, { as: "viewer" });
      expect(res).toMatchObject({ status: 200, body: { tryNumber: 1, running: false, lines: [{ message: "extract try 1 says hello" }] } });
      const { nextAfter } = res.body as { nextAfter: number };
      expect(await api.request("GET", `${enc(done)}/tasks/extract/logs?after=${nextAfter}`, { as: "viewer" })).toMatchObject({ status: 200, body: { lines: [] } });
      expect(await api.request("GET", `${enc(running)}/tasks/extract/logs`, { as: "viewer" })).toMatchObject({
        status: 200,
        body: { running: true, lines: [{ message: "extract is working" }] },
      });
      // Not started yet: no try, no lines.
      expect(await api.request("GET", `${enc(running)}/tasks/publish/logs`, { as: "viewer" })).toMatchObject({ status: 200, body: { tryNumber: 0, lines: [] } });
      expectError(await api.request("GET", `${enc(done)}/tasks/extract/logs?try=0`, { as: "viewer" }), 400, "querystring.try");
      expectError(await api.request("GET", `${enc(done)}/tasks/extract/logs?limit=abc`, { as: "viewer" }), 400, "querystring.limit");
      expectError(await api.request("GET", `${enc(done)}/tasks/extract/logs?try=7`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `${enc(done)}/tasks/no_such_task/logs`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `${enc(done)}/tasks/extract/logs`), 401);
    });

    it("GET .../logs/download: the whole log of a try as a text attachment; 400, 401, 404", async () => {
      const res = await api.request("GET", `${enc(done)}/tasks/extract/logs/download?try=1`, { as: "viewer" });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="[A-Za-z0-9._-]+__extract__try-1\.log"$/);
      expect(res.body).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z INFO {3}extract try 1 says hello\n$/);
      // The latest try by default; a try that is running has the lines written so far.
      expect((await api.request("GET", `${enc(done)}/tasks/extract/logs/download`, { as: "viewer" })).body).toBe(res.body);
      expect((await api.request("GET", `${enc(running)}/tasks/extract/logs/download`, { as: "viewer" })).body).toContain("extract is working\n");
      expectError(await api.request("GET", `${enc(running)}/tasks/publish/logs/download`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `${enc(done)}/tasks/extract/logs/download?try=7`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `${enc(done)}/tasks/extract/logs/download?try=0`, { as: "viewer" }), 400, "querystring.try");
      expectError(await api.request("GET", `${enc(done)}/tasks/no_such_task/logs/download`, { as: "viewer" }), 404);
      expectError(await api.request("GET", `${enc(done)}/tasks/extract/logs/download`), 401);
    });

    it("POST .../mark: marks success or failed; 409 when already so; 400, 401, 403, 404", async () => {
      const path = `${enc(running)}/tasks/extract/mark`;
      expectError(await api.request("POST", path, { as: "operator", body: { state: "skipped" } }), 400, "state");
      expectError(await api.request("POST", path, { as: "operator", body: {} }), 400, "state");
      expectError(await api.request("POST", path, { as: "operator", body: { state: "success", mapIndex: "0" } }), 400, "mapIndex");
      expectError(await api.request("POST", path, { as: "viewer", body: { state: "success" } }), 403);
      expectError(await api.request("POST", path, { body: { state: "success" } }), 401);
      expect(await api.request("POST", path, { as: "operator", body: { state: "success" } })).toMatchObject({ status: 200, body: { taskId: "extract", state: "success" } });
      expectError(await api.request("POST", path, { as: "operator", body: { state: "success" } }), 409);
      expectError(await api.request("POST", `${enc(running)}/tasks/no_such_task/mark`, { as: "operator", body: { state: "failed" } }), 404);
      expectError(await api.request("POST", `/api/v1/runs/${UNKNOWN_RUN}/tasks/extract/mark`, { as: "operator", body: { state: "failed" } }), 404);
    });

    it("POST .../clear: runs a task (and downstream) again; 409 for a running one; 400, 401, 403, 404", async () => {
      const active = await runningRun(api);
      expectError(await api.request("POST", `${enc(active)}/tasks/extract/clear`, { as: "operator", body: {} }), 409);
      const path = `${enc(done)}/tasks/echo_note/clear`;
      expectError(await api.request("POST", path, { as: "operator", body: { downstream: 1 } }), 400, "downstream");
      expectError(await api.request("POST", path, { as: "operator", body: { mapIndex: -2 } }), 400, "mapIndex");
      expectError(await api.request("POST", path, { as: "viewer", body: {} }), 403);
      expectError(await api.request("POST", path, { body: {} }), 401);
      expectError(await api.request("POST", `${enc(done)}/tasks/no_such_task/clear`, { as: "operator", body: {} }), 404);
      expectError(await api.request("POST", `/api/v1/runs/${UNKNOWN_RUN}/tasks/extract/clear`, { as: "operator", body: {} }), 404);
      expect(await api.request("POST", path, { as: "operator", body: { downstream: true } })).toMatchObject({ status: 200, body: { cleared: 2 } });
      const states = Object.fromEntries((await api.store.listTaskInstances(done.runId)).map((ti) => [ti.taskId, ti.state]));
      expect(states["extract"]).toBe("success");
      expect(states["echo_note"]).not.toBe("success");
      expect(states["publish"]).not.toBe("success");
    });

    it("GET /dead-letters: failed instances with no tries left; 400 naming a bad filter", async () => {
      const failed = await finishedRun(api, "failed");
      const res = await api.request("GET", "/api/v1/dead-letters?open=true", { as: "viewer" });
      expect(res.status).toBe(200);
      expect((res.body as { deadLetters: { runId: string; taskId: string }[] }).deadLetters).toEqual(
        expect.arrayContaining([expect.objectContaining({ runId: failed.runId, taskId: "extract" })]),
      );
      expect((await api.request("GET", "/api/v1/dead-letters", { as: "viewer" })).status).toBe(200);
      expectError(await api.request("GET", "/api/v1/dead-letters?open=maybe", { as: "viewer" }), 400, "querystring.open");
      expectError(await api.request("GET", "/api/v1/dead-letters"), 401);
    });
  });

  describe("admin", () => {
    it("/users: list, create, change, delete; 409 for an existing name; 400, 401, 403, 404", async () => {
      const list = await api.request("GET", "/api/v1/users", { as: "admin" });
      expect(list.status).toBe(200);
      expect((list.body as { users: { username: string }[] }).users.map((u) => u.username)).toEqual(expect.arrayContaining(["admin", "operator", "viewer"]));
      expect(JSON.stringify(list.body)).not.toMatch(/scrypt|passwordHash/);
      expectError(await api.request("GET", "/api/v1/users", { as: "operator" }), 403);
      expectError(await api.request("GET", "/api/v1/users"), 401);

      const create = (body: unknown, as: "admin" | "operator" = "admin") => api.request("POST", "/api/v1/users", { as, body });
      expect(await create({ username: "carol", role: "operator", password: PASSWORD })).toMatchObject({ status: 201, body: { username: "carol", role: "operator" } });
      expectError(await create({ username: "carol", role: "viewer", password: PASSWORD }), 409);
      expectError(await create({ username: "dave", role: "king", password: PASSWORD }), 400, "role");
      expectError(await create({ username: "dave", role: "viewer", password: "short" }), 400, "password");
      expectError(await create({ username: "da ve", role: "viewer", password: PASSWORD }), 400, "username");
      expectError(await create({ username: "dave", role: "viewer", password: PASSWORD }, "operator"), 403);
      expect(await api.store.access.getUserByName("dave")).toBeUndefined();

      expect(await api.request("PATCH", "/api/v1/users/carol", { as: "admin", body: { role: "viewer" } })).toMatchObject({ status: 200, body: { role: "viewer" } });
      expectError(await api.request("PATCH", "/api/v1/users/carol", { as: "admin", body: { role: "root" } }), 400, "role");
      expectError(await api.request("PATCH", "/api/v1/users/nobody", { as: "admin", body: { role: "viewer" } }), 404);
      expectError(await api.request("PATCH", "/api/v1/users/carol", { as: "operator", body: { role: "admin" } }), 403);
      expect((await api.request("DELETE", "/api/v1/users/carol", { as: "admin" })).status).toBe(204);
      expectError(await api.request("DELETE", "/api/v1/users/carol", { as: "admin" }), 404);
      expectError(await api.request("DELETE", "/api/v1/users/viewer", { as: "operator" }), 403);
    });

    it("/tokens: list without values, create (shown once, works at once), revoke; 400, 401, 403, 404", async () => {
      const created = await api.request("POST", "/api/v1/tokens", { as: "admin", body: { username: "operator", name: "ci" } });
      expect(created).toMatchObject({ status: 201, body: { username: "operator", role: "operator", name: "ci" } });
      const { token, id } = created.body as { token: string; id: number };
      expect(token).toMatch(/^trb_/);
      expect(await api.request("GET", "/api/v1/auth/me", { headers: { authorization: `Bearer ${token}` } })).toMatchObject({ status: 200, body: { username: "operator" } });
      const list = await api.request("GET", "/api/v1/tokens", { as: "admin" });
      expect(list.status).toBe(200);
      expect((list.body as { tokens: { name: string }[] }).tokens.map((t) => t.name)).toEqual(expect.arrayContaining(["ci", "viewer-token"]));
      expect(JSON.stringify(list.body)).not.toContain(token);
      expect(JSON.stringify(list.body)).not.toMatch(/trb_|tokenHash/);

      expectError(await api.request("POST", "/api/v1/tokens", { as: "admin", body: { username: "nobody", name: "x" } }), 404);
      expectError(await api.request("POST", "/api/v1/tokens", { as: "admin", body: { username: "operator", name: "" } }), 400, "name");
      expectError(await api.request("POST", "/api/v1/tokens", { as: "admin", body: { username: "operator" } }), 400, "name");
      expectError(await api.request("POST", "/api/v1/tokens", { as: "operator", body: { username: "operator", name: "mine" } }), 403);
      expectError(await api.request("POST", "/api/v1/tokens", { body: { username: "operator", name: "mine" } }), 401);
      expectError(await api.request("GET", "/api/v1/tokens", { as: "operator" }), 403);

      expectError(await api.request("DELETE", `/api/v1/tokens/${id}`, { as: "operator" }), 403);
      expect((await api.request("DELETE", `/api/v1/tokens/${id}`, { as: "admin" })).status).toBe(204);
      expectError(await api.request("GET", "/api/v1/auth/me", { headers: { authorization: `Bearer ${token}` } }), 401);
      expectError(await api.request("DELETE", `/api/v1/tokens/${id}`, { as: "admin" }), 404);
      expectError(await api.request("DELETE", "/api/v1/tokens/999999", { as: "admin" }), 404);
      expectError(await api.request("DELETE", "/api/v1/tokens/abc", { as: "admin" }), 400, "params.id");
    });

    it("/audit: latest first, filtered by action, paged with `before`; 400, 401, 403", async () => {
      await api.request("PATCH", "/api/v1/dags/report", { as: "operator", body: { isPaused: true } });
      await api.request("PATCH", "/api/v1/dags/report", { as: "operator", body: { isPaused: false } });
      const res = await api.request("GET", "/api/v1/audit?limit=5", { as: "admin" });
      expect(res.status).toBe(200);
      const entries = (res.body as { entries: { id: number; action: string; actor: string; target: string }[] }).entries;
      expect(entries.length).toBe(5);
      expect(entries[0]).toMatchObject({ action: "dag.unpause", actor: "operator (token operator-token)", target: "report" });
      expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a));
      const paused = await api.request("GET", "/api/v1/audit?action=dag.pause", { as: "admin" });
      expect((paused.body as { entries: { action: string }[] }).entries.every((e) => e.action === "dag.pause")).toBe(true);
      const older = await api.request("GET", `/api/v1/audit?before=${entries[0]?.id ?? 0}&limit=1`, { as: "admin" });
      expect((older.body as { entries: { id: number }[] }).entries[0]?.id).toBe(entries[1]?.id);
      expectError(await api.request("GET", "/api/v1/audit?limit=0", { as: "admin" }), 400, "querystring.limit");
      expectError(await api.request("GET", "/api/v1/audit?before=x", { as: "admin" }), 400, "querystring.before");
      expectError(await api.request("GET", "/api/v1/audit", { as: "operator" }), 403);
      expectError(await api.request("GET", "/api/v1/audit"), 401);
    });
  });

  describe("GET /stream (server-sent events)", () => {
    it("sends state changes as they happen, filtered by run; 401 without credentials, 400 for a bad filter", async () => {
      expectError(await api.request("GET", "/api/v1/stream"), 401);
      expectError(await api.request("GET", `/api/v1/stream?runId=${"x".repeat(600)}`, { as: "viewer" }), 400, "querystring.runId");
      const run = await triggerRun(api);
      const abort = new AbortController();
      const response = await fetch(`${api.base}/api/v1/stream?runId=${encodeURIComponent(run.runId)}`, {
        headers: { authorization: `Bearer ${api.tokens.viewer}` },
        signal: abort.signal,
      });
      try {
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
        const reader = response.body?.getReader();
        if (!reader) throw new Error("no body");
        const decoder = new TextDecoder();
        let text = "";
        const first = await reader.read();
        text += decoder.decode(first.value);
        expect(text).toContain(": connected");
        // A change after connecting: starting the run.
        await runningRun(api);
        await api.store.startRun(run.runId, graphOf(api), new Date());
        const deadline = Date.now() + 10_000;
        while (!/event: state\ndata: .*"toState":"running"/.test(text) && Date.now() < deadline) {
          const chunk = await reader.read();
          if (chunk.done) break;
          text += decoder.decode(chunk.value);
        }
        const events = [...text.matchAll(/event: state\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1] ?? "{}") as { runId: string; toState: string });
        expect(events.length).toBeGreaterThan(0);
        // Only this run's changes, though another run started meanwhile.
        expect(events.every((e) => e.runId === run.runId)).toBe(true);
        expect(events.map((e) => e.toState)).toContain("running");
      } finally {
        abort.abort();
      }
    });
  });

  describe("GET /openapi.json", () => {
    it("documents every route of the route table; 401 without credentials", async () => {
      const res = await api.request("GET", "/api/v1/openapi.json", { as: "viewer" });
      expect(res).toMatchObject({ status: 200, body: { openapi: "3.1.0" } });
      const paths = (res.body as { paths: Record<string, Record<string, unknown>> }).paths;
      for (const route of api.routeTable) {
        if (route.url === "/api/v1/openapi.json") continue;
        const path = route.url.replace(/:(\w+)/g, "{$1}");
        expect(paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.url} is not in the OpenAPI document`).toBeDefined();
      }
      expectError(await api.request("GET", "/api/v1/openapi.json"), 401);
    });
  });

  it("an unknown route is a JSON 404", async () => {
    expectError(await api.request("GET", "/api/v1/nothing-here", { as: "viewer" }), 404);
    expectError(await api.request("GET", "/api/v1/nothing-here"), 404);
  });
});
