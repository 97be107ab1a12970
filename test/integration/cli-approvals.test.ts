/**
 * `tributary approvals` as a real process against a SQLite store (docs/approvals.md): the list of
 * waiting approvals, an answer checked against the form (exit 2 naming the field, nothing
 * changed), an approval and a rejection recorded and audited as `cli (<os user>)`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagRegistry } from "../../src/scheduler/dag-registry.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../src/store/index.js";
import { runCliProcess } from "./hardening/cli-process.js";

const DAGS = fileURLToPath(new URL("../fixtures/api-approval-dags", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "tributary-approvals-cli-"));
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

/** A run of the release DAG whose two approvals wait (the worker's part done by hand, as conformance does). */
async function waitingRun(store: Store, runId: string): Promise<void> {
  const registry = new DagRegistry(DAGS);
  await registry.refresh();
  const entry = registry.all().get("release");
  if (!entry) throw new Error("the release DAG did not load");
  const { graph } = entry.dag;
  const now = new Date();
  await store.upsertDag({ dagId: "release", file: entry.file, graph, now });
  await store.createRun({ runId, runType: "manual", graph, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, params: {}, start: true, now });
  const claim = () => store.claimNextTasks({ workerId: "w", limit: 5, dagIds: ["release"], now: new Date() });
  for (const build of await claim()) await store.completeTry({ taskInstanceId: build.instance.id, tryNumber: 1, outcome: "success", result: {}, graph, now: new Date() });
  for (const approval of await claim()) await store.completeTry({ taskInstanceId: approval.instance.id, tryNumber: 1, outcome: "deferred", graph, now: new Date() });
}

beforeAll(async () => {
  await withStore(async (store) => {
    await store.migrate();
    await waitingRun(store, "release__manual__cli");
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tributary approvals", { timeout: 60_000 }, () => {
  it("lists the waiting approvals", async () => {
    const listed = await runCliProcess(["approvals", "--db", db], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/DAG\s+RUN\s+APPROVAL\s+REQUESTED\s+DEADLINE/);
    expect(listed.stdout).toMatch(/release\s+release__manual__cli\s+review/);
    expect(listed.stdout).toMatch(/release\s+release__manual__cli\s+signoff/);
    const json = await runCliProcess(["approvals", "list", "--json", "--db", db], { cwd: dir });
    expect((JSON.parse(json.stdout) as { taskId: string }[]).map((a) => a.taskId)).toEqual(["review", "signoff"]);
  });

  it("refuses an answer that does not fit the form (exit 2, naming the field) and changes nothing", async () => {
    const bad = await runCliProcess(["approvals", "approve", "release__manual__cli", "review", "--answer", '{"approved": "yes"}', "--dags", DAGS, "--db", db], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("approved");
    const notJson = await runCliProcess(["approvals", "approve", "release__manual__cli", "review", "--answer", "{approved", "--dags", DAGS, "--db", db], { cwd: dir });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain("--answer must be JSON");
    await withStore(async (store) => {
      expect((await store.listWaitingApprovals()).map((w) => w.instance.taskId)).toEqual(["review", "signoff"]);
    });
  });

  it("approves with the parsed answer and rejects with a comment, audited as the CLI user", async () => {
    const approve = await runCliProcess(["approvals", "approve", "release__manual__cli", "review", "--answer", '{"approved": true}', "--comment", "go", "--dags", DAGS, "--db", db], { cwd: dir });
    expect(approve.stderr).toBe("");
    expect(approve).toMatchObject({ code: 0, stdout: "review of run release__manual__cli: approved (success)\n" });
    const reject = await runCliProcess(["approvals", "reject", "release__manual__cli", "signoff", "--comment", "missing sign-off", "--dags", DAGS, "--db", db], { cwd: dir });
    expect(reject).toMatchObject({ code: 0, stdout: "signoff of run release__manual__cli: rejected (failed)\n" });
    const again = await runCliProcess(["approvals", "reject", "release__manual__cli", "review", "--dags", DAGS, "--db", db], { cwd: dir });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("not an approval waiting for an answer");
    await withStore(async (store) => {
      const instances = await store.listTaskInstances("release__manual__cli");
      expect(instances.find((ti) => ti.taskId === "review")).toMatchObject({ state: "success", result: { approved: true, rolloutPercent: 10 } });
      expect(instances.find((ti) => ti.taskId === "signoff")).toMatchObject({ state: "failed", error: `rejected by ${CLI_ACTOR}: missing sign-off` });
      const entries = (await store.access.listAudit({ limit: 10 })).filter((e) => e.action.startsWith("approval."));
      expect(entries.map(({ actor, action, target, details }) => ({ actor, action, target, details }))).toEqual([
        { actor: CLI_ACTOR, action: "approval.reject", target: "release__manual__cli/signoff", details: { comment: "missing sign-off" } },
        { actor: CLI_ACTOR, action: "approval.approve", target: "release__manual__cli/review", details: { answer: { approved: true, rolloutPercent: 10 }, comment: "go" } },
      ]);
    });
  });
});
