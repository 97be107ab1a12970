/**
 * Tries lost to infrastructure are retried without counting against the task's retries, up to a
 * bound (issue 15): a process killed from outside (as by the OOM killer), a shutdown past the
 * grace period. A try that ends its own process is the task's failure and counts.
 */
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import { TaskProcessPool } from "../../src/worker/process-pool.js";
import { Worker } from "../../src/worker/worker.js";
import { waitFor } from "../support/wait-for.js";
import { sqliteStorePerTest } from "../support/sqlite-store-per-test.js";

const LOST = resolve(import.meta.dirname, "../fixtures/engine-dags/lost.ts");
const LONG = resolve(import.meta.dirname, "../fixtures/engine-dags/long.ts");

const fixture = sqliteStorePerTest("lost");

/** Runs one task of the `lost` DAG (the others are not in its graph) to completion. */
async function runOne(taskId: string) {
  const { dag, file } = findDag(await loadDagFile(LOST), "lost");
  const graph = { ...dag.graph, tasks: dag.graph.tasks.filter((t) => t.id === taskId) };
  const result = await runToCompletion({ store: fixture.store, dag: { ...dag, graph }, file, params: {}, concurrency: 1, logicalDate: "2024-03-01" });
  const instance = result.instances.find((ti) => ti.taskId === taskId);
  return { ...result, instance, tries: await fixture.store.listTries(instance?.id ?? -1) };
}

it("a try whose process is killed from outside is retried although the task has no retries", async () => {
  const { run, instance, tries } = await runOne("killed_once");
  expect(run.state).toBe("success");
  expect(instance).toMatchObject({ state: "success", tryNumber: 2, maxTries: 2, result: "try 2" });
  expect(tries.map((t) => [t.outcome, t.errorKind])).toEqual([["failed", "lost"], ["success", null]]);
  expect(tries[0]?.error).toContain("killed by SIGKILL from outside Tributary");
});

it("a task whose process keeps being killed stops after 3 free retries and dead-letters saying why", async () => {
  const { run, instance, tries } = await runOne("always_killed");
  expect(run.state).toBe("failed");
  expect(instance).toMatchObject({ state: "failed", tryNumber: 4 });
  expect(tries.map((t) => t.errorKind)).toEqual(["lost", "lost", "lost", "lost"]);
  const [deadLetter] = await fixture.store.listDeadLetters({ open: true });
  expect(deadLetter?.error).toMatch(/^the task's tries were lost to infrastructure more than 3 times .*TRIBUTARY_LOST_TRY_RETRIES.*; last: the task process was killed by SIGKILL/);
  expect(instance?.error).toBe(deadLetter?.error);
});

it("a try that ends its own process counts against the task's retries", async () => {
  const { run, instance, tries } = await runOne("exits");
  expect(run.state).toBe("failed");
  expect(instance).toMatchObject({ state: "failed", tryNumber: 1 });
  expect(tries.map((t) => t.errorKind)).toEqual(["crash"]);
});

it("a try killed by a shutdown past its grace period gets another try after the restart", async () => {
  const { dag, file } = findDag(await loadDagFile(LONG), "long_task");
  await fixture.store.upsertDag({ dagId: dag.id, file, graph: dag.graph, now: new Date() });
  const { run } = await fixture.store.createRun({
    runId: "shutdown-run", runType: "manual", graph: dag.graph, logicalDate: new Date(), dataIntervalStart: new Date(), dataIntervalEnd: new Date(), params: {}, start: true, now: new Date(),
  });
  const pool = new TaskProcessPool({ size: 1 });
  const worker = new Worker({ store: fixture.store, pool, dags: () => new Map([[dag.id, { dag, file }]]), concurrency: 1 });
  worker.start();
  await waitFor(async () => (await fixture.store.listTaskInstances(run.runId))[0]?.state === "running", { what: "the try to start" });
  // What TributaryService.stop does once the grace period is over.
  const stopped = worker.stop();
  await pool.close();
  await stopped;
  const [instance] = await fixture.store.listTaskInstances(run.runId);
  expect(instance).toMatchObject({ state: "retrying", tryNumber: 1, maxTries: 2 });
  const [tried] = await fixture.store.listTries(instance?.id ?? -1);
  expect(tried).toMatchObject({ errorKind: "lost" });
  expect(tried?.error).toContain("pool was closed");
  expect(await fixture.store.queueDueRetries(new Date())).toBe(1);
});
