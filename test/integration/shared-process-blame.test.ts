/**
 * Two DAGs whose tries share one task process (more slots than processes): when one try ends the
 * process with process.exit, its own try is the crash, and the neighbour's try is recorded as
 * lost to it and retried without counting against its (zero) retries (issue 15).
 */
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { createRetryTimer } from "../../src/scheduler/retry-timer.js";
import { TaskProcessPool } from "../../src/worker/process-pool.js";
import { Worker, type RunnableDag } from "../../src/worker/worker.js";
import { waitFor } from "../support/wait-for.js";
import { sqliteStorePerTest } from "../support/sqlite-store-per-test.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/engine-dags");

const fixture = sqliteStorePerTest("blame");

async function start(dagId: string): Promise<{ runnable: RunnableDag; runId: string }> {
  const runnable = findDag(await loadDagFile(join(FIXTURES, `${dagId}.ts`)), dagId);
  const { dag, file } = runnable;
  const now = new Date();
  await fixture.store.upsertDag({ dagId: dag.id, file, graph: dag.graph, now });
  const { run } = await fixture.store.createRun({
    runId: `${dagId}-run`, runType: "manual", graph: dag.graph, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, params: {}, start: true, now,
  });
  return { runnable, runId: run.runId };
}

it("blames the try that called process.exit and retries its neighbour from another DAG for free", async () => {
  const crasher = await start("crasher");
  const bystander = await start("bystander");
  const dags = new Map([[crasher.runnable.dag.id, crasher.runnable], [bystander.runnable.dag.id, bystander.runnable]]);
  const pool = new TaskProcessPool({ size: 2, processes: 1 });
  const worker = new Worker({ store: fixture.store, pool, dags: () => dags, concurrency: 2, pollIntervalMs: 50 });
  const timer = createRetryTimer({ store: fixture.store, onQueued: () => worker.wake(), onError: (error) => { throw error; } });
  worker.start();
  timer.start();
  try {
    const settled = async (runId: string) => ["success", "failed"].includes((await fixture.store.getRun(runId))?.state ?? "");
    await waitFor(async () => (await settled(crasher.runId)) && (await settled(bystander.runId)), { timeoutMs: 20_000, what: "both runs to end" });
  } finally {
    await timer.stop();
    await worker.stop();
    await pool.close();
  }
  const [exits] = await fixture.store.listTaskInstances(crasher.runId);
  expect(exits).toMatchObject({ state: "failed", tryNumber: 1 });
  const [exitTry] = await fixture.store.listTries(exits?.id ?? -1);
  expect(exitTry?.errorKind).toBe("crash");
  expect(exitTry?.error).toMatch(/^the task called process\.exit\(1\), which ended its task process/);

  const [waits] = await fixture.store.listTaskInstances(bystander.runId);
  expect(waits).toMatchObject({ state: "success", tryNumber: 2, maxTries: 2, result: "try 2" });
  const [lostTry] = await fixture.store.listTries(waits?.id ?? -1);
  expect(lostTry?.errorKind).toBe("lost");
  expect(lostTry?.error).toMatch(/^the task process it shared was ended by process\.exit\(1\) in crasher\.exits try 1; this try did nothing wrong/);
});
