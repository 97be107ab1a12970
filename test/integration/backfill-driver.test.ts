/**
 * Backfills created through the store (as the REST API does) and driven by the scheduler
 * (scheduler/backfill-driver.ts): real services on a real SQLite store, workers running the tasks
 * in their process pools. Each test has its own store in a temporary folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countCalls } from "../support/call-counter.js";
import { waitForValue } from "../support/wait-for.js";
import { planBackfill } from "../../src/scheduler/backfill.js";
import { storedIntervals } from "../../src/scheduler/backfill-driver.js";
import { TributaryService } from "../../src/app/tributary-service.js";
import type { BackfillRecord } from "../../src/store/index.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../src/store/index.js";

const DAGS = resolve(import.meta.dirname, "../fixtures/backfill-driver-dags");
const TEN_DAYS = { from: new Date("2024-01-01T00:00:00Z"), to: new Date("2024-01-10T00:00:00Z") };

let dir: string;
const stores: Store[] = [];
const services: TributaryService[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-backfill-driver-"));
});

afterEach(async () => {
  for (const service of services.splice(0)) await service.stop(5_000);
  for (const store of stores.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function openStore(): Promise<Store> {
  const store = openSqliteStore({ path: join(dir, "t.db") });
  stores.push(store);
  const report = await store.migrate();
  if (report.error) throw report.error;
  return store;
}

async function startService(store: Store, roles = { scheduler: true, worker: true }): Promise<TributaryService> {
  const service = new TributaryService({ store, dagsDir: DAGS, concurrency: 4, tickMs: 100, roles });
  services.push(service);
  await service.start();
  return service;
}

async function createBackfill(store: Store, service: TributaryService, dagId: string, maxActiveRuns: number): Promise<BackfillRecord> {
  const entry = service.registry.get(dagId);
  if (!entry) throw new Error(`DAG ${dagId} is not loaded`);
  const plan = await planBackfill(store, entry, TEN_DAYS, "skip");
  return store.createBackfill({ dagId, ...TEN_DAYS, reprocess: "skip", maxActiveRuns, createdBy: "test", intervals: storedIntervals(plan), now: new Date() });
}

function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  return waitForValue(read, done, { what, timeoutMs, intervalMs: 100 });
}

describe("backfills driven by the scheduler", () => {
  it("a 10-day backfill created through the store runs to completion, never more than maxActiveRuns at once, with two schedulers", async () => {
    const store = await openStore();
    const service = await startService(store);
    // A second scheduler on the same database: intervals must still start once each.
    await startService(await openStore(), { scheduler: true, worker: false });
    const created = await createBackfill(store, service, "driven_daily", 3);
    expect(created.progress).toEqual({ total: 10, done: 0, succeeded: 0, failed: 0, skipped: 0, running: 0 });

    let maxRunning = 0;
    const finished = await waitFor(
      "the backfill to complete",
      async () => {
        const backfill = await store.getBackfill(created.id);
        maxRunning = Math.max(maxRunning, backfill?.progress.running ?? 0);
        return backfill;
      },
      (b) => b?.state === "completed",
    );
    expect(finished).toMatchObject({ state: "completed", progress: { total: 10, done: 10, succeeded: 10, failed: 0, running: 0 } });
    expect(finished?.endedAt).not.toBeNull();
    expect(maxRunning).toBeLessThanOrEqual(3);

    const runs = await store.listRunsBetween("driven_daily", TEN_DAYS.from, TEN_DAYS.to);
    expect(runs.map((r) => [r.logicalDate.toISOString().slice(0, 10), r.runType, r.state])).toEqual(
      Array.from({ length: 10 }, (_, i) => [`2024-01-${String(i + 1).padStart(2, "0")}`, "backfill", "success"]),
    );
    for (const run of runs) {
      const load = (await store.listTaskInstances(run.runId)).find((ti) => ti.taskId === "load");
      expect(load).toMatchObject({ state: "success", tryNumber: 1, result: `loaded ${run.logicalDate.toISOString().slice(0, 10)}` });
    }
  }, 60_000);

  it("cancelling stops it from starting runs; the runs in flight finish", async () => {
    const store = await openStore();
    // Each scheduler tick reads the paused DAGs once, as it begins: counting them counts ticks.
    const ticks = countCalls(store, ["listPausedDagIds"]);
    const service = await startService(ticks.target);
    const created = await createBackfill(store, service, "driven_slow", 1);
    await waitFor("the first run to start", () => store.getBackfill(created.id), (b) => (b?.progress.running ?? 0) > 0);

    const cancelled = await store.cancelBackfill(created.id, new Date());
    expect(cancelled.state).toBe("cancelled");
    const settled = await waitFor("the run in flight to finish", () => store.getBackfill(created.id), (b) => b?.progress.running === 0);
    // Eight more whole scheduler ticks: it must not start anything else.
    const tickedAt = ticks.calls("listPausedDagIds");
    await waitFor("8 more scheduler ticks", () => Promise.resolve(ticks.calls("listPausedDagIds")), (n) => n > tickedAt + 8);
    const runs = await store.listRunsBetween("driven_slow", TEN_DAYS.from, TEN_DAYS.to);
    expect(runs.length).toBeLessThanOrEqual(2);
    expect(runs.every((r) => r.state === "success")).toBe(true);
    expect(await store.getBackfill(created.id)).toMatchObject({ state: "cancelled", progress: { total: 10, done: runs.length, running: 0 } });
    expect(settled?.progress.done).toBe(runs.length);
    await expect(store.cancelBackfill(created.id, new Date())).rejects.toMatchObject({ code: "CONFLICT" });
  }, 60_000);
});
