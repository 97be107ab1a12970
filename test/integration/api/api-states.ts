/**
 * Puts runs and task instances of the `report` fixture DAG into the states the API tests need,
 * through the store the way a worker would (claim, log, complete), without running task code.
 * Runs are triggered through the API, so they are what a real caller would have created.
 */
import type { DagGraph } from "../../../src/core/types.js";
import type { ClaimedTask } from "../../../src/store/index.js";
import type { ApiHarness } from "./api-harness.js";

/** What the tests read of a run in a response body. */
export interface RunJson {
  readonly runId: string;
  readonly dagId: string;
  readonly state: string;
}

let day = 0;
/** A fresh logical date per call, so runs of one harness never collide. */
export function nextLogicalDate(): string {
  return new Date(Date.UTC(2020, 0, 1) + day++ * 86_400_000).toISOString().slice(0, 10);
}

export function graphOf(api: ApiHarness, dagId = "report"): DagGraph {
  const entry = api.registry.get(dagId);
  if (!entry) throw new Error(`fixture DAG ${dagId} is not loaded`);
  return entry.dag.graph;
}

/** Triggers a `queued` run through the API as the operator. */
export async function triggerRun(api: ApiHarness, params: Record<string, unknown> = {}, dagId = "report"): Promise<RunJson> {
  const response = await api.request("POST", `/api/v1/dags/${dagId}/runs`, { as: "operator", body: { params, logicalDate: nextLogicalDate() } });
  if (response.status !== 201) throw new Error(`trigger failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as RunJson;
}

/** Claims the queued instances of `runId` (others claimed on the way are left running). */
async function claim(api: ApiHarness, runId: string, dagId: string): Promise<ClaimedTask[]> {
  const claims = await api.store.claimNextTasks({ workerId: "api-test", limit: 100, dagIds: [dagId], now: new Date() });
  return claims.filter((c) => c.run.runId === runId);
}

async function logAndComplete(api: ApiHarness, c: ClaimedTask, outcome: "success" | "failed", dagId: string) {
  await api.store.appendLogs(c.tryId, [{ at: new Date(), stream: "log", level: "info", message: `${c.instance.taskId} try ${c.tryNumber} says hello` }]);
  return api.store.completeTry({
    taskInstanceId: c.instance.id,
    tryNumber: c.tryNumber,
    outcome,
    result: outcome === "success" ? { task: c.instance.taskId } : undefined,
    error: outcome === "failed" ? `${c.instance.taskId} failed on purpose` : undefined,
    errorKind: outcome === "failed" ? "error" : undefined,
    graph: graphOf(api, dagId),
    now: new Date(),
  });
}

/** A running run whose first task (`extract` of `report`) is running, with one log line. */
export async function runningRun(api: ApiHarness, dagId = "report"): Promise<RunJson> {
  const run = await triggerRun(api, {}, dagId);
  await api.store.startRun(run.runId, graphOf(api, dagId), new Date());
  const claims = await claim(api, run.runId, dagId);
  for (const c of claims) await api.store.appendLogs(c.tryId, [{ at: new Date(), stream: "log", level: "info", message: `${c.instance.taskId} is working` }]);
  return { ...run, state: "running" };
}

/** A finished run: every task succeeded, or the first task failed (and the rest are upstream_failed). */
export async function finishedRun(api: ApiHarness, outcome: "success" | "failed", dagId = "report"): Promise<RunJson> {
  const run = await triggerRun(api, {}, dagId);
  const graph = graphOf(api, dagId);
  await api.store.startRun(run.runId, graph, new Date());
  for (let round = 0; round < 20; round++) {
    const current = await api.store.getRun(run.runId);
    if (current?.state === "success" || current?.state === "failed") return { ...run, state: current.state };
    const claims = await claim(api, run.runId, dagId);
    if (claims.length === 0) throw new Error(`run ${run.runId} is ${current?.state} with nothing to claim`);
    for (const c of claims) {
      const done = await logAndComplete(api, c, outcome, dagId);
      // A task with retries left would wait: fail it for good instead.
      if (outcome === "failed" && done.state !== "failed") {
        await api.store.markTaskInstance({ runId: run.runId, taskId: c.instance.taskId, mapIndex: c.instance.mapIndex, state: "failed", graph, now: new Date() });
      }
    }
  }
  throw new Error(`run ${run.runId} did not finish`);
}
