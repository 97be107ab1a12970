/**
 * Everyday run management, for every store: operators' notes on runs (migration 000012) and
 * marking a whole run success or failed.
 */
import { describe, expect, it } from "vitest";
import { ConflictError, InvalidInputError, NotFoundError } from "../../src/core/errors.js";
import { MAX_RUN_NOTE_CHARS } from "../../src/store/index.js";
import { at, RunDriver } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

/** extract -> load -> report, no retries: a failure dead-letters at once. */
const pipeline = graph("managed", [{ id: "extract" }, { id: "load", upstream: ["extract"] }, { id: "report", upstream: ["load"] }]);

for (const factory of STORES) {
  describe.sequential(`run notes: ${factory.name}`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("a note is written with who and when, replaced by the next one, and removed by an empty one", async () => {
      const driver = await RunDriver.start(ctx.store, pipeline);
      const other = await RunDriver.start(ctx.store, pipeline);
      expect(await ctx.store.listRunNotes([driver.runId, other.runId])).toEqual([]);

      const first = await ctx.store.setRunNote({ runId: driver.runId, note: "rerun after the CRM outage (INC-42)", by: "alice", now: at(10) });
      expect(first).toEqual({ runId: driver.runId, note: "rerun after the CRM outage (INC-42)", updatedBy: "alice", createdAt: at(10), updatedAt: at(10) });
      const second = await ctx.store.setRunNote({ runId: driver.runId, note: "fixed: the CRM export is back\nsecond line ✓", by: "bob", now: at(20) });
      // Created when first written; updated by the latest writer.
      expect(second).toEqual({ runId: driver.runId, note: "fixed: the CRM export is back\nsecond line ✓", updatedBy: "bob", createdAt: at(10), updatedAt: at(20) });
      expect(await ctx.store.listRunNotes([driver.runId, other.runId, "no-such-run"])).toEqual([second]);

      expect(await ctx.store.setRunNote({ runId: driver.runId, note: "  \n ", by: "bob", now: at(30) })).toBeNull();
      expect(await ctx.store.listRunNotes([driver.runId])).toEqual([]);
      // Removing a note a run does not have is no error.
      expect(await ctx.store.setRunNote({ runId: other.runId, note: "", by: null, now: at(30) })).toBeNull();
    });

    it("lists the notes of many runs at once", async () => {
      const runIds: string[] = [];
      for (let i = 0; i < 3; i++) runIds.push((await RunDriver.start(ctx.store, pipeline)).runId);
      for (const [i, runId] of runIds.entries()) await ctx.store.setRunNote({ runId, note: `note ${i}`, by: null, now: at(i) });
      const notes = await ctx.store.listRunNotes([...runIds, ...runIds]);
      expect(notes.map((n) => [n.runId, n.note, n.updatedBy]).sort()).toEqual(runIds.map((runId, i) => [runId, `note ${i}`, null]).sort());
    });

    it("refuses a note on an unknown run, and a note longer than the cap, naming the field", async () => {
      await expect(ctx.store.setRunNote({ runId: "no-such-run", note: "hello", by: "alice", now: at(0) })).rejects.toBeInstanceOf(NotFoundError);
      const driver = await RunDriver.start(ctx.store, pipeline);
      const tooLong = ctx.store.setRunNote({ runId: driver.runId, note: "x".repeat(MAX_RUN_NOTE_CHARS + 1), by: "alice", now: at(0) });
      await expect(tooLong).rejects.toBeInstanceOf(InvalidInputError);
      await expect(tooLong).rejects.toMatchObject({ location: { field: "note" } });
      const longest = await ctx.store.setRunNote({ runId: driver.runId, note: "x".repeat(MAX_RUN_NOTE_CHARS), by: "alice", now: at(0) });
      expect(longest?.note).toHaveLength(MAX_RUN_NOTE_CHARS);
    });
  });

  describe.sequential(`marking a run: ${factory.name}`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("mark success: failed and upstream_failed instances succeed, the dead letter is acknowledged, the run succeeds", async () => {
      const driver = await RunDriver.start(ctx.store, pipeline);
      await driver.claim();
      await driver.fail("extract", at(2));
      expect(await driver.runState()).toBe("failed");
      expect(await ctx.store.listDeadLetters({ open: true })).toHaveLength(1);

      const run = await ctx.store.markRun({ runId: driver.runId, state: "success", now: at(10) });
      expect(run.state).toBe("success");
      expect(run.endedAt).toEqual(at(10));
      expect(await driver.states()).toEqual({ extract: "success", load: "success", report: "success" });
      expect(await ctx.store.listDeadLetters({ open: true })).toEqual([]);
      const history = await ctx.store.listStateHistory(driver.runId);
      const runMoves = history.filter((c) => c.taskId === null).map((c) => [c.fromState, c.toState, c.reason]);
      expect(runMoves.slice(-2)).toEqual([
        ["failed", "running", "marked success"],
        ["running", "success", "marked success"],
      ]);
      expect(history.filter((c) => c.taskId === "load").at(-1)).toMatchObject({ fromState: "upstream_failed", toState: "success", reason: "marked success" });
    });

    it("mark success of a running run closes the running try as cancelled and succeeds every unfinished instance", async () => {
      const driver = await RunDriver.start(ctx.store, pipeline);
      await driver.claim();
      const run = await ctx.store.markRun({ runId: driver.runId, state: "success", now: at(5) });
      expect(run.state).toBe("success");
      expect(await driver.states()).toEqual({ extract: "success", load: "success", report: "success" });
      const tries = await ctx.store.listTries(driver.claimOf("extract").instance.id);
      expect(tries).toMatchObject([{ outcome: "failed", errorKind: "cancelled", endedAt: at(5) }]);
      // The worker's heartbeat learns the try is no longer its own.
      expect(await ctx.store.heartbeat("worker-1", [driver.claimOf("extract").instance.id], at(6))).toEqual([]);
    });

    it("mark failed of a running run stops it as a cancel does, with its own reason", async () => {
      const driver = await RunDriver.start(ctx.store, pipeline);
      await driver.claim();
      const run = await ctx.store.markRun({ runId: driver.runId, state: "failed", now: at(5) });
      expect(run.state).toBe("failed");
      expect(await driver.states()).toEqual({ extract: "failed", load: "skipped", report: "skipped" });
      expect(await ctx.store.listDeadLetters({})).toEqual([]);
      expect((await ctx.store.listStateHistory(driver.runId)).at(-1)).toMatchObject({ taskId: null, fromState: "running", toState: "failed", reason: "marked failed" });
    });

    it("mark failed of a successful run fails the run and leaves its task instances as they were", async () => {
      const driver = await RunDriver.start(ctx.store, pipeline);
      await driver.claim(at(1));
      await driver.succeed("extract", undefined, at(2));
      await driver.claim(at(3));
      await driver.succeed("load", undefined, at(4));
      await driver.claim(at(5));
      await driver.succeed("report", undefined, at(6));
      expect(await driver.runState()).toBe("success");
      const run = await ctx.store.markRun({ runId: driver.runId, state: "failed", now: at(10) });
      expect(run).toMatchObject({ state: "failed", endedAt: at(10) });
      expect(await driver.states()).toEqual({ extract: "success", load: "success", report: "success" });
    });

    it("refuses to mark a run with the state it has, an unknown run, or another state", async () => {
      const driver = await RunDriver.start(ctx.store, pipeline);
      await driver.claim();
      await driver.fail("extract", at(2));
      await expect(ctx.store.markRun({ runId: driver.runId, state: "failed", now: at(3) })).rejects.toBeInstanceOf(ConflictError);
      await expect(ctx.store.markRun({ runId: "no-such-run", state: "success", now: at(3) })).rejects.toBeInstanceOf(NotFoundError);
      const bad = { runId: driver.runId, state: "running", now: at(3) } as unknown as Parameters<typeof ctx.store.markRun>[0];
      await expect(ctx.store.markRun(bad)).rejects.toBeInstanceOf(InvalidInputError);
      expect(await driver.runState()).toBe("failed");
    });
  });
}
