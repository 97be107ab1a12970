/**
 * Human approvals through the API (docs/approvals.md), with a real worker: the run waits at the
 * approval; `GET /approvals` lists it (with its form, and whether the caller may answer); an
 * answer is checked against the form (422 naming the field) and the approvers (403), audited, and
 * flows downstream; a second answer is a conflict; a rejection fails the run.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../../src/store/index.js";
import { TaskRunners } from "../../../src/worker/task-runners.js";
import { Worker } from "../../../src/worker/worker.js";
import { STORES } from "../../conformance/stores.js";
import { waitFor } from "../../support/wait-for.js";
import { startHarness, type ApiHarness } from "./api-harness.js";

const DAGS = fileURLToPath(new URL("../../fixtures/api-approval-dags", import.meta.url));

async function stateOf(store: Store, runId: string, taskId: string): Promise<string | undefined> {
  return (await store.listTaskInstances(runId)).find((ti) => ti.taskId === taskId)?.state;
}

describe.each(STORES)("human approvals in the API ($name)", (factory) => {
  let api: ApiHarness;
  let worker: Worker;
  let pool: TaskRunners;

  async function startRun(runId: string): Promise<void> {
    const entry = api.registry.all().get("release");
    if (!entry) throw new Error("the release DAG did not load");
    const now = new Date();
    await api.store.createRun({ runId, runType: "manual", graph: entry.dag.graph, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, params: {}, start: true, now });
    await waitFor(async () => (await stateOf(api.store, runId, "review")) === "deferred" && (await stateOf(api.store, runId, "signoff")) === "deferred", {
      what: "both approvals to wait",
    });
  }

  beforeAll(async () => {
    api = await startHarness(factory, { dagsDir: DAGS });
    const entry = api.registry.all().get("release");
    if (!entry) throw new Error("the release DAG did not load");
    pool = new TaskRunners({ size: 1 });
    worker = new Worker({ store: api.store, pool, dags: () => new Map([["release", { dag: entry.dag, file: entry.file }]]), concurrency: 2, pollIntervalMs: 50 });
    worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await pool?.close();
    await api?.close();
  });

  it("lists waiting approvals with their form; checks the answer and the approvers; the answer flows downstream", async () => {
    const runId = "release__manual__approve";
    await startRun(runId);
    const listed = await api.request("GET", "/api/v1/approvals", { as: "viewer" });
    expect(listed.status).toBe(200);
    // Listed by when each began to wait: the two may be claimed apart on a loaded machine, so
    // their order here is by task.
    const approvals = (listed.body as { approvals: Record<string, unknown>[] }).approvals
      .filter((a) => a["runId"] === runId)
      .sort((a, b) => String(a["taskId"]).localeCompare(String(b["taskId"])));
    expect(approvals.map((a) => [a["taskId"], a["canAnswer"]])).toEqual([
      ["review", false],
      ["signoff", true],
    ]);
    const review = approvals[0] as { policy: { description: string; form: { properties: Record<string, unknown> }; approvers: unknown }; deadline: string; requestedAt: string };
    expect(review.policy.description).toBe("Ship version 1.2.3?");
    expect(Object.keys(review.policy.form.properties)).toEqual(["approved", "rolloutPercent"]);
    expect(review.policy.approvers).toEqual({ role: "operator" });
    expect(Date.parse(review.deadline) - Date.parse(review.requestedAt)).toBe(86_400_000);
    const mine = await api.request("GET", "/api/v1/approvals?mine=true", { as: "viewer" });
    expect((mine.body as { approvals: { taskId: string }[] }).approvals.filter((a) => a.taskId === "review")).toEqual([]);

    const path = `/api/v1/runs/${encodeURIComponent(runId)}/tasks/review/approval`;
    const byViewer = await api.request("POST", path, { as: "viewer", body: { decision: "approve", answer: { approved: true } } });
    expect(byViewer.status).toBe(403);
    expect((byViewer.body as { error: { message: string } }).error.message).toMatch(/answered by the operator role or above/);
    const bad = await api.request("POST", path, { as: "operator", body: { decision: "approve", answer: { approved: "yes" } } });
    expect(bad.status).toBe(422);
    expect((bad.body as { error: { field: string } }).error.field).toBe("answer.approved");
    expect(await stateOf(api.store, runId, "review")).toBe("deferred");

    const ok = await api.request("POST", path, { as: "operator", body: { decision: "approve", answer: { approved: true, rolloutPercent: 25 }, comment: "go" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: "success", result: { approved: true, rolloutPercent: 25 } });
    await waitFor(async () => (await stateOf(api.store, runId, "ship")) === "success", { what: "ship to run with the answer" });
    expect((await api.store.getTaskResults(runId, ["ship"])).get("ship")).toBe("rolled out to 25%");
    const [audit] = await api.store.access.listAudit({ action: "approval.approve" });
    expect(audit).toMatchObject({ actor: "operator (token operator-token)", target: `${runId}/review`, details: { answer: { approved: true, rolloutPercent: 25 }, comment: "go" } });

    const again = await api.request("POST", path, { as: "admin", body: { decision: "reject" } });
    expect(again.status).toBe(409);

    // Marking a waiting approval decides it: only its approvers (or an admin) may.
    const markedByOperator = await api.request("POST", `/api/v1/runs/${encodeURIComponent(runId)}/tasks/signoff/mark`, { as: "operator", body: { state: "success" } });
    expect(markedByOperator.status).toBe(403);
    expect((markedByOperator.body as { error: { message: string } }).error.message).toMatch(/answer it .* rather than marking it/);
    expect(await stateOf(api.store, runId, "signoff")).toBe("deferred");

    // A named approver needs no role: the viewer answers the sign-off; the run then succeeds.
    const signoff = await api.request("POST", `/api/v1/runs/${encodeURIComponent(runId)}/tasks/signoff/approval`, { as: "viewer", body: { decision: "approve", answer: { ok: true } } });
    expect(signoff.status).toBe(200);
    await waitFor(async () => (await api.store.getRun(runId))?.state === "success", { what: "the run to succeed" });
  });

  it("a rejection fails the approval and its run; unknown approvals are 404", async () => {
    const runId = "release__manual__reject";
    await startRun(runId);
    const rejected = await api.request("POST", `/api/v1/runs/${encodeURIComponent(runId)}/tasks/review/approval`, { as: "operator", body: { decision: "reject", comment: "not this week" } });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ state: "failed", error: "rejected by operator (token operator-token): not this week" });
    expect(await stateOf(api.store, runId, "ship")).toBe("upstream_failed");
    const rejectWithAnswer = await api.request("POST", `/api/v1/runs/${encodeURIComponent(runId)}/tasks/signoff/approval`, { as: "admin", body: { decision: "reject", answer: { ok: false } } });
    expect(rejectWithAnswer.status).toBe(400);
    expect((rejectWithAnswer.body as { error: { field: string } }).error.field).toBe("answer");
    const missing = await api.request("POST", `/api/v1/runs/${encodeURIComponent(runId)}/tasks/build/approval`, { as: "operator", body: { decision: "approve" } });
    expect(missing.status).toBe(404);
  });
});
