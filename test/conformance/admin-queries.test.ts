/**
 * Conformance of the store queries behind the admin pages, on every store: the audit log's
 * filters (action, actor with the names it qualifies, target, time range, paging) and each
 * pool's occupancy (running and queued task instances).
 */
import { describe, expect, it } from "vitest";
import { at, RunDriver } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

for (const factory of STORES) {
  describe.sequential(`Store conformance (${factory.name}): admin queries`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("filters the audit log by action, actor, target and time, latest first, paged by id", async () => {
      const { access } = ctx.store;
      const entries = [
        { actor: "alice", action: "run.trigger", target: "sales", now: at(1) },
        { actor: "alice (token ci)", action: "run.trigger", target: "sales", now: at(2) },
        { actor: "alice_b", action: "dag.pause", target: "sales", now: at(3) },
        { actor: "alicex (token y)", action: "dag.pause", target: "orders", now: at(4) },
        { actor: "cli (root)", action: "alert.ack", target: "7", now: at(5) },
        { actor: "Alice", action: "alert.ack", target: "8", now: at(6) },
      ];
      for (const entry of entries) await access.appendAudit(entry);
      const list = async (filter: Parameters<typeof access.listAudit>[0]) => (await access.listAudit(filter)).map((e) => `${e.actor}|${e.action}|${e.target ?? ""}`);

      expect(await list({ action: "dag.pause" })).toEqual(["alicex (token y)|dag.pause|orders", "alice_b|dag.pause|sales"]);
      // A user name matches the user and their tokens, nobody whose name merely starts the same
      // (`_` is no wildcard), and case counts.
      expect(await list({ actor: "alice" })).toEqual(["alice (token ci)|run.trigger|sales", "alice|run.trigger|sales"]);
      expect(await list({ actor: "alice (token ci)" })).toEqual(["alice (token ci)|run.trigger|sales"]);
      expect(await list({ actor: "alice_b" })).toEqual(["alice_b|dag.pause|sales"]);
      expect(await list({ actor: "cli" })).toEqual(["cli (root)|alert.ack|7"]);
      expect(await list({ target: "sales", action: "run.trigger" })).toHaveLength(2);
      // since is included, until is not.
      expect(await list({ since: at(3), until: at(5) })).toEqual(["alicex (token y)|dag.pause|orders", "alice_b|dag.pause|sales"]);
      expect(await list({ until: at(1) })).toEqual([]);

      const all = await access.listAudit({});
      expect(all.map((e) => e.at.getTime())).toEqual([6, 5, 4, 3, 2, 1].map((s) => at(s).getTime()));
      const page = await access.listAudit({ limit: 2, beforeId: all[1]?.id });
      expect(page.map((e) => e.id)).toEqual([all[2]?.id, all[3]?.id]);
    });

    it("counts each pool's running and queued task instances, configured or not", async () => {
      const { store } = ctx;
      expect(await store.listPoolUsage()).toEqual([]);
      await store.setPool({ name: "warehouse", slots: 1, now: at(0) });
      const tasks = graph("pooled", [{ id: "a", pool: "warehouse" }, { id: "b", pool: "warehouse" }, { id: "c", pool: "api" }, { id: "d" }]);
      const driver = await RunDriver.start(store, tasks);
      // Before a claim: everything waits in the queue.
      expect(await store.listPoolUsage()).toEqual([
        { pool: "api", running: 0, queued: 1 },
        { pool: "warehouse", running: 0, queued: 2 },
      ]);
      // The warehouse has one slot: one of its tasks runs, the other waits.
      expect(await driver.claim()).toHaveLength(3);
      expect(await store.listPoolUsage()).toEqual([
        { pool: "api", running: 1, queued: 0 },
        { pool: "warehouse", running: 1, queued: 1 },
      ]);
      await driver.succeed("c");
      expect(await store.listPoolUsage()).toEqual([{ pool: "warehouse", running: 1, queued: 1 }]);
    });
  });
}
