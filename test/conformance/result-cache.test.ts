/**
 * Conformance of cached task results (store/contract/result-cache.ts) on every store in STORES:
 * a successful try with a cache note stores its result until it expires, a hit is recorded as a
 * success with the cached result (handed downstream) and marked on the try, and nothing else is
 * stored or served.
 */
import { describe, expect, it } from "vitest";
import type { DagGraph } from "../../src/core/types.js";
import type { Store, TryCacheNote } from "../../src/store/index.js";
import { at, RunDriver } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const report = graph("cached", [
  { id: "extract", outputDatasets: ["db://raw"] },
  { id: "load", upstream: ["extract"], inputs: { rows: "extract" } },
]);

/** Claims and completes `extract` of a new run with a cache note; resolves to the driver. */
async function runExtract(store: Store, dag: DagGraph, outcome: "success" | "failed", cache: TryCacheNote, result: unknown, now = 2): Promise<RunDriver> {
  const run = await RunDriver.start(store, dag, { now: at(now - 2) });
  await run.claim(at(now - 1));
  const claim = run.claimOf("extract");
  const recorded = await store.completeTry({
    taskInstanceId: claim.instance.id,
    tryNumber: claim.tryNumber,
    outcome,
    result,
    error: outcome === "failed" ? "boom" : undefined,
    errorKind: outcome === "failed" ? "error" : undefined,
    graph: dag,
    now: at(now),
    cache,
  });
  expect(recorded.applied).toBe(true);
  return run;
}

/** Runs what `extract` queued, so the next run's claim takes only its own instances. */
async function finish(run: RunDriver): Promise<void> {
  for (const key of await run.claim(at(500))) await run.succeed(key, null, at(501));
}

const miss = (key: string, expiresInSeconds: number, now = 2): TryCacheNote => ({ key, label: `label of ${key}`, hit: false, expiresAt: at(now + expiresInSeconds) });

