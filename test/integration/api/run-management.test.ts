/**
 * Everyday run management through real HTTP: bulk actions on runs (one request, a result per run,
 * an audit entry per run changed) and run notes; roles, bad input and unknown runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORES } from "../../conformance/stores.js";
import { expectError } from "./api-expect.js";
import { startHarness, type ApiHarness } from "./api-harness.js";
import { finishedRun, runningRun, triggerRun } from "./api-states.js";

interface BulkResult {
  readonly runId: string;
  readonly ok: boolean;
  readonly run?: { readonly state: string };
  readonly error?: { readonly code: string; readonly message: string };
}
interface BulkBody {
  readonly action: string;
  readonly results: readonly BulkResult[];
}

const enc = encodeURIComponent;

describe.each(STORES)("API run management on $name", (factory) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startHarness(factory);
  });
  afterAll(async () => api?.close());

  const bulk = (action: string, runIds: readonly string[], as: "viewer" | "operator" | "admin" = "operator") =>
    api.request("POST", "/api/v1/runs/bulk", { as, body: { action, runIds } });

  it("POST /runs/bulk clear_failed: clears the failed runs, says why the others were left, audits each run cleared", async () => {
    const failed = await finishedRun(api, "failed");
    const succeeded = await finishedRun(api, "success");
    const running = await runningRun(api);
    const res = await bulk("clear_failed", [failed.runId, succeeded.runId, running.runId, "no-such-run", failed.runId]);
    expect(res.status).toBe(200);
    const body = res.body as BulkBody;
    expect(body.action).toBe("clear_failed");
    // One result per run, in the order asked, a repeated id once.
    expect(body.results.map((r) => r.runId)).toEqual([failed.runId, succeeded.runId, running.runId, "no-such-run"]);
    expect(body.results[0]).toMatchObject({ ok: true, run: { state: "queued" } });
    expect(body.results[1]).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("no failed tasks") } });
    expect(body.results[2]).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("running") } });
    expect(body.results[3]).toMatchObject({ ok: false, error: { code: "not_found", message: expect.stringContaining("no-such-run") } });
    // Only the failed run's failed tasks run again; the others are as they were.
    const tasks = await api.store.listTaskInstances(failed.runId);
    expect(tasks.every((t) => t.state === "scheduled")).toBe(true);
    expect((await api.store.getRun(succeeded.runId))?.state).toBe("success");
    expect((await api.store.getRun(running.runId))?.state).toBe("running");
    const audit = await api.request("GET", "/api/v1/audit?action=run.clear", { as: "admin" });
    const entries = (audit.body as { entries: { actor: string; target: string; details: Record<string, unknown> }[] }).entries;
    expect(entries.filter((e) => [failed.runId, succeeded.runId, running.runId].includes(e.target))).toEqual([
      expect.objectContaining({ actor: "operator (token operator-token)", target: failed.runId, details: { onlyFailed: true, bulk: true } }),
    ]);
  });

  it("POST /runs/bulk mark_success, mark_failed and cancel act on every run given", async () => {
    const failed = await finishedRun(api, "failed");
    const running = await runningRun(api);
    const marked = await bulk("mark_success", [failed.runId, running.runId]);
    expect(marked).toMatchObject({ status: 200, body: { results: [{ ok: true, run: { state: "success" } }, { ok: true, run: { state: "success" } }] } });
    expect((await api.store.listTaskInstances(failed.runId)).map((t) => t.state)).toEqual(["success", "success", "success"]);

    const again = await bulk("mark_failed", [failed.runId]);
    expect(again).toMatchObject({ status: 200, body: { results: [{ ok: true, run: { state: "failed" } }] } });
    expect(await bulk("mark_failed", [failed.runId])).toMatchObject({ body: { results: [{ ok: false, error: { code: "conflict" } }] } });

    const toCancel = await runningRun(api);
    const queued = await triggerRun(api);
    const cancelled = await bulk("cancel", [toCancel.runId, queued.runId, failed.runId]);
    expect(cancelled).toMatchObject({
      status: 200,
      body: { results: [{ ok: true, run: { state: "failed" } }, { ok: true, run: { state: "failed" } }, { ok: false, error: { code: "conflict", message: expect.stringContaining("already finished") } }] },
    });
    const audit = (await api.request("GET", "/api/v1/audit?limit=200", { as: "admin" })).body as { entries: { action: string; target: string }[] };
    const actions = (runId: string) => audit.entries.filter((e) => e.target === runId).map((e) => e.action).reverse();
    expect(actions(failed.runId)).toEqual(expect.arrayContaining(["run.mark_success", "run.mark_failed"]));
    expect(actions(failed.runId).filter((a) => a === "run.mark_failed")).toHaveLength(1);
    expect(actions(toCancel.runId)).toEqual(["run.trigger", "run.cancel"]);
  });

  it("POST /runs/bulk: operator only; 400 naming the field for a bad action or list; 401", async () => {
    const run = await finishedRun(api, "failed");
    expectError(await bulk("clear_failed", [run.runId], "viewer"), 403);
    expectError(await api.request("POST", "/api/v1/runs/bulk", { body: { action: "cancel", runIds: [run.runId] } }), 401);
    expectError(await bulk("explode", [run.runId]), 400, "action");
    expectError(await bulk("cancel", []), 400, "runIds");
    expectError(await bulk("cancel", Array.from({ length: 101 }, (_, i) => `run-${i}`)), 400, "runIds");
    expectError(await api.request("POST", "/api/v1/runs/bulk", { as: "operator", body: { action: "cancel", runIds: [run.runId], extra: 1 } }), 400);
    expect((await api.store.getRun(run.runId))?.state).toBe("failed");
  });

  it("PUT /runs/:runId/note: writes the note with who and when, shows it on the run and in the list; empty removes it", async () => {
    const run = await finishedRun(api, "failed");
    const path = `/api/v1/runs/${enc(run.runId)}/note`;
    const written = await api.request("PUT", path, { as: "operator", body: { note: "CRM export was late; rerun at 10:00 (INC-42)" } });
    expect(written).toMatchObject({ status: 200, body: { note: { runId: run.runId, note: "CRM export was late; rerun at 10:00 (INC-42)", updatedBy: "operator (token operator-token)" } } });
    const updatedAt = (written.body as { note: { updatedAt: string } }).note.updatedAt;
    expect(Date.parse(updatedAt)).toBeGreaterThan(Date.now() - 60_000);

    const shown = await api.request("GET", `/api/v1/runs/${enc(run.runId)}`, { as: "viewer" });
    expect(shown).toMatchObject({ status: 200, body: { runId: run.runId, note: { note: "CRM export was late; rerun at 10:00 (INC-42)", updatedBy: "operator (token operator-token)", updatedAt } } });
    const listed = (await api.request("GET", "/api/v1/runs?dagId=report&limit=100", { as: "viewer" })).body as { runs: { runId: string; note: unknown }[] };
    expect(listed.runs.find((r) => r.runId === run.runId)?.note).toMatchObject({ note: "CRM export was late; rerun at 10:00 (INC-42)" });
    expect(listed.runs.filter((r) => r.runId !== run.runId).every((r) => r.note === null)).toBe(true);

    const audit = await api.request("GET", "/api/v1/audit?action=run.note", { as: "admin" });
    expect(audit.body).toMatchObject({ entries: [{ actor: "operator (token operator-token)", target: run.runId }] });

    expect(await api.request("PUT", path, { as: "admin", body: { note: "" } })).toMatchObject({ status: 200, body: { note: null } });
    expect(await api.request("GET", `/api/v1/runs/${enc(run.runId)}`, { as: "viewer" })).toMatchObject({ body: { note: null } });
  });

  it("PUT /runs/:runId/note: operator only; 400 naming the field; 404 for an unknown run; 401", async () => {
    const run = await finishedRun(api, "success");
    const path = `/api/v1/runs/${enc(run.runId)}/note`;
    expectError(await api.request("PUT", path, { as: "viewer", body: { note: "hello" } }), 403);
    expectError(await api.request("PUT", path, { body: { note: "hello" } }), 401);
    expectError(await api.request("PUT", path, { as: "operator", body: { note: "x".repeat(10_001) } }), 400, "note");
    expectError(await api.request("PUT", path, { as: "operator", body: { note: 42 } }), 400, "note");
    expectError(await api.request("PUT", path, { as: "operator", body: {} }), 400, "note");
    expectError(await api.request("PUT", "/api/v1/runs/no-such-run/note", { as: "operator", body: { note: "hello" } }), 404);
    expect(await api.store.listRunNotes([run.runId])).toEqual([]);
  });
});
