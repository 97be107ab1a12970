/**
 * DAG versions (migration 000004), for every store: each run records the version of its DAG (a
 * hash of graph and source), each version's graph and source are kept, and clearing an old run
 * says which version it will run with.
 */
import { describe, expect, it } from "vitest";
import { dagVersion } from "../../src/core/dag-version.js";
import { at, RunDriver, runInput } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const v1 = graph("versioned", [{ id: "extract" }, { id: "legacy", upstream: ["extract"] }]);
const v2 = graph("versioned", [{ id: "extract" }, { id: "load", upstream: ["extract"] }]);

for (const factory of STORES) {
  describe.sequential(`DAG versions: ${factory.name}`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("a run records the version of its graph and source; the version keeps both", async () => {
      const { run } = await ctx.store.createRun({ ...runInput(v1), source: "export default dag('versioned', ...)" });
      const version = dagVersion(v1, "export default dag('versioned', ...)");
      expect(run.dagVersion).toBe(version);
      expect((await ctx.store.getRun(run.runId))?.dagVersion).toBe(version);
      const kept = await ctx.store.getDagVersion("versioned", version);
      expect(kept).toEqual({ dagId: "versioned", version, graph: v1, source: "export default dag('versioned', ...)", createdAt: at(0) });
      expect(await ctx.store.getDagVersion("versioned", "0000000000000000")).toBeUndefined();
      expect(await ctx.store.getDagVersion("other", version)).toBeUndefined();
    });

    it("the same graph and source is one version; a changed source or graph is another", async () => {
      const a = await ctx.store.createRun({ ...runInput(v1), source: "s1" });
      const b = await ctx.store.createRun({ ...runInput(v1, { now: at(10) }), source: "s1" });
      const c = await ctx.store.createRun({ ...runInput(v1, { now: at(20) }), source: "s2" });
      const d = await ctx.store.createRun({ ...runInput(v2, { now: at(30) }), source: "s2" });
      const noSource = await ctx.store.createRun(runInput(v2, { now: at(40) }));
      expect(a.run.dagVersion).toBe(b.run.dagVersion);
      const versions = new Set([a, c, d, noSource].map((r) => r.run.dagVersion));
      expect(versions.size).toBe(4);
      const listed = await ctx.store.listDagVersions("versioned");
      expect(listed.map((v) => v.version)).toEqual([noSource, d, c, a].map((r) => r.run.dagVersion));
      // The first use of a version dates it.
      expect(listed.at(-1)?.createdAt).toEqual(at(0));
      expect(listed[0]?.source).toBeNull();
    });

    it("an old run's graph is still there after a task was removed; clearing it runs the new version and says so", async () => {
      const driver = await RunDriver.start(ctx.store, v1);
      expect(await driver.claim()).toEqual(["extract"]);
      await driver.succeed("extract");
      await driver.claim(at(3));
      await driver.fail("legacy", at(4));
      const old = await ctx.store.getRun(driver.runId);
      expect(old?.state).toBe("failed");
      const oldVersion = old?.dagVersion ?? "";
      // The DAG changed: `legacy` was removed, `load` added. The old run's graph still shows `legacy`.
      const cleared = await ctx.store.clearRun({ runId: driver.runId, graph: v2, onlyFailed: false, now: at(10), source: "v2" });
      const newVersion = dagVersion(v2, "v2");
      expect(cleared.dagVersion).toBe(newVersion);
      expect(cleared.state).toBe("queued");
      const history = await ctx.store.listStateHistory(driver.runId);
      expect(history.at(-1)?.reason).toBe(`cleared; runs with DAG version ${newVersion} (was ${oldVersion})`);
      expect((await ctx.store.getDagVersion("versioned", oldVersion))?.graph.tasks.map((t) => t.id)).toEqual(["extract", "legacy"]);
      expect((await ctx.store.getDagVersion("versioned", newVersion))?.graph.tasks.map((t) => t.id)).toEqual(["extract", "load"]);
    });

    it("clearing with the version the run already has keeps it, and says nothing more", async () => {
      const driver = await RunDriver.start(ctx.store, v1);
      await driver.claim();
      await driver.fail("extract", at(2));
      const before = await ctx.store.getRun(driver.runId);
      const cleared = await ctx.store.clearRun({ runId: driver.runId, graph: v1, onlyFailed: true, now: at(10) });
      expect(cleared.dagVersion).toBe(before?.dagVersion);
      expect((await ctx.store.listStateHistory(driver.runId)).at(-1)?.reason).toBe("failed tasks cleared");
    });

    it("clearing without the source keeps the run's version when the graph is the same", async () => {
      const { run } = await ctx.store.createRun({ ...runInput(v1), source: "v1 source" });
      const [claim] = await ctx.store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["versioned"], now: at(1) });
      if (!claim) throw new Error("nothing claimed");
      await ctx.store.completeTry({ taskInstanceId: claim.instance.id, tryNumber: 1, outcome: "failed", error: "boom", graph: v1, now: at(2) });
      const cleared = await ctx.store.clearRun({ runId: run.runId, graph: v1, onlyFailed: true, now: at(10) });
      expect(cleared.dagVersion).toBe(run.dagVersion);
      expect(await ctx.store.listDagVersions("versioned")).toHaveLength(1);
    });
  });
}