for (const factory of STORES) {
  describe.sequential(`Store conformance (${factory.name}): cached task results`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("stores a successful try's result under its key until it expires, and marks the try with its key", async () => {
      const { store } = ctx;
      const run = await runExtract(store, report, "success", miss("k1", 60), { rows: 3 });
      await finish(run);
      const found = await store.resultCache.find({ dagId: "cached", taskId: "extract", key: "k1", now: at(61) });
      expect(found).toEqual({ dagId: "cached", taskId: "extract", key: "k1", result: { rows: 3 }, runId: run.runId, storedAt: at(2), expiresAt: at(62) });
      // Another process sees it; at its expiry it is gone; other keys and tasks do not share it.
      expect(await ctx.openAnother().resultCache.find({ dagId: "cached", taskId: "extract", key: "k1", now: at(10) })).toBeDefined();
      expect(await store.resultCache.find({ dagId: "cached", taskId: "extract", key: "k1", now: at(62) })).toBeUndefined();
      expect(await store.resultCache.find({ dagId: "cached", taskId: "extract", key: "k2", now: at(10) })).toBeUndefined();
      expect(await store.resultCache.find({ dagId: "cached", taskId: "load", key: "k1", now: at(10) })).toBeUndefined();
      expect(await store.resultCache.find({ dagId: "other", taskId: "extract", key: "k1", now: at(10) })).toBeUndefined();

      const [attempt] = await store.listTries(run.claimOf("extract").instance.id);
      expect(attempt).toMatchObject({ outcome: "success", cacheKey: "label of k1", cached: false });
    });

    it("records a hit as a success with the cached result: marked cached, handed downstream, no dataset event", async () => {
      const { store } = ctx;
      await finish(await runExtract(store, report, "success", miss("k1", 3_600), { rows: 3 }));
      const second = await runExtract(store, report, "success", { key: "k1", label: "label of k1", hit: true }, { rows: 3 }, 100);
      const extract = await second.instance("extract");
      expect(extract).toMatchObject({ state: "success", result: { rows: 3 } });
      expect(await store.getTaskResults(second.runId, ["extract"])).toEqual(new Map([["extract", { rows: 3 }]]));
      expect((await second.instance("load")).state).toBe("queued");
      const [attempt] = await store.listTries(extract.id);
      expect(attempt).toMatchObject({ outcome: "success", cacheKey: "label of k1", cached: true });
      // The stored entry is the first run's, unchanged (a hit does not extend it).
      expect((await store.resultCache.find({ dagId: "cached", taskId: "extract", key: "k1", now: at(200) }))?.storedAt).toEqual(at(2));
      // Only the try that ran wrote its output dataset.
      const events = await store.lineage.listDatasetEvents({ uri: "db://raw" });
      expect(events.map((e) => e.runId)).not.toContain(second.runId);
      expect(events).toHaveLength(1);
    });

    it("stores nothing for a failed try, nor for a try completed twice", async () => {
      const { store } = ctx;
      const run = await runExtract(store, report, "failed", miss("k1", 60), undefined);
      expect(await store.resultCache.find({ dagId: "cached", taskId: "extract", key: "k1", now: at(3) })).toBeUndefined();
      const [attempt] = await store.listTries(run.claimOf("extract").instance.id);
      expect(attempt).toMatchObject({ outcome: "failed", cacheKey: "label of k1", cached: false });

      const late = await store.completeTry({
        taskInstanceId: run.claimOf("extract").instance.id,
        tryNumber: 1,
        outcome: "success",
        result: 1,
        graph: report,
        now: at(4),
        cache: miss("k1", 60, 4),
      });
      expect(late.applied).toBe(false);
      expect(await store.resultCache.find({ dagId: "cached", taskId: "extract", key: "k1", now: at(5) })).toBeUndefined();
    });

    it("a new success replaces an expired result; tries of tasks without cache have no key", async () => {
      const { store } = ctx;
      await finish(await runExtract(store, report, "success", miss("k1", 10), "old"));
      await finish(await runExtract(store, report, "success", miss("k1", 10, 50), "new", 50));
      expect((await store.resultCache.find({ dagId: "cached", taskId: "extract", key: "k1", now: at(55) }))?.result).toBe("new");

      const plain = await RunDriver.start(store, graph("plain", [{ id: "a" }]));
      await plain.claim();
      await plain.succeed("a", 1);
      const [attempt] = await store.listTries(plain.claimOf("a").instance.id);
      expect(attempt).toMatchObject({ cacheKey: null, cached: false });
    });

    it("invalidate forgets a DAG's results, or one task's", async () => {
      const { store } = ctx;
      const twoTasks = graph("cached", [{ id: "extract" }, { id: "load" }]);
      await runExtract(store, twoTasks, "success", miss("k1", 600), 1);
      const run = await RunDriver.start(store, twoTasks);
      await run.claim();
      const claim = run.claimOf("load");
      await store.completeTry({ taskInstanceId: claim.instance.id, tryNumber: 1, outcome: "success", result: 2, graph: twoTasks, now: at(2), cache: miss("k1", 600) });
      await runExtract(store, graph("other", [{ id: "extract" }]), "success", miss("k1", 600), 3);

      expect(await store.resultCache.invalidate({ dagId: "cached", taskId: "load" })).toBe(1);
      expect(await store.resultCache.find({ dagId: "cached", taskId: "load", key: "k1", now: at(3) })).toBeUndefined();
      expect(await store.resultCache.find({ dagId: "cached", taskId: "extract", key: "k1", now: at(3) })).toBeDefined();
      expect(await store.resultCache.invalidate({ dagId: "cached" })).toBe(1);
      expect(await store.resultCache.find({ dagId: "cached", taskId: "extract", key: "k1", now: at(3) })).toBeUndefined();
      expect(await store.resultCache.find({ dagId: "other", taskId: "extract", key: "k1", now: at(3) })).toBeDefined();
    });
  });
}
