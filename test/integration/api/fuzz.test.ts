/**
 * Fuzzing the mutating endpoints with fast-check: random JSON, near-miss bodies with wrong types,
 * invalid JSON text, huge strings, wrong content types and hostile ids. No request may give a
 * 5xx; every error is the documented JSON shape; and a rejected request changes nothing in the
 * store (runs, task instances, users, tokens, paused flags, audit log, backfills, pools, secrets).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecretKey } from "../../../src/secrets/cipher.js";
import type { Store } from "../../../src/store/index.js";
import { STORES } from "../../conformance/stores.js";
import { isErrorBody } from "./api-expect.js";
import { startHarness, type ApiHarness } from "./api-harness.js";
import { finishedRun, runningRun, type RunJson } from "./api-states.js";

/**
 * Runs per endpoint: the bulk on SQLite, a sample on PostgreSQL (same code above the store). 100,
 * fast-check's default, still sends over 2,000 requests on SQLite; each run's seed is printed on a
 * failure, for `fc.assert`'s `seed` option to replay it.
 */
const RUNS: Record<string, number> = { sqlite: 100, postgres: 21 };

/** Everything a request could change, except what every request changes (token last use). */
async function snapshot(store: Store): Promise<string> {
  const [stateChange, runs, users, tokens, dags, audit, backfills, pools, secrets] = await Promise.all([
    store.latestStateChangeId(),
    store.countRuns({}),
    store.access.listUsers(),
    store.access.listApiTokens({}),
    store.listDags(),
    store.access.listAudit({ limit: 1 }),
    store.listBackfills({}),
    store.listPools(),
    store.listSecrets(),
  ]);
  return JSON.stringify({
    stateChange,
    runs,
    users: users.map((u) => [u.username, u.role, u.passwordHash, u.passwordChangedAt]),
    tokens: tokens.map((t) => [t.id, t.name, t.revokedAt]),
    dags: dags.map((d) => [d.dagId, d.isPaused]),
    audit: audit[0]?.id ?? 0,
    backfills: backfills.map((b) => [b.id, b.state]),
    pools,
    secrets: secrets.map((x) => [x.name, x.ciphertext]),
  });
}

interface FuzzRequest {
  readonly path: string;
  /** A JSON value (sent as JSON) or raw text; undefined: no body. */
  readonly body: { readonly kind: "json"; readonly value: unknown } | { readonly kind: "text"; readonly text: string; readonly contentType: string } | undefined;
}

/** Bodies of every kind, biased towards objects with the endpoint's own field names. */
function bodies(fields: readonly string[]): fc.Arbitrary<FuzzRequest["body"]> {
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, "", "0", "true", "null", "success", "failed", "admin", "viewer", "2024-01-01", "\u0000", "../../etc/passwd", "$(id)"),
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("region", "note", "limit", "__proto__", "constructor", "x"), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  );
  const shaped = fc
    .tuple(fc.subarray([...fields]), fc.array(value, { minLength: fields.length, maxLength: fields.length }), fc.option(fc.string({ maxLength: 8 }), { nil: undefined }))
    .map(([keys, values, extra]) => {
      const object: Record<string, unknown> = {};
      keys.forEach((key, i) => (object[key] = values[i]));
      if (extra !== undefined) object[extra] = values[0] ?? null;
      return object;
    });
  const json = fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom({ __proto__: { isPaused: true } }, JSON.parse('{"__proto__": {"role": "admin"}}') as unknown, [], [{}], "") },
  );
  const huge = fc.integer({ min: 50_000, max: 1_200_000 }).map((n) => ({ kind: "json" as const, value: { [fields[0] ?? "x"]: "x".repeat(n) } }));
  return fc.oneof(
    { weight: 16, arbitrary: json.map((v) => ({ kind: "json" as const, value: v })) },
    { weight: 4, arbitrary: fc.string({ maxLength: 60 }).map((text) => ({ kind: "text" as const, text, contentType: "application/json" })) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("text" as const),
        text: fc.string({ maxLength: 40 }),
        contentType: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=latin1", "application/octet-stream"),
      }),
    },
    { weight: 1, arbitrary: huge },
    { weight: 2, arbitrary: fc.constant(undefined) },
  );
}

/** An id: mostly ones that exist, sometimes hostile or random ones. */
const idOf = (known: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.constantFrom("../../etc/passwd", "%2e%2e%2f", "\u0000", "' or 1=1 --", "$(id)", "x".repeat(600)) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
  );

