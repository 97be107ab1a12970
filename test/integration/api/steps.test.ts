/**
 * The API shows durable steps: a task instance's answer lists the steps its tries completed, and
 * a run's history lists every step of the run for the Gantt view. The run is executed by a real
 * worker (the task runs inline), so the steps get there the way they do in a deployment.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskRunners } from "../../../src/worker/task-runners.js";
import { Worker } from "../../../src/worker/worker.js";
import { STORES } from "../../conformance/stores.js";
import { waitFor } from "../../support/wait-for.js";
import { startHarness, type ApiHarness } from "./api-harness.js";

const DAGS = fileURLToPath(new URL("../../fixtures/api-steps-dags", import.meta.url));

describe.each(STORES)("durable steps in the API ($name)", (factory) => {
  let api: ApiHarness;
  let runId: string;
  beforeAll(async () => {
    api = await startHarness(factory, { dagsDir: DAGS });
    const entry = api.registry.all().get("stepped");
    if (!entry) throw new Error("the stepped DAG did not load");
    const now = new Date();
    ({ run: { runId } } = await api.store.createRun({
      runId: "stepped__manual__api",
      runType: "manual",
      graph: entry.dag.graph,
      logicalDate: now,
      dataIntervalStart: now,
      dataIntervalEnd: now,
      params: {},
      start: true,
      now,
    }));
    const pool = new TaskRunners({ size: 1 });
    const worker = new Worker({ store: api.store, pool, dags: () => new Map([["stepped", { dag: entry.dag, file: entry.file }]]), concurrency: 1, pollIntervalMs: 50 });
    worker.start();
    try {
      await waitFor(async () => (await api.store.getRun(runId))?.state === "success", { what: "the stepped run to succeed" });
    } finally {
      await worker.stop();
      await pool.close();
    }
  });
  afterAll(async () => api?.close());

  it("GET /runs/:runId/tasks/:taskId lists the instance's completed steps with their try, times and a result preview", async () => {
    const answer = await api.request("GET", `/api/v1/runs/${encodeURIComponent(runId)}/tasks/etl`, { as: "viewer" });
    expect(answer.status).toBe(200);
    const { steps, result } = answer.body as { steps: Record<string, unknown>[]; result: unknown };
    expect(result).toBe(3);
    expect(steps).toEqual([
      { number: 1, name: "extract", kind: "run", tryNumber: 1, startedAt: expect.any(String), endedAt: expect.any(String), resultBytes: 7, resultPreview: "[1,2,3]", waiting: false },
      { number: 2, name: "load", kind: "run", tryNumber: 1, startedAt: expect.any(String), endedAt: expect.any(String), resultBytes: 1, resultPreview: "3", waiting: false },
    ]);
    const [first] = steps;
    expect(Date.parse(String(first?.endedAt))).toBeGreaterThanOrEqual(Date.parse(String(first?.startedAt)));
  });

  it("GET /runs/:runId/history lists the run's steps by task instance", async () => {
    const answer = await api.request("GET", `/api/v1/runs/${encodeURIComponent(runId)}/history`, { as: "viewer" });
    expect(answer.status).toBe(200);
    const { steps } = answer.body as { steps: { taskId: string; mapIndex: number | null; number: number; name: string }[] };
    expect(steps.map(({ taskId, mapIndex, number, name }) => ({ taskId, mapIndex, number, name }))).toEqual([
      { taskId: "etl", mapIndex: null, number: 1, name: "extract" },
      { taskId: "etl", mapIndex: null, number: 2, name: "load" },
    ]);
  });
});
