/**
 * Conformance of the lineage part of the store (src/store/contract/lineage.ts) on every dialect: dataset
 * events with their run, task, try, time and metadata; dataset summaries and writers; data-aware
 * triggers that consume an event once per DAG, even when two stores race; and the shared read
 * position of the state history that hands each change to one reader.
 */
import { describe, expect, it } from "vitest";
import { at, RunDriver, runInput } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

for (const factory of STORES) {
  describe.sequential(`Lineage store conformance: ${factory.name}`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("records a task's writes with run, task, map index, try, time and metadata, and external events with their source", async () => {
      const g = graph("d", [{ id: "a", outputDatasets: ["db://raw", "db://emitted"] }]);
      const run = await RunDriver.start(ctx.store, g);
      await run.claim();
      await run.complete("a", "success", { emitted: [{ uri: "db://emitted", metadata: { rows: 3 } }], now: at(2) });
      const external = await ctx.store.lineage.recordDatasetEvent({ uri: "db://raw", metadata: { by: "etl" }, source: "cli", now: at(3) });
      const events = await ctx.store.lineage.listDatasetEvents({});
      expect(events.map(({ id: _id, ...e }) => e)).toEqual([
        { uri: "db://raw", runId: run.runId, dagId: "d", taskId: "a", mapIndex: null, tryNumber: 1, at: at(2), metadata: {}, source: null },
        // A declared output the task also emitted is one event, with the emitted metadata.
        { uri: "db://emitted", runId: run.runId, dagId: "d", taskId: "a", mapIndex: null, tryNumber: 1, at: at(2), metadata: { rows: 3 }, source: null },
        { uri: "db://raw", runId: null, dagId: null, taskId: null, mapIndex: null, tryNumber: null, at: at(3), metadata: { by: "etl" }, source: "cli" },
      ]);
      expect(external.id).toBe(events[2]?.id);
      expect((await ctx.store.lineage.listDatasetEvents({ uri: "db://raw", afterId: events[0]?.id })).map((e) => e.source)).toEqual(["cli"]);

      const summaries = await ctx.store.lineage.summariseDatasets();
      expect(summaries.map((s) => [s.uri, s.events, s.last.source])).toEqual([
        ["db://emitted", 1, null],
        ["db://raw", 2, "cli"],
      ]);
      const writers = await ctx.store.lineage.listDatasetWriters(0);
      expect(writers.lastEventId).toBe(external.id);
      expect(writers.writers.sort((x, y) => x.uri.localeCompare(y.uri))).toEqual([
        { uri: "db://emitted", dagId: "d", taskId: "a" },
        { uri: "db://raw", dagId: "d", taskId: "a" },
      ]);
      expect(await ctx.store.lineage.listDatasetWriters(external.id)).toEqual({ writers: [], lastEventId: external.id });
    });

    it("dagsVersion changes when a DAG is recorded or changed", async () => {
      const before = await ctx.store.lineage.dagsVersion();
      await ctx.store.upsertDag({ dagId: "x", file: "x.ts", graph: graph("x", [{ id: "a" }]), now: at(1) });
      const after = await ctx.store.lineage.dagsVersion();
      expect(after).not.toBe(before);
      await ctx.store.upsertDag({ dagId: "x", file: "x.ts", graph: graph("x", [{ id: "b" }]), now: at(2) });
      expect(await ctx.store.lineage.dagsVersion()).not.toBe(after);
    });

    it("a dataset event triggers a DAG once: racing stores create one run, which records its events", async () => {
      const consumer = graph("consumer", [{ id: "c" }]);
      const e1 = await ctx.store.lineage.recordDatasetEvent({ uri: "db://clean", metadata: {}, source: "t", now: at(1) });
      const e2 = await ctx.store.lineage.recordDatasetEvent({ uri: "db://other", metadata: {}, source: "t", now: at(2) });
      const pending = await ctx.store.lineage.pendingTriggerEvents({ dagId: "consumer", uris: ["db://clean"] });
      expect(pending.map((e) => e.id)).toEqual([e1.id]);

      const other = ctx.openAnother();
      const attempt = (store: typeof ctx.store, runId: string) =>
        store.lineage.createTriggeredRun({ ...runInput(consumer, { runId, runType: "event", start: false }), eventIds: [e1.id] });
      const results = await Promise.all([attempt(ctx.store, "consumer__event__a"), attempt(other, "consumer__event__b")]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)?.run.runId ?? "";
      expect(results.map((r) => r.run.runId)).toEqual([winner, winner]);
      expect((await ctx.store.listRuns({ dagId: "consumer" })).map((r) => r.runId)).toEqual([winner]);
      expect((await ctx.store.lineage.listRunTriggers(winner)).map((e) => [e.id, e.uri])).toEqual([[e1.id, "db://clean"]]);
      expect(await ctx.store.lineage.pendingTriggerEvents({ dagId: "consumer", uris: ["db://clean"] })).toEqual([]);
      // Another DAG still sees the event; a new event is pending for the first.
      expect((await ctx.store.lineage.pendingTriggerEvents({ dagId: "another", uris: ["db://clean", "db://other"] })).map((e) => e.id)).toEqual([e1.id, e2.id]);
      const e3 = await ctx.store.lineage.recordDatasetEvent({ uri: "db://clean", metadata: {}, source: "t", now: at(3) });
      expect((await ctx.store.lineage.pendingTriggerEvents({ dagId: "consumer", uris: ["db://clean"] })).map((e) => e.id)).toEqual([e3.id]);
    });

    it("hands each state change to one reader, from where the consumer's position starts", async () => {
      await RunDriver.start(ctx.store, graph("old", [{ id: "a" }]));
      // The first call starts at the end of the history: what happened before is not reported.
      expect(await ctx.store.lineage.takeStateChanges({ consumer: "c", limit: 100, settledBefore: at(100), now: at(0) })).toEqual([]);
      const run = await RunDriver.start(ctx.store, graph("d", [{ id: "a" }, { id: "b", upstream: ["a"] }]));
      await run.claim();
      await run.succeed("a");
      const other = ctx.openAnother();
      const take = (store: typeof ctx.store) => store.lineage.takeStateChanges({ consumer: "c", limit: 3, settledBefore: at(100), now: at(5) });
      const batches = await Promise.all([take(ctx.store), take(other), take(ctx.store), take(other), take(ctx.store)]);
      const taken = batches.flat();
      const history = await ctx.store.listStateHistory(run.runId);
      expect(taken.map((c) => c.id).sort((x, y) => x - y)).toEqual(history.map((c) => c.id));
      expect(new Set(taken.map((c) => c.dagId))).toEqual(new Set(["d"]));
      // Too recent changes wait, and nothing after them is taken before them.
      await run.claim(at(10));
      expect(await ctx.store.lineage.takeStateChanges({ consumer: "c", limit: 10, settledBefore: at(9), now: at(11) })).toEqual([]);
      expect((await ctx.store.lineage.takeStateChanges({ consumer: "c", limit: 10, settledBefore: at(10), now: at(11) })).map((c) => c.toState)).toEqual(["running"]);
    });
  });
}
