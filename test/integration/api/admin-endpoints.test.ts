/**
 * The endpoints behind the admin pages, through real HTTP on both stores: pools with their
 * occupancy (viewers read, admins change), secrets by name and source (admins only, never a
 * value), the audit log's filters; every change written to the audit log.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecretKey, parseSecretKey } from "../../../src/secrets/cipher.js";
import { STORES } from "../../conformance/stores.js";
import { expectError } from "./api-expect.js";
import { startHarness, type ApiHarness } from "./api-harness.js";
import { runningRun } from "./api-states.js";

const ADMIN_DAGS = fileURLToPath(new URL("../../fixtures/admin-api-dags", import.meta.url));
const KEY = generateSecretKey();
const VALUE = "Stored-Value-0001";
const ENV_VALUE = "Env-Value-0002";
const FILE_VALUE = "File-Value-0003";

interface AuditJson {
  readonly entries: { actor: string; action: string; target: string | null; details: Record<string, unknown> }[];
}

describe.each(STORES)("admin endpoints on $name", (factory) => {
  let api: ApiHarness;
  let dir: string;
  const latestAudit = async () => ((await api.request("GET", "/api/v1/audit?limit=1", { as: "admin" })).body as AuditJson).entries[0];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tributary-admin-api-"));
    writeFileSync(join(dir, "from_file"), `${FILE_VALUE}\n`);
    // Also named in the environment: the environment wins, the file's row says it is overridden.
    writeFileSync(join(dir, "shared_name"), "file side");
    const env = { TRIBUTARY_SECRET_KEY: KEY, TRIBUTARY_SECRET_FROM_ENV: ENV_VALUE, TRIBUTARY_SECRET_SHARED_NAME: "env side" };
    api = await startHarness(factory, { dagsDir: ADMIN_DAGS, secrets: { env, dir } });
  });
  afterAll(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe("pools", () => {
    it("GET /pools: slots and occupancy, unconfigured pools in use too; for viewers", async () => {
      expect(await api.request("GET", "/api/v1/pools", { as: "viewer" })).toMatchObject({ status: 200, body: { pools: [] } });
      // The fixture's extract task runs in the `reporting` pool.
      await runningRun(api, "pooled");
      const res = await api.request("GET", "/api/v1/pools", { as: "viewer" });
      expect(res.body).toEqual({ pools: [{ name: "reporting", slots: null, description: null, running: 1, queued: 0 }] });
      expectError(await api.request("GET", "/api/v1/pools"), 401);
    });

    it("PUT /pools/:name sets slots and description; DELETE removes it; both audited; admins only", async () => {
      const put = await api.request("PUT", "/api/v1/pools/reporting", { as: "admin", body: { slots: 3, description: "the reporting database" } });
      expect(put).toMatchObject({ status: 200, body: { name: "reporting", slots: 3, description: "the reporting database" } });
      expect(await latestAudit()).toMatchObject({ actor: "admin (token admin-token)", action: "pool.set", target: "reporting", details: { slots: 3, description: "the reporting database" } });
      const listed = (await api.request("GET", "/api/v1/pools", { as: "operator" })).body as { pools: unknown[] };
      expect(listed.pools).toEqual([{ name: "reporting", slots: 3, description: "the reporting database", running: 1, queued: 0 }]);

      expectError(await api.request("PUT", "/api/v1/pools/reporting", { as: "operator", body: { slots: 1 } }), 403);
      expectError(await api.request("PUT", "/api/v1/pools/reporting", { as: "admin", body: { slots: -1 } }), 400, "slots");
      expectError(await api.request("PUT", "/api/v1/pools/reporting", { as: "admin", body: { slots: 1.5 } }), 400, "slots");
      expectError(await api.request("PUT", "/api/v1/pools/reporting", { as: "admin", body: { slots: 1, colour: "red" } }), 400);
      expectError(await api.request("PUT", "/api/v1/pools/9lives", { as: "admin", body: { slots: 1 } }), 400, "params.name");

      expect((await api.request("DELETE", "/api/v1/pools/reporting", { as: "admin" })).status).toBe(204);
      expect(await latestAudit()).toMatchObject({ action: "pool.delete", target: "reporting" });
      expectError(await api.request("DELETE", "/api/v1/pools/reporting", { as: "admin" }), 404);
      expectError(await api.request("DELETE", "/api/v1/pools/reporting", { as: "operator" }), 403);
    });
  });

  describe("secrets", () => {
    it("GET /secrets: names and sources of the environment, files and store, never values; admins only", async () => {
      const empty = await api.request("GET", "/api/v1/secrets", { as: "admin" });
      expect(empty.body).toMatchObject({ store: { writable: true, keyId: parseSecretKey(KEY).keyId, reason: null } });
      const rows = (empty.body as { secrets: { name: string; source: string; overriddenBy: string | null }[] }).secrets;
      expect(rows.map((r) => [r.name, r.source, r.overriddenBy])).toEqual([
        ["from_env", "environment", null],
        ["shared_name", "environment", null],
        ["from_file", "files", null],
        ["shared_name", "files", "environment"],
      ]);
      const text = JSON.stringify(empty.body);
      for (const value of [ENV_VALUE, FILE_VALUE, "env side", "file side", KEY]) expect(text).not.toContain(value);
      expectError(await api.request("GET", "/api/v1/secrets", { as: "operator" }), 403);
      expectError(await api.request("GET", "/api/v1/secrets"), 401);
    });

    it("PUT /secrets/:name stores it encrypted; DELETE removes it; audited without the value", async () => {
      const put = await api.request("PUT", "/api/v1/secrets/warehouse_password", { as: "admin", body: { value: VALUE } });
      expect(put).toMatchObject({ status: 200, body: { name: "warehouse_password", source: "store", keyId: parseSecretKey(KEY).keyId } });
      expect(JSON.stringify(put.body)).not.toContain(VALUE);
      const stored = await api.store.getSecret("warehouse_password");
      expect(stored?.ciphertext).toBeDefined();
      expect(JSON.stringify(stored)).not.toContain(VALUE);
      const audit = await latestAudit();
      expect(audit).toMatchObject({ action: "secret.set", target: "warehouse_password" });
      expect(JSON.stringify(audit)).not.toContain(VALUE);
      const listed = await api.request("GET", "/api/v1/secrets", { as: "admin" });
      expect((listed.body as { secrets: { name: string; source: string }[] }).secrets).toContainEqual(expect.objectContaining({ name: "warehouse_password", source: "store" }));
      expect(JSON.stringify(listed.body)).not.toContain(VALUE);

      expectError(await api.request("PUT", "/api/v1/secrets/warehouse_password", { as: "operator", body: { value: VALUE } }), 403);
      expectError(await api.request("PUT", "/api/v1/secrets/warehouse_password", { as: "admin", body: { value: "" } }), 400, "value");
      expectError(await api.request("PUT", "/api/v1/secrets/..%2Fetc", { as: "admin", body: { value: "x" } }), 400, "name");

      expect((await api.request("DELETE", "/api/v1/secrets/warehouse_password", { as: "admin" })).status).toBe(204);
      expect(await latestAudit()).toMatchObject({ action: "secret.delete", target: "warehouse_password" });
      expectError(await api.request("DELETE", "/api/v1/secrets/warehouse_password", { as: "admin" }), 404);
      // A secret of the environment is not the store's to delete.
      expectError(await api.request("DELETE", "/api/v1/secrets/from_env", { as: "admin" }), 404);
    });
  });

  describe("audit filters", () => {
    it("GET /audit by actor (a user and their tokens), target and time range; 400 naming a bad date", async () => {
      const byTarget = (await api.request("GET", "/api/v1/audit?target=warehouse_password", { as: "admin" })).body as AuditJson;
      expect(byTarget.entries.map((e) => e.action)).toEqual(["secret.delete", "secret.set"]);
      const byActor = (await api.request("GET", "/api/v1/audit?actor=admin&action=pool.set", { as: "admin" })).body as AuditJson;
      expect(byActor.entries.map((e) => e.actor)).toEqual(["admin (token admin-token)"]);
      expect(((await api.request("GET", "/api/v1/audit?actor=operator&action=pool.set", { as: "admin" })).body as AuditJson).entries).toEqual([]);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect(((await api.request("GET", `/api/v1/audit?since=${future}`, { as: "admin" })).body as AuditJson).entries).toEqual([]);
      const all = ((await api.request("GET", `/api/v1/audit?until=${future}&since=2020-01-01`, { as: "admin" })).body as AuditJson).entries;
      expect(all.length).toBeGreaterThanOrEqual(5);
      expectError(await api.request("GET", "/api/v1/audit?since=yesterday", { as: "admin" }), 400, "since");
    });
  });
});
