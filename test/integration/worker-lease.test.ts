/**
 * A worker cut off from the store past its lease stops its own tries: the scheduler will have
 * failed them as zombies and retried them elsewhere, so letting them go on would run them twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.js";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../src/store/index.js";
import { TaskProcessPool } from "../../src/worker/process-pool.js";
import type { TaskRunOutcome } from "../../src/worker/task-protocol.js";
import { Worker } from "../../src/worker/worker.js";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/engine-dags/long.ts");
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("cancels its running tries once no heartbeat has reached the store for the lease", async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-lease-"));
  const store = openSqliteStore({ path: join(dir, "t.db") });
  await store.migrate();
  const { dag, file } = findDag(await loadDagFile(FIXTURE), "long_task");
  let storeReachable = true;
  let heartbeats = 0;
  // The same store, except that heartbeats fail while it is "unreachable".
  const flaky: Store = new Proxy(store, {
    get(target, key, receiver) {
      if (key === "heartbeat") {
        return (...args: Parameters<Store["heartbeat"]>) => {
          if (!storeReachable) return Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
          heartbeats += 1;
          return target.heartbeat(...args);
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const pool = new TaskProcessPool({ size: 1, killGraceMs: 500 });
  let finished: TaskRunOutcome | undefined;
  const worker = new Worker({
    store: flaky,
    pool,
    dags: () => new Map([[dag.id, { dag, file }]]),
    concurrency: 1,
    heartbeatMs: 100,
    // 2 s: a store write held up by the whole suite's load (a SQLite commit syncs its file) must
    // not look like a store out of reach.
    leaseMs: 2_000,
    onTryFinished: (_claimed, outcome) => {
      finished = outcome;
    },
  });
  try {
    await store.upsertDag({ dagId: dag.id, file, graph: dag.graph, now: new Date() });
    const { run } = await store.createRun({
      runId: "lease-run",
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
    // Healthy heartbeats for longer than the lease (25 at 100 ms, lease 2 s): the try keeps running.
    const beatsBefore = heartbeats;
    await waitFor(() => heartbeats >= beatsBefore + 25, { timeoutMs: 30_000, what: "25 more heartbeats" });
    expect(finished).toBeUndefined();
    storeReachable = false;
    const cutOffAt = Date.now();
    await waitFor(() => finished !== undefined, { timeoutMs: 15_000, what: "the try to be stopped" });
    expect(finished?.ok).toBe(false);
    expect(Date.now() - cutOffAt).toBeLessThan(10_000);
    const [instance] = await store.listTaskInstances(run.runId);
    // Lost to infrastructure, not failed by the task: retried without counting (issue 15).
    expect(instance?.state).toBe("retrying");
    expect(instance?.error).toMatch(/lost its lease/);
    const [tried] = await store.listTries(instance?.id ?? -1);
    expect(tried?.errorKind).toBe("lost");
  } finally {
    await worker.stop();
    await pool.close();
    await store.close();
  }
});
