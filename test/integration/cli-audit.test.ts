/**
 * Local commands write the audit log as the API's endpoints do, as real processes against a
 * SQLite store: `tributary alerts ack|resolve` (actions `alert.ack` and `alert.resolve`, the
 * alert's id as target) and `tributary pools set|delete` (`pool.set`, `pool.delete`), with the
 * local user as actor: `cli (<os user>)`, as `tributary users` and `tokens` write it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../src/store/index.js";
import { at, RunDriver } from "../conformance/driver.js";
import { graph } from "../conformance/fixtures.js";
import { runCliProcess } from "./hardening/cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-alerts-cli-"));
const db = join(dir, "store.db");
const CLI_ACTOR = `cli (${userInfo().username})`;

async function withStore<T>(use: (store: Store) => Promise<T>): Promise<T> {
  const store = openSqliteStore({ path: db });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** A dead-lettered task and its open alert, as the scheduler's dispatcher would raise it. */
async function raiseAlert(store: Store, dagId: string): Promise<number> {
  const driver = await RunDriver.start(store, graph(dagId, [{ id: "load" }]));
  await driver.claim();
  await driver.fail("load");
  const source = (await store.alerts.listAlertSources()).find((s) => s.dagId === dagId);
  if (!source) throw new Error(`no dead letter of ${dagId}`);
  const raised = await store.alerts.raiseAlert({
    source: { kind: source.kind, id: source.sourceId },
    dedupKey: `task_instance:${dagId}`,
    dagId,
    runId: source.runId,
    taskId: source.taskId,
    mapIndex: null,
    taskInstanceId: null,
    title: `load of ${dagId} failed`,
    details: "",
    deliveries: [],
    now: at(10),
  });
  if (!raised) throw new Error("the alert was not raised");
  return raised.alert.id;
}

let first = 0;
let second = 0;

beforeAll(async () => {
  await withStore(async (store) => {
    await store.migrate();
    first = await raiseAlert(store, "cli_audit_a");
    second = await raiseAlert(store, "cli_audit_b");
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tributary alerts ack|resolve write the audit log", { timeout: 60_000 }, () => {
  it("ack then resolve: one entry each, with the CLI user as actor and the alert as target", async () => {
    const ack = await runCliProcess(["alerts", "ack", String(first), "--db", db], { cwd: dir });
    expect(ack.stderr).toBe("");
    expect(ack).toMatchObject({ code: 0, stdout: `alert ${first}: acknowledged\n` });
    const resolve = await runCliProcess(["alerts", "resolve", String(first), "--db", db], { cwd: dir });
    expect(resolve).toMatchObject({ code: 0, stdout: `alert ${first}: resolved\n` });

    await withStore(async (store) => {
      const entries = (await store.access.listAudit({ limit: 10 })).filter((e) => e.action.startsWith("alert."));
      // Latest first, the shape the API writes: no details.
      expect(entries.map(({ actor, action, target, details }) => ({ actor, action, target, details }))).toEqual([
        { actor: CLI_ACTOR, action: "alert.resolve", target: String(first), details: {} },
        { actor: CLI_ACTOR, action: "alert.ack", target: String(first), details: {} },
      ]);
      const alert = await store.alerts.getAlert(first);
      expect(alert).toMatchObject({ state: "resolved", acknowledgedBy: CLI_ACTOR, resolvedBy: CLI_ACTOR });
    });
  });

  it("--by names who acted on the alert; the audit log keeps the CLI user as actor and records the name given", async () => {
    const ack = await runCliProcess(["alerts", "ack", String(second), "--by", "oncall-alice", "--db", db], { cwd: dir });
    expect(ack.code).toBe(0);
    await withStore(async (store) => {
      const [entry] = await store.access.listAudit({ limit: 1 });
      expect(entry).toMatchObject({ actor: CLI_ACTOR, action: "alert.ack", target: String(second), details: { by: "oncall-alice" } });
      expect(await store.alerts.getAlert(second)).toMatchObject({ state: "acknowledged", acknowledgedBy: "oncall-alice" });
    });
  });

  it("an unknown alert changes nothing and writes no entry", async () => {
    const before = await withStore((store) => store.access.listAudit({ limit: 1 }));
    const result = await runCliProcess(["alerts", "resolve", "9999", "--db", db], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("no alert 9999");
    expect(await withStore((store) => store.access.listAudit({ limit: 1 }))).toEqual(before);
  });
});

describe("tributary pools set|delete write the audit log", { timeout: 60_000 }, () => {
  it("pool.set with the slots and description, pool.delete; the actor is the CLI user", async () => {
    const set = await runCliProcess(["pools", "set", "warehouse", "2", "--description", "one loader at a time", "--db", db], { cwd: dir });
    expect(set).toMatchObject({ code: 0, stdout: "pool warehouse: 2 slot(s)\n" });
    const removed = await runCliProcess(["pools", "delete", "warehouse", "--db", db], { cwd: dir });
    expect(removed.code).toBe(0);
    await withStore(async (store) => {
      const entries = await store.access.listAudit({ target: "warehouse" });
      expect(entries.map(({ actor, action, details }) => ({ actor, action, details }))).toEqual([
        { actor: CLI_ACTOR, action: "pool.delete", details: {} },
        { actor: CLI_ACTOR, action: "pool.set", details: { slots: 2, description: "one loader at a time" } },
      ]);
    });
  });
});