describe.each(STORES)("API fuzzing on $name", (factory) => {
  let api: ApiHarness;
  let running: RunJson;
  let finished: RunJson;
  let current = "";
  const numRuns = RUNS[factory.name] ?? 40;
  let requests = 0;

  beforeAll(async () => {
    // A key, so that secrets can be stored: the fuzzing reaches past the "no key" refusal.
    api = await startHarness(factory, { secrets: { env: { TRIBUTARY_SECRET_KEY: generateSecretKey() } } });
    finished = await finishedRun(api, "success");
    running = await runningRun(api);
    current = await snapshot(api.store);
  });
  afterAll(async () => api?.close());

  async function send(method: string, path: string, body: FuzzRequest["body"], as: "operator" | "admin" | "viewer" | undefined): Promise<void> {
    requests++;
    const headers: Record<string, string> = {};
    let payload: string | undefined;
    if (body?.kind === "json") payload = JSON.stringify(body.value) ?? "null";
    if (body?.kind === "text") {
      payload = body.text;
      headers["content-type"] = body.contentType;
    }
    const res = await api.request(method, path, { as, body: payload, headers });
    const where = `${method} ${path} ${payload?.slice(0, 200) ?? "(no body)"}`;
    expect(res.status, `${where} -> ${JSON.stringify(res.body)}`).toBeLessThan(500);
    const after = await snapshot(api.store);
    if (res.status >= 400) {
      expect(isErrorBody(res.body), `${where} -> ${JSON.stringify(res.body)}`).toBe(true);
      expect(after, `${where} was rejected (${res.status}) but changed the store`).toBe(current);
    }
    current = after;
  }

  const segment = (id: string) => encodeURIComponent(id);
  const cases: { name: string; method: string; as?: "operator" | "admin" | "viewer"; path: () => fc.Arbitrary<string>; fields: string[]; share?: number }[] = [
    { name: "POST /auth/login", method: "POST", path: () => fc.constant("/api/v1/auth/login"), fields: ["username", "password"], share: 0.5 },
    { name: "POST /auth/password", method: "POST", as: "viewer", path: () => fc.constant("/api/v1/auth/password"), fields: ["currentPassword", "newPassword"], share: 0.5 },
    { name: "POST /auth/logout", method: "POST", as: "viewer", path: () => fc.constant("/api/v1/auth/logout"), fields: [], share: 0.2 },
    { name: "PATCH /dags/:dagId", method: "PATCH", as: "operator", path: () => idOf(["report", "hourly_sync"]).map((d) => `/api/v1/dags/${segment(d)}`), fields: ["isPaused"] },
    { name: "POST /dags/:dagId/runs", method: "POST", as: "operator", path: () => idOf(["report", "hourly_sync"]).map((d) => `/api/v1/dags/${segment(d)}/runs`), fields: ["params", "logicalDate"] },
    { name: "POST /runs/:runId/cancel", method: "POST", as: "operator", path: () => idOf([finished.runId]).map((r) => `/api/v1/runs/${segment(r)}/cancel`), fields: [] },
    { name: "POST /runs/:runId/clear", method: "POST", as: "operator", path: () => idOf([running.runId, finished.runId]).map((r) => `/api/v1/runs/${segment(r)}/clear`), fields: ["onlyFailed"] },
    { name: "POST /runs/bulk", method: "POST", as: "operator", path: () => fc.constant("/api/v1/runs/bulk"), fields: ["action", "runIds"] },
    { name: "PUT /runs/:runId/note", method: "PUT", as: "operator", path: () => idOf([running.runId, finished.runId]).map((r) => `/api/v1/runs/${segment(r)}/note`), fields: ["note"] },
    {
      name: "POST /runs/:runId/tasks/:taskId/clear",
      method: "POST",
      as: "operator",
      path: () => fc.tuple(idOf([running.runId, finished.runId]), idOf(["extract", "publish"])).map(([r, t]) => `/api/v1/runs/${segment(r)}/tasks/${segment(t)}/clear`),
      fields: ["mapIndex", "downstream"],
    },
    {
      name: "POST /runs/:runId/tasks/:taskId/mark",
      method: "POST",
      as: "operator",
      path: () => fc.tuple(idOf([running.runId, finished.runId]), idOf(["extract", "echo_note"])).map(([r, t]) => `/api/v1/runs/${segment(r)}/tasks/${segment(t)}/mark`),
      fields: ["state", "mapIndex"],
    },
    {
      // These DAGs have no approval: every answer is refused (404, 409, 400, 422), changing nothing.
      name: "POST /runs/:runId/tasks/:taskId/approval",
      method: "POST",
      as: "operator",
      path: () => fc.tuple(idOf([running.runId, finished.runId]), idOf(["extract", "echo_note"])).map(([r, t]) => `/api/v1/runs/${segment(r)}/tasks/${segment(t)}/approval`),
      fields: ["decision", "answer", "comment", "mapIndex"],
    },
    { name: "POST /users", method: "POST", as: "admin", path: () => fc.constant("/api/v1/users"), fields: ["username", "role", "password"] },
    { name: "PATCH /users/:username", method: "PATCH", as: "admin", path: () => idOf(["operator", "viewer"]).map((u) => `/api/v1/users/${segment(u)}`), fields: ["role", "password"] },
    { name: "DELETE /users/:username", method: "DELETE", as: "admin", path: () => fc.string({ minLength: 1, maxLength: 12 }).filter((u) => !["admin", "operator", "viewer"].includes(u)).map((u) => `/api/v1/users/${segment(u)}`), fields: [], share: 0.3 },
    { name: "POST /tokens", method: "POST", as: "admin", path: () => fc.constant("/api/v1/tokens"), fields: ["username", "name"] },
    { name: "DELETE /tokens/:id", method: "DELETE", as: "admin", path: () => fc.oneof(fc.integer({ min: 1_000 }), fc.string({ maxLength: 8 }), fc.constantFrom("-1", "0", "1.5", "1e3", "0x1")).map((id) => `/api/v1/tokens/${segment(String(id))}`), fields: [], share: 0.3 },
    { name: "POST /dags/:dagId/backfills", method: "POST", as: "operator", path: () => idOf(["report", "hourly_sync"]).map((d) => `/api/v1/dags/${segment(d)}/backfills`), fields: ["from", "to", "reprocess", "maxActiveRuns", "dryRun"] },
    ...(["cancel", "pause", "resume"] as const).map((action) => ({
      name: `POST /backfills/:id/${action}`,
      method: "POST",
      as: "operator" as const,
      path: () => fc.oneof(fc.integer({ min: -5, max: 1_000_000 }).map(String), fc.string({ maxLength: 8 })).map((id) => `/api/v1/backfills/${segment(id)}/${action}`),
      fields: [],
      share: 0.3,
    })),
    { name: "POST /events", method: "POST", as: "operator", path: () => fc.constant("/api/v1/events"), fields: ["event", "params"] },
    { name: "POST /datasets/events", method: "POST", as: "operator", path: () => fc.constant("/api/v1/datasets/events"), fields: ["uri", "metadata"] },
    { name: "PUT /pools/:name", method: "PUT", as: "admin", path: () => idOf(["reporting", "warehouse"]).map((p) => `/api/v1/pools/${segment(p)}`), fields: ["slots", "description"] },
    { name: "DELETE /pools/:name", method: "DELETE", as: "admin", path: () => idOf(["reporting", "warehouse"]).map((p) => `/api/v1/pools/${segment(p)}`), fields: [], share: 0.3 },
    { name: "PUT /secrets/:name", method: "PUT", as: "admin", path: () => idOf(["warehouse_password", "api.token"]).map((n) => `/api/v1/secrets/${segment(n)}`), fields: ["value"] },
    { name: "DELETE /secrets/:name", method: "DELETE", as: "admin", path: () => idOf(["warehouse_password", "api.token"]).map((n) => `/api/v1/secrets/${segment(n)}`), fields: [], share: 0.3 },
    ...(["ack", "resolve"] as const).map((action) => ({
      name: `POST /alerts/:id/${action}`,
      method: "POST",
      as: "operator" as const,
      path: () => fc.oneof(fc.integer({ min: -5, max: 1_000_000 }).map(String), fc.string({ maxLength: 8 })).map((id) => `/api/v1/alerts/${segment(id)}/${action}`),
      fields: [],
      share: 0.3,
    })),
  ];

  it("covers every mutating route of the route table", () => {
    const fuzzed = new Set(cases.map((c) => c.name.replace(/^(\w+) /, "$1 /api/v1")));
    const mutating = api.routeTable.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.url}`);
    expect(mutating.filter((r) => !fuzzed.has(r))).toEqual([]);
  });

  it.each(cases)("$name: no 5xx, documented errors, nothing changed by a rejection", async ({ method, as, path, fields, share }) => {
    await fc.assert(
      fc.asyncProperty(path(), bodies(fields), async (p, body) => {
        await send(method, p, body, as);
      }),
      { numRuns: Math.max(10, Math.round(numRuns * (share ?? 1))) },
    );
  });

  it("sent thousands of requests on SQLite", () => {
    expect(requests).toBeGreaterThanOrEqual(factory.name === "sqlite" ? 2_000 : 300);
  });
});
