/**
 * Hostile input: ids that look like paths never reach the file system; params full of shell
 * syntax reach a shell task only as quoted data (real worker, real shell); a secret never leaves
 * the API unmasked; no error body carries a stack trace.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../../../src/api/server.js";
import { DagRegistry } from "../../../src/scheduler/dag-registry.js";
import { createSecretResolver } from "../../../src/secrets/secret-config.js";
import { TaskProcessPool } from "../../../src/worker/process-pool.js";
import { Worker, type RunnableDag } from "../../../src/worker/worker.js";
import { STORES } from "../../conformance/stores.js";
import { expectError, isErrorBody } from "./api-expect.js";
import { startHarness, type ApiHarness } from "./api-harness.js";
import { finishedRun, graphOf, nextLogicalDate, type RunJson } from "./api-states.js";
import { waitForValue } from "../../support/wait-for.js";

const SECRET_DAGS = fileURLToPath(new URL("../../fixtures/api-secret-dags", import.meta.url));
const SECRET = "hunter2-Zq8vX1-do-not-print";
const PASSWD = /root:.*:0:0:/;
/** What a stack trace or an internal detail looks like in a body. */
const LEAKY = /\n\s+at |node_modules|\/src\/|\.ts:\d+|\.js:\d+|SQLITE_|syntax error at/;

