/**
 * A worker whose try was reclaimed while it was still running it (the zombie sweep failed it:
 * its heartbeats were late, say, after a long pause) stops that try at its next heartbeat, which
 * finds the try no longer its own: otherwise it would run on beside the retry, and the task would
 * run twice at once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import { TaskProcessPool } from "../../src/worker/process-pool.js";
import type { TaskRunOutcome } from "../../src/worker/task-protocol.js";
import { Worker } from "../../src/worker/worker.js";
import { countCalls } from "../support/call-counter.js";
import { waitFor } from "../support/wait-for.js";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/engine-dags/long.ts");
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("stops a running try that the zombie sweep has failed, and its late outcome changes nothing", async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-reclaimed-"));
  const store = openSqliteStore({ path: join(dir, "t.db") });
  await store.migrate();
  const { dag, file } = findDag(await loadDagFile(FIXTURE), "long_task");
  const pool = new TaskProcessPool({ size: 1, killGraceMs: 500 });
  let finished: TaskRunOutcome | undefined;
  const counted = countCalls(store, ["heartbeat"]);
  const worker = new Worker({
    store: counted.target,
    pool,
    dags: () => new Map([[dag.id, { dag, file }]]),
    concurrency: 1,
    heartbeatMs: 100,
    leaseMs: 60_000,
    onTryFinished: (_claimed, outcome) => {
      finished = outcome;
    },
  });
  try {
    await store.upsertDag({ dagId: dag.id, file, graph: dag.graph, now: new Date() });
    const { run } = await store.createRun({
      runId: "reclaimed-run",
      runType: "manual",
      graph: dag.graph,
      logicalDate: new Date(),
      dataIntervalStart: new Date(),
      dataIntervalEnd: new Date(),
      params: {},
      start: true,
      now: new Date(),
    });
    worker.start();
    await waitFor(async () => (await store.listTaskInstances(run.runId))[0]?.state === "running", { timeoutMs: 15_000, what: "the try to run" });
    // The worker heartbeats its try a few times: it holds it.
    const beatsBefore = counted.calls("heartbeat");
    await waitFor(() => counted.calls("heartbeat") >= beatsBefore + 3, { timeoutMs: 15_000, what: "3 more heartbeats" });
    const [instance] = await store.listTaskInstances(run.runId);
    // The sweep (of a scheduler that saw the heartbeats late) fails the try as a zombie.
    const swept = await store.completeTry({
      taskInstanceId: instance?.id ?? -1,
      tryNumber: 1,
      outcome: "failed",
      error: "zombie: worker stopped heartbeating",
      errorKind: "zombie",
      graph: dag.graph,
      now: new Date(),
    });
    expect(swept.applied).toBe(true);
    const sweptAt = Date.now();
    await waitFor(() => finished !== undefined, { timeoutMs: 15_000, what: "the worker to stop the reclaimed try" });
    expect(finished?.ok).toBe(false);
    expect(Date.now() - sweptAt).toBeLessThan(3_000);
    expect(finished?.ok === false ? finished.error.message : "").toMatch(/no longer this worker's/);
    // The zombie verdict stands.
    const tries = await store.listTries(instance?.id ?? -1);
    expect(tries.map((t) => [t.outcome, t.errorKind])).toEqual([["failed", "zombie"]]);
  } finally {
    await worker.stop();
    await pool.close();
    await store.close();
  }
});