/** A GET with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(base: string, path: string, token: string): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: "GET", headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end();
  });
}

const TRAVERSALS = [
  "../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "%252e%252e%252fetc%252fpasswd",
  "..%5C..%5Cetc%5Cpasswd",
  "%2Fetc%2Fpasswd",
  "....%2F%2F....%2F%2Fetc%2Fpasswd",
  "..%2F..%2Fetc%2Fpasswd%00.log",
  "%c0%ae%c0%ae%2fetc%2fpasswd",
];

describe.each(STORES)("API security on $name", (factory) => {
  let api: ApiHarness;
  let done: RunJson;
  beforeAll(async () => {
    api = await startHarness(factory);
    done = await finishedRun(api, "success");
  });
  afterAll(async () => api?.close());

  it("a run, task or DAG id shaped like a path is a JSON 404 (or 400), never file content", async () => {
    const run = encodeURIComponent(done.runId);
    for (const evil of TRAVERSALS) {
      const paths = [
        `/api/v1/runs/${evil}`,
        `/api/v1/runs/${evil}/history`,
        `/api/v1/runs/${evil}/tasks`,
        `/api/v1/runs/${evil}/tasks/extract`,
        `/api/v1/runs/${evil}/tasks/extract/logs`,
        `/api/v1/runs/${run}/tasks/${evil}`,
        `/api/v1/runs/${run}/tasks/${evil}/logs`,
        `/api/v1/runs/${run}/tasks/extract/logs?try=1&search=${evil}`,
        `/api/v1/dags/${evil}`,
        `/api/v1/dags/${evil}/source`,
        `/api/v1/dags/..%2Fapi-dags%2Freport/source`,
        `/api/v1/dags/report%2F..%2F..%2F..%2Fpackage.json/source`,
      ];
      for (const path of paths) {
        const { status, text } = await rawGet(api.base, path, api.tokens.admin);
        expect(PASSWD.test(text), `${path} returned file content`).toBe(false);
        if (path.includes("search=")) {
          // A search text is only a search text (PostgreSQL refuses one holding NUL: 400).
          expect([200, 400], path).toContain(status);
          continue;
        }
        expect([400, 404], `${path}: ${status} ${text}`).toContain(status);
        expect(isErrorBody(JSON.parse(text)), `${path}: ${text}`).toBe(true);
        expect(text).not.toMatch(LEAKY);
      }
      for (const path of [`/api/v1/runs/${evil}/cancel`, `/api/v1/runs/${evil}/clear`, `/api/v1/runs/${run}/tasks/${evil}/clear`, `/api/v1/runs/${run}/tasks/${evil}/mark`]) {
        const res = await api.request("POST", path, { as: "operator", body: path.endsWith("mark") ? { state: "failed" } : {} });
        expect([400, 404], `${path}: ${JSON.stringify(res.body)}`).toContain(res.status);
      }
    }
    // Unencoded dot segments are resolved by no one: they match no route.
    for (const path of ["/api/v1/runs/../../../../etc/passwd", "/api/v1/dags/../../../../etc/passwd", "/api/v1/../../../etc/passwd", "/../../etc/passwd"]) {
      const { status, text } = await rawGet(api.base, path, api.tokens.admin);
      expect(status, path).toBe(404);
      expect(PASSWD.test(text)).toBe(false);
      expect(isErrorBody(JSON.parse(text))).toBe(true);
    }
    // The real source is still served: the 404s above are not a broken route.
    expect(((await api.request("GET", "/api/v1/dags/report/source", { as: "viewer" })).body as { source: string }).source).toContain("echo_note");
    // And nothing was changed by the POSTs.
    expect((await api.store.getRun(done.runId))?.state).toBe("success");
  });

  describe("with a real worker", () => {
    let scratch: string;
    let secretApi: { base: string; close: () => Promise<void> };
    const hostile: Record<string, (dir: string) => string> = {
      dollar: (dir) => `$(touch ${dir}/dollar)`,
      backticks: (dir) => `\`touch ${dir}/backticks\``,
      semicolon: (dir) => `x; touch ${dir}/semicolon; rm -rf ${dir}/keep`,
      quotes: (dir) => `' ; touch ${dir}/single ; echo '" && touch ${dir}/double && echo "`,
      pipes: (dir) => `a | touch ${dir}/pipe & touch ${dir}/amp > ${dir}/redirect`,
      newline: (dir) => `first\ntouch ${dir}/newline`,
      braces: (dir) => `\${IFS}$(touch\${IFS}${dir}/ifs) {{ params.region }} %s \\$HOME`,
    };
    const runs = new Map<string, string>();
    let vaultRunId = "";

    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), "tributary-api-shell-"));
      writeFileSync(join(scratch, "keep"), "still here");
      // A second server on the same store serving the secret-leaking DAG.
      const vaultDags = new DagRegistry(SECRET_DAGS);
      await vaultDags.refresh();
      expect(vaultDags.importErrors()).toEqual([]);
      const server = await createApiServer({ store: api.store, dags: vaultDags });
      secretApi = { base: await server.listen({ port: 0, host: "127.0.0.1" }), close: () => server.close() };

      for (const [name, make] of Object.entries(hostile)) {
        const res = await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: { note: make(scratch) }, logicalDate: nextLogicalDate() } });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        runs.set(name, (res.body as RunJson).runId);
      }
      const vault = await fetch(`${secretApi.base}/api/v1/dags/vault/runs`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${api.tokens.operator}` },
        body: JSON.stringify({ params: {} }),
      });
      expect(vault.status).toBe(201);
      vaultRunId = ((await vault.json()) as RunJson).runId;

      // Start the runs the way the scheduler would, and let a real worker run every task.
      for (const runId of runs.values()) await api.store.startRun(runId, graphOf(api), new Date());
      const vaultEntry = vaultDags.get("vault");
      if (!vaultEntry) throw new Error("vault DAG not loaded");
      await api.store.startRun(vaultRunId, vaultEntry.dag.graph, new Date());
      const dags = new Map<string, RunnableDag>();
      for (const registry of [api.registry, vaultDags]) for (const [id, entry] of registry.all()) dags.set(id, { dag: entry.dag, file: entry.file });
      const pool = new TaskProcessPool({ size: 2 });
      const errors: unknown[] = [];
      const worker = new Worker({
        store: api.store,
        pool,
        dags: () => dags,
        concurrency: 2,
        pollIntervalMs: 100,
        secrets: createSecretResolver({ store: api.store, env: { TRIBUTARY_SECRET_API_PASSWORD: SECRET } }),
        onError: (error) => errors.push(error),
      });
      worker.start();
      try {
        const all = [...runs.values(), vaultRunId];
        await waitForValue(
          () => Promise.all(all.map(async (id) => (await api.store.getRun(id))?.state)),
          (states) => states.every((s) => s === "success" || s === "failed"),
          { timeoutMs: 60_000, intervalMs: 100, what: "the runs to finish" },
        );
      } finally {
        await worker.stop();
        await pool.close();
      }
      expect(errors).toEqual([]);
    }, 90_000);

    afterAll(async () => {
      await secretApi?.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    it("params with $(...), backticks, ; rm -rf, quotes and newlines reach the shell task only as text", async () => {
      expect((await api.store.getRun(runs.get("dollar") ?? ""))?.state).toBe("success");
      for (const [name, make] of Object.entries(hostile)) {
        const runId = encodeURIComponent(runs.get(name) ?? "");
        const echo = await api.request("GET", `/api/v1/runs/${runId}/tasks/echo_note`, { as: "viewer" });
        expect(echo.body, name).toMatchObject({ state: "success" });
        const logs = await api.request("GET", `/api/v1/runs/${runId}/tasks/echo_note/logs`, { as: "viewer" });
        const text = (logs.body as { lines: { message: string }[] }).lines.map((l) => l.message).join("\n");
        // echo printed the value as given: not expanded, not split into commands.
        expect(text, name).toContain(`note=${make(scratch)}`);
      }
      // None of the commands inside the values ran.
      for (const file of ["dollar", "backticks", "semicolon", "single", "double", "pipe", "amp", "redirect", "newline", "ifs"]) {
        expect(existsSync(join(scratch, file)), `${file} was created: the shell ran a param`).toBe(false);
      }
      expect(existsSync(join(scratch, "keep")), "rm -rf in a param ran").toBe(true);
    });

    it("a secret a task logs, prints, returns or throws never appears in an API response", async () => {
      const run = encodeURIComponent(vaultRunId);
      const get = async (path: string) => {
        const res = await fetch(`${secretApi.base}${path}`, { headers: { authorization: `Bearer ${api.tokens.admin}` } });
        expect(res.status, path).toBe(200);
        return res.text();
      };
      const bodies = [
        await get(`/api/v1/runs/${run}`),
        await get(`/api/v1/runs/${run}/history`),
        await get(`/api/v1/runs/${run}/tasks`),
        await get("/api/v1/runs?limit=1000"),
        await get("/api/v1/dags"),
        await get("/api/v1/dags/vault"),
        await get("/api/v1/dags/vault/source"),
        await get("/api/v1/dead-letters"),
        await get("/api/v1/audit?limit=1000"),
      ];
      for (const task of ["leak", "shell_leak", "fail_leak"]) {
        bodies.push(await get(`/api/v1/runs/${run}/tasks/${task}`));
        bodies.push(await get(`/api/v1/runs/${run}/tasks/${task}/logs`));
      }
      for (const body of bodies) expect(body).not.toContain(SECRET);
      const all = bodies.join("\n");
      // The leaks are there, masked: the tasks did print, return and throw the value.
      expect(all).toContain("logging in with ***");
      expect(all).toContain("stdout has ***");
      expect(all).toContain("shell sees ***");
      expect(all).toContain("refused password ***");
      expect(all).toContain("https://robot:***@example.com");
      // Searching the logs for the value finds nothing to reveal.
      const search = JSON.parse(await get(`/api/v1/runs/${run}/tasks/leak/logs?search=${encodeURIComponent(SECRET.slice(0, 12))}`)) as { lines: unknown[] };
      expect(search.lines).toEqual([]);
    });
  });

  it("error bodies carry no stack trace or internals, even for a 500", async () => {
    const bad = [
      await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: "{not json" }),
      await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: "null" }),
      await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: "<xml/>", headers: { "content-type": "application/xml" } }),
      await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: { limit: "many" } } }),
      await api.request("POST", "/api/v1/dags/report/runs", { as: "operator", body: { params: {}, logicalDate: "2024-02-30" } }),
      await api.request("GET", "/api/v1/runs?from=2024-13-01", { as: "viewer" }),
      await api.request("GET", "/api/v1/runs?limit=1e999", { as: "viewer" }),
      await api.request("PATCH", "/api/v1/dags/report", { as: "operator", body: '{"isPaused": tru' }),
    ];
    for (const res of bad) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectError(res, res.status);
      expect(JSON.stringify(res.body)).not.toMatch(LEAKY);
    }

    // A store that is gone: the server answers 500 with the plain error shape, and /health 503.
    const place = await factory.create();
    const broken = factory.open(place.address);
    await broken.migrate();
    await broken.close();
    const logged: string[] = [];
    const server = await createApiServer({ store: broken, dags: api.registry, log: (message) => logged.push(message) });
    try {
      const base = await server.listen({ port: 0, host: "127.0.0.1" });
      const res = await fetch(`${base}/api/v1/dags`, { headers: { authorization: `Bearer ${api.tokens.viewer}` } });
      expect(res.status).toBe(500);
      const text = await res.text();
      const requestId = res.headers.get("x-request-id") ?? "?";
      expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: `internal error; the server log has the details (request id ${requestId})`, requestId } });
      expect(logged.some((line) => line.startsWith(`request ${requestId} failed: GET /api/v1/dags`))).toBe(true);
      expect(text).not.toMatch(LEAKY);
      expect((await fetch(`${base}/health`)).status).toBe(503);
    } finally {
      await server.close();
      await place.dispose();
    }
  });
});
