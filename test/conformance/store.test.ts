/**
 * The Store conformance suite (docs/architecture.md §6 and "Storage"): written
 * once against the `Store` interface and run for every factory in `STORES`. Each test gets an empty,
 * migrated database of its own (use-store.ts) and asserts what the store recorded.
 */
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/core/errors.js";
import type { Backoff, TaskState, TriggerRule } from "../../src/core/types.js";
import type { ClaimedTask, Store, StoredLogLine } from "../../src/store/index.js";
import { keepSpareStoreChildren, raceChildren, startStoreChild } from "./children.js";
import { at, RunDriver, runInput, T0 } from "./driver.js";
import { graph, wideGraph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";
import { describeSchedulingConformance } from "./scheduling.js";
import { describeOperationsConformance } from "./operations.js";
import { migrationsFor } from "../../src/store/sql/migrations/index.js";
import { dagVersion } from "../../src/core/dag-version.js";

const ALL_MIGRATIONS = Object.keys(migrationsFor("sqlite"));

const ids = (claims: readonly ClaimedTask[]): number[] => claims.map((c) => c.instance.id);

// Two tests per store race two other processes each; the migrations suites need theirs right away.
keepSpareStoreChildren(2 * STORES.length, 4 * STORES.length);

// The suites (per store: migrations, operations, scheduling.ts's) run side by side: one mostly
// waits on its database or its child processes while another works. Within a suite, tests run
// one after another (describe.sequential), each on its own empty database.
for (const factory of STORES) {
  describe.concurrent(`Store conformance: ${factory.name}`, () => describeSchedulingConformance(factory));
  describe.concurrent(`Store conformance: ${factory.name}`, () => describeOperationsConformance(factory));
  describe.concurrent(`Store conformance: ${factory.name}`, () => {
    describe.sequential("migrations", () => {
      const ctx = useStore(factory, { migrate: false });

      it("applies every migration once, in order; a second migrate applies nothing", async () => {
        const first = await ctx.store.migrate();
        expect(first.error).toBeUndefined();
        expect(first.applied).toEqual(ALL_MIGRATIONS);

        const second = await ctx.store.migrate();
        expect(second).toEqual({ applied: [], error: undefined });
        const other = ctx.openAnother();
        expect(await other.migrate()).toEqual({ applied: [], error: undefined });

        // The schema is there and shared: a run created through one store is read by the other.
        const { run } = await ctx.store.createRun(runInput(graph("m", [{ id: "a" }])));
        expect((await other.getRun(run.runId))?.dagId).toBe("m");
      });

      it("concurrent migrate from two stores on the same database: both succeed, applied once", async () => {
        const a = ctx.store;
        const b = ctx.openAnother();
        const reports = await Promise.all([a.migrate(), b.migrate()]);
        expect(reports.map((r) => r.error)).toEqual([undefined, undefined]);
        expect(reports.flatMap((r) => r.applied)).toEqual(ALL_MIGRATIONS);

        const { run } = await b.createRun(runInput(graph("m", [{ id: "a" }])));
        expect((await a.listTaskInstances(run.runId)).map((ti) => ti.state)).toEqual(["queued"]);
      });

      it("concurrent migrate from two processes: both succeed, applied once", async () => {
        const outputs = await raceChildren(
          [1, 2].map(() => startStoreChild(factory.name, ctx.place.address, ["migrate"])),
        );
        expect(outputs).toHaveLength(2);
        expect(outputs.map((o) => (o as { error: unknown }).error)).toEqual([null, null]);
        expect(outputs.flatMap((o) => (o as { applied: string[] }).applied)).toEqual(ALL_MIGRATIONS);
        expect(await ctx.store.migrate()).toEqual({ applied: [], error: undefined });
      }, 20_000);
    });
  });

  describe.concurrent(`Store conformance: ${factory.name}`, () => {
    describe.sequential("operations", () => {
      const ctx = useStore(factory, { migrate: true });

      describe("DAGs", () => {
        it("upsertDag records a DAG and refreshes its file and structure", async () => {
          const g1 = graph("sales", [{ id: "a" }]);
          await ctx.store.upsertDag({ dagId: "sales", file: "dags/sales.ts", graph: g1, now: at(0) });
          expect(await ctx.store.getDag("sales")).toEqual({
            dagId: "sales",
            file: "dags/sales.ts",
            isPaused: false,
            graph: g1,
            updatedAt: at(0),
          });
          const g2 = graph("sales", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
          await ctx.store.upsertDag({ dagId: "sales", file: "dags/sales2.ts", graph: g2, now: at(5) });
          expect(await ctx.store.getDag("sales")).toEqual({
            dagId: "sales",
            file: "dags/sales2.ts",
            isPaused: false,
            graph: g2,
            updatedAt: at(5),
          });
          expect(await ctx.store.getDag("nope")).toBeUndefined();
        });
      });

      describe("createRun", () => {
        it("creates the run and one scheduled task instance per task, with history", async () => {
          const g = graph("d", [
            { id: "a", priority: 3, pool: "db", retries: 2 },
            { id: "b", upstream: ["a"] },
          ]);
          const input = runInput(g, { runId: "r1", start: false, params: { region: "eu" }, now: at(0) });
          const result = await ctx.store.createRun(input);
          expect(result.created).toBe(true);
          const expectedRun = {
            runId: "r1",
            dagId: "d",
            runType: "manual",
            state: "queued",
            logicalDate: input.logicalDate,
            dataIntervalStart: input.dataIntervalStart,
            dataIntervalEnd: input.dataIntervalEnd,
            params: { region: "eu" },
            createdAt: at(0),
            startedAt: null,
            endedAt: null,
            dagVersion: dagVersion(g, undefined),
          };
          expect(result.run).toEqual(expectedRun);
          expect(await ctx.store.getRun("r1")).toEqual(expectedRun);

          const instances = await ctx.store.listTaskInstances("r1");
          expect(instances).toHaveLength(2);
          expect(instances[0]).toMatchObject({
            runId: "r1",
            dagId: "d",
            taskId: "a",
            mapIndex: null,
            state: "scheduled",
            tryNumber: 0,
            maxTries: 3,
            priority: 3,
            pool: "db",
            queuedAt: null,
            startedAt: null,
            endedAt: null,
            nextRetryAt: null,
            workerId: null,
            result: null,
            error: null,
          });
          expect(instances[1]).toMatchObject({ taskId: "b", state: "scheduled", maxTries: 1, pool: null });

          const history = await ctx.store.listStateHistory("r1");
          expect(history.map((h) => [h.taskId, h.fromState, h.toState])).toEqual([
            [null, null, "queued"],
            ["a", null, "scheduled"],
            ["b", null, "scheduled"],
          ]);
          expect(history.every((h) => h.runId === "r1" && h.at.getTime() === at(0).getTime())).toBe(true);
          expect(await ctx.store.getRun("missing")).toBeUndefined();
        });

        it("start: true queues exactly the root tasks and starts the run", async () => {
          const g = graph("d", [{ id: "a" }, { id: "b" }, { id: "c", upstream: ["a", "b"] }, { id: "d", upstream: ["c"] }]);
          const { run } = await ctx.store.createRun(runInput(g, { runId: "r1", now: at(3) }));
          expect(run).toMatchObject({ state: "running", startedAt: at(3), endedAt: null });
          const instances = await ctx.store.listTaskInstances("r1");
          expect(Object.fromEntries(instances.map((ti) => [ti.taskId, ti.state]))).toEqual({
            a: "queued",
            b: "queued",
            c: "scheduled",
            d: "scheduled",
          });
          expect(instances.find((ti) => ti.taskId === "a")?.queuedAt).toEqual(at(3));
          expect(instances.find((ti) => ti.taskId === "c")?.queuedAt).toBeNull();
        });

        it("startRun starts a queued run once", async () => {
          const g = graph("d", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
          await ctx.store.createRun(runInput(g, { runId: "r1", start: false, now: at(0) }));
          expect((await ctx.store.listTaskInstances("r1")).map((ti) => ti.state)).toEqual(["scheduled", "scheduled"]);

          const started = await ctx.store.startRun("r1", g, at(7));
          expect(started).toMatchObject({ runId: "r1", state: "running", startedAt: at(7) });
          expect((await ctx.store.listTaskInstances("r1")).map((ti) => ti.state)).toEqual(["queued", "scheduled"]);
          const historyLength = (await ctx.store.listStateHistory("r1")).length;

          const again = await ctx.store.startRun("r1", g, at(9));
          expect(again).toMatchObject({ state: "running", startedAt: at(7) });
          expect(await ctx.store.listStateHistory("r1")).toHaveLength(historyLength);
          await expect(ctx.store.startRun("missing", g, at(9))).rejects.toBeInstanceOf(NotFoundError);
        });

        it("a run of a DAG without tasks succeeds as soon as it starts", async () => {
          const { run } = await ctx.store.createRun(runInput(graph("empty", []), { runId: "r1", now: at(1) }));
          expect(run).toMatchObject({ state: "success", startedAt: at(1), endedAt: at(1) });
          expect(await ctx.store.listTaskInstances("r1")).toEqual([]);
        });

        it("scheduled and backfill runs are idempotent per (DAG, logical date)", async () => {
          const g = graph("daily", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
          const day1 = new Date(Date.UTC(2024, 0, 1));
          const day2 = new Date(Date.UTC(2024, 0, 2));
          const first = await ctx.store.createRun(runInput(g, { runId: "s1", runType: "scheduled", logicalDate: day1 }));
          expect(first.created).toBe(true);
          const history = await ctx.store.listStateHistory("s1");

          const again = await ctx.store.createRun(
            runInput(g, { runId: "s2", runType: "scheduled", logicalDate: day1, now: at(60) }),
          );
          expect(again.created).toBe(false);
          expect(again.run).toEqual(first.run);
          const backfill = await ctx.store.createRun(runInput(g, { runId: "b1", runType: "backfill", logicalDate: day1 }));
          expect(backfill.created).toBe(false);
          expect(backfill.run.runId).toBe("s1");

          expect((await ctx.store.listRuns({ dagId: "daily" })).map((r) => r.runId)).toEqual(["s1"]);
          expect(await ctx.store.listTaskInstances("s1")).toHaveLength(2);
          expect(await ctx.store.listTaskInstances("s2")).toEqual([]);
          expect(await ctx.store.getRun("s2")).toBeUndefined();
          expect(await ctx.store.listStateHistory("s1")).toEqual(history);

          // Another logical date, or another DAG on the same date, is another run.
          const next = await ctx.store.createRun(runInput(g, { runId: "b2", runType: "backfill", logicalDate: day2 }));
          expect(next.created).toBe(true);
          const other = await ctx.store.createRun(
            runInput(graph("other", [{ id: "a" }]), { runId: "o1", runType: "scheduled", logicalDate: day1 }),
          );
          expect(other.created).toBe(true);
          const backfillAgain = await ctx.store.createRun(
            runInput(g, { runId: "s3", runType: "scheduled", logicalDate: day2 }),
          );
          expect(backfillAgain).toMatchObject({ created: false, run: { runId: "b2", runType: "backfill" } });
        });

        it("manual and event runs are not deduplicated", async () => {
          const g = graph("daily", [{ id: "a" }]);
          const day = new Date(Date.UTC(2024, 0, 1));
          await ctx.store.createRun(runInput(g, { runId: "s1", runType: "scheduled", logicalDate: day }));
          const m1 = await ctx.store.createRun(runInput(g, { runId: "m1", runType: "manual", logicalDate: day }));
          const m2 = await ctx.store.createRun(runInput(g, { runId: "m2", runType: "manual", logicalDate: day }));
          const e1 = await ctx.store.createRun(runInput(g, { runId: "e1", runType: "event", logicalDate: day }));
          expect([m1.created, m2.created, e1.created]).toEqual([true, true, true]);
          expect((await ctx.store.listRuns({ dagId: "daily" })).map((r) => r.runId).sort()).toEqual(["e1", "m1", "m2", "s1"]);
          for (const runId of ["m1", "m2", "e1"]) expect(await ctx.store.listTaskInstances(runId)).toHaveLength(1);
        });

        it("listRuns filters by DAG and state, newest logical date first, with a limit", async () => {
          const g = graph("d", [{ id: "a" }]);
          for (const day of [1, 3, 2]) {
            await ctx.store.createRun(
              runInput(g, { runId: `d${day}`, runType: "scheduled", logicalDate: new Date(Date.UTC(2024, 0, day)), start: day === 3 }),
            );
          }
          await ctx.store.createRun(runInput(graph("e", [{ id: "a" }]), { runId: "e1", runType: "scheduled" }));
          expect((await ctx.store.listRuns({ dagId: "d" })).map((r) => r.runId)).toEqual(["d3", "d2", "d1"]);
          expect((await ctx.store.listRuns({ dagId: "d", states: ["running"] })).map((r) => r.runId)).toEqual(["d3"]);
          expect((await ctx.store.listRuns({ dagId: "d", states: ["queued"], limit: 1 })).map((r) => r.runId)).toEqual(["d2"]);
          expect(await ctx.store.listRuns({})).toHaveLength(4);
        });
      });

      describe("claimNextTasks", () => {
        it("moves queued -> running and opens try 1", async () => {
          const g = graph("d", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
          await ctx.store.createRun(runInput(g, { runId: "r1", now: at(0) }));
          const claims = await ctx.store.claimNextTasks({ workerId: "w1", limit: 10, dagIds: ["d"], now: at(4) });
          expect(claims).toHaveLength(1);
          const [claim] = claims;
          expect(claim?.tryNumber).toBe(1);
          expect(claim?.instance).toMatchObject({ taskId: "a", state: "running", tryNumber: 1, workerId: "w1", startedAt: at(4) });
          expect(claim?.run).toMatchObject({ runId: "r1", dagId: "d", state: "running" });

          const stored = await ctx.store.listTaskInstances("r1");
          expect(stored[0]).toMatchObject({ taskId: "a", state: "running", tryNumber: 1, workerId: "w1", startedAt: at(4) });
          expect(stored[1]).toMatchObject({ taskId: "b", state: "scheduled", tryNumber: 0 });
          const tries = await ctx.store.listTries(claim?.instance.id ?? -1);
          expect(tries).toEqual([
            {
              id: claim?.tryId,
              taskInstanceId: claim?.instance.id,
              tryNumber: 1,
              outcome: "running",
              workerId: "w1",
              queuedAt: at(0),
              startedAt: at(4),
              endedAt: null,
              error: null,
              errorKind: null,
              cacheKey: null,
              cached: false,
            },
          ]);
          expect(await ctx.store.claimNextTasks({ workerId: "w2", limit: 10, dagIds: ["d"], now: at(5) })).toEqual([]);
        });

        it("respects the limit", async () => {
          await ctx.store.createRun(runInput(wideGraph("d", 5)));
          const sizes: number[] = [];
          for (let i = 0; i < 4; i++) {
            sizes.push((await ctx.store.claimNextTasks({ workerId: "w", limit: 2, dagIds: ["d"], now: at(1) })).length);
          }
          expect(sizes).toEqual([2, 2, 1, 0]);
          expect(await ctx.store.claimNextTasks({ workerId: "w", limit: 0, dagIds: ["d"], now: at(1) })).toEqual([]);
        });

        it("claims higher priority first, then the longest queued", async () => {
          const g = graph("d", [
            { id: "lo", priority: 1 },
            { id: "hi", priority: 5 },
            { id: "mid", priority: 3 },
          ]);
          await ctx.store.createRun(runInput(g, { runId: "late", now: at(10) }));
          await ctx.store.createRun(runInput(g, { runId: "early", now: at(0) }));
          const order: string[] = [];
          for (;;) {
            const [claim] = await ctx.store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["d"], now: at(20) });
            if (!claim) break;
            order.push(`${claim.instance.taskId}@${claim.run.runId}`);
          }
          expect(order).toEqual(["hi@early", "hi@late", "mid@early", "mid@late", "lo@early", "lo@late"]);
        });

        it("claims only task instances of the given DAGs", async () => {
          await ctx.store.createRun(runInput(wideGraph("d1", 2), { runId: "r1" }));
          await ctx.store.createRun(runInput(wideGraph("d2", 3), { runId: "r2" }));
          expect(await ctx.store.claimNextTasks({ workerId: "w", limit: 10, dagIds: [], now: at(1) })).toEqual([]);
          expect(await ctx.store.claimNextTasks({ workerId: "w", limit: 10, dagIds: ["d3"], now: at(1) })).toEqual([]);
          const claims = await ctx.store.claimNextTasks({ workerId: "w", limit: 10, dagIds: ["d2"], now: at(1) });
          expect(claims.map((c) => c.run.runId)).toEqual(["r2", "r2", "r2"]);
          expect((await ctx.store.listTaskInstances("r1")).map((ti) => ti.state)).toEqual(["queued", "queued"]);
          const both = await ctx.store.claimNextTasks({ workerId: "w", limit: 10, dagIds: ["d1", "d2"], now: at(1) });
          expect(both.map((c) => c.run.runId)).toEqual(["r1", "r1"]);
        });

        it("two concurrent claims on one store never return the same instance", async () => {
          await ctx.store.createRun(runInput(wideGraph("d", 20)));
          const request = { workerId: "w", limit: 15, dagIds: ["d"], now: at(1) };
          const [a, b] = await Promise.all([ctx.store.claimNextTasks(request), ctx.store.claimNextTasks(request)]);
          const all = [...ids(a), ...ids(b)];
          expect(all).toHaveLength(20);
          expect(new Set(all).size).toBe(20);
        });

        it("two store objects on one database claiming concurrently never double-claim", async () => {
          const count = 120;
          const { run } = await ctx.store.createRun(runInput(wideGraph("d", count)));
          const other = ctx.openAnother();
          const drain = async (store: Store, workerId: string) => {
            const claimed: number[] = [];
            for (;;) {
              const claims = await store.claimNextTasks({ workerId, limit: 3, dagIds: ["d"], now: at(1) });
              if (claims.length === 0) return claimed;
              claimed.push(...ids(claims));
            }
          };
          const [a, b] = await Promise.all([drain(ctx.store, "wa"), drain(other, "wb")]);
          const all = [...a, ...b];
          expect(all).toHaveLength(count);
          expect(new Set(all).size).toBe(count);
          expect(a.length).toBeGreaterThan(0);
          expect(b.length).toBeGreaterThan(0);
          const instances = await ctx.store.listTaskInstances(run.runId);
          expect(instances.every((ti) => ti.state === "running" && ti.tryNumber === 1)).toBe(true);
          for (const ti of instances) {
            const tries = await ctx.store.listTries(ti.id);
            expect(tries.map((t) => [t.tryNumber, t.workerId])).toEqual([[1, a.includes(ti.id) ? "wa" : "wb"]]);
          }
        });

        it("two processes claiming concurrently never double-claim", async () => {
          const count = 200;
          const { run } = await ctx.store.createRun(runInput(wideGraph("d", count)));
          const outputs = await raceChildren(
            ["pa", "pb"].map((workerId) => startStoreChild(factory.name, ctx.place.address, ["claim", workerId, "d", "2"])),
          );
          const [a = [], b = []] = outputs as number[][];
          const all = [...a, ...b];
          expect(all).toHaveLength(count);
          expect(new Set(all).size).toBe(count);
          // Both processes took part, so the claims really raced.
          expect(a.length).toBeGreaterThan(0);
          expect(b.length).toBeGreaterThan(0);
          const instances = await ctx.store.listTaskInstances(run.runId);
          expect(instances.every((ti) => ti.state === "running" && ti.tryNumber === 1)).toBe(true);
          for (const ti of instances) expect(await ctx.store.listTries(ti.id)).toHaveLength(1);
        }, 20_000);
      });

      describe("completeTry: success", () => {
        it("stores the result, queues downstream in the same call, closes the run when all are done", async () => {
          const g = graph("d", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
          const run = await RunDriver.start(ctx.store, g);
          expect(await run.claim(at(1))).toEqual(["a"]);
          const result = await run.succeed("a", { rows: 3 }, at(2));
          expect(result).toEqual({ state: "success", nextRetryAt: null, runState: "running", queued: 1, applied: true });

          expect(await run.instance("a")).toMatchObject({ state: "success", result: { rows: 3 }, endedAt: at(2), error: null });
          expect(await run.instance("b")).toMatchObject({ state: "queued", queuedAt: at(2) });
          const tries = await ctx.store.listTries(run.claimOf("a").instance.id);
          expect(tries.map((t) => [t.tryNumber, t.outcome, t.endedAt])).toEqual([[1, "success", at(2)]]);
          const results = await ctx.store.getTaskResults(run.runId, ["a", "unknown"]);
          expect(results.get("a")).toEqual({ rows: 3 });
          expect(results.has("unknown")).toBe(false);

          expect(await run.claim(at(3))).toEqual(["b"]);
          const last = await run.succeed("b", "done", at(4));
          expect(last).toMatchObject({ state: "success", runState: "success", queued: 0, applied: true });
          expect(await ctx.store.getRun(run.runId)).toMatchObject({ state: "success", endedAt: at(4) });
          expect((await ctx.store.getTaskResults(run.runId, ["a", "b"])).get("b")).toBe("done");
        });

        it("records dataset events for declared outputs and emitted datasets", async () => {
          const g = graph("d", [{ id: "a", outputDatasets: ["db://raw"] }, { id: "b", upstream: ["a"] }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          await run.complete("a", "success", {
            result: 1,
            emitted: [{ uri: "db://extra", metadata: { rows: 3, ok: true } }],
            now: at(2),
          });
          const events = await ctx.store.listDatasetEvents({ runId: run.runId });
          expect(events).toEqual([
            { uri: "db://raw", runId: run.runId, taskId: "a", at: at(2), metadata: {} },
            { uri: "db://extra", runId: run.runId, taskId: "a", at: at(2), metadata: { rows: 3, ok: true } },
          ]);
          expect((await ctx.store.listDatasetEvents({ uri: "db://extra" })).map((e) => e.taskId)).toEqual(["a"]);
          expect(await ctx.store.listDatasetEvents({ uri: "db://none" })).toEqual([]);
        });

        it("a failed try records no dataset events", async () => {
          const g = graph("d", [{ id: "a", outputDatasets: ["db://raw"] }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          await run.complete("a", "failed", { emitted: [{ uri: "db://extra", metadata: {} }] });
          expect(await ctx.store.listDatasetEvents({ runId: run.runId })).toEqual([]);
        });
      });

      describe("completeTry: failure and retries", () => {
        it("retries with exponential backoff, then fails, dead-letters and fails downstream and the run", async () => {
          const g = graph("d", [
            { id: "a", retries: 3, retryDelayMs: 1_000, backoff: "exponential" },
            { id: "b", upstream: ["a"] },
          ]);
          const run = await RunDriver.start(ctx.store, g);
          const delays: number[] = [];
          let now = 0;
          for (let tryNumber = 1; tryNumber <= 3; tryNumber++) {
            expect(await run.claim(at(now + 1))).toEqual(["a"]);
            expect(run.claimOf("a").tryNumber).toBe(tryNumber);
            const failedAt = at(now + 2);
            const result = await run.fail("a", failedAt);
            expect(result).toMatchObject({ state: "retrying", runState: "running", queued: 0, applied: true });
            const next = result.nextRetryAt;
            if (!next) throw new Error("no retry time");
            delays.push(next.getTime() - failedAt.getTime());
            expect(await run.instance("a")).toMatchObject({ state: "retrying", tryNumber, nextRetryAt: next });
            expect(await run.instance("b")).toMatchObject({ state: "scheduled" });
            expect(await ctx.store.nextRetryAt()).toEqual(next);

            // Not due a millisecond early; due exactly on time.
            expect(await ctx.store.queueDueRetries(new Date(next.getTime() - 1))).toBe(0);
            expect((await run.instance("a")).state).toBe("retrying");
            expect(await ctx.store.queueDueRetries(next)).toBe(1);
            expect(await run.instance("a")).toMatchObject({ state: "queued", nextRetryAt: null, queuedAt: next });
            expect(await ctx.store.nextRetryAt()).toBeUndefined();
            now = (next.getTime() - T0) / 1_000;
          }
          expect(delays).toEqual([1_000, 2_000, 4_000]);

          expect(await run.claim(at(now + 1))).toEqual(["a"]);
          expect(run.claimOf("a").tryNumber).toBe(4);
          const final = await run.fail("a", at(now + 2));
          expect(final).toEqual({ state: "failed", nextRetryAt: null, runState: "failed", queued: 0, applied: true });
          expect(await run.states()).toEqual({ a: "failed", b: "upstream_failed" });
          expect(await run.instance("a")).toMatchObject({ tryNumber: 4, error: "a failed", nextRetryAt: null });
          expect(await ctx.store.getRun(run.runId)).toMatchObject({ state: "failed", endedAt: at(now + 2) });
          expect(await ctx.store.nextRetryAt()).toBeUndefined();

          const tries = await ctx.store.listTries(run.claimOf("a").instance.id);
          expect(tries.map((t) => [t.tryNumber, t.outcome, t.errorKind, t.error])).toEqual([
            [1, "failed", "error", "a failed"],
            [2, "failed", "error", "a failed"],
            [3, "failed", "error", "a failed"],
            [4, "failed", "error", "a failed"],
          ]);
          const deadLetters = await ctx.store.listDeadLetters({ open: true });
          expect(deadLetters).toEqual([
            {
              id: deadLetters[0]?.id,
              taskInstanceId: run.claimOf("a").instance.id,
              runId: run.runId,
              dagId: "d",
              taskId: "a",
              mapIndex: null,
              tryNumber: 4,
              error: "a failed",
              createdAt: at(now + 2),
              resolvedAt: null,
              resolution: null,
            },
          ]);
          expect(await ctx.store.listDeadLetters({})).toHaveLength(1);
        });

        it.each<[string, { backoff: Backoff; maxRetryDelayMs?: number }, number[]]>([
          ["fixed", { backoff: "fixed" }, [500, 500, 500]],
          ["exponential, capped", { backoff: "exponential", maxRetryDelayMs: 1_500 }, [500, 1_000, 1_500]],
        ])("passes the task's retry policy through (%s)", async (_name, policy, expected) => {
          const g = graph("d", [{ id: "a", retries: 3, retryDelayMs: 500, ...policy }]);
          const run = await RunDriver.start(ctx.store, g);
          const delays: number[] = [];
          for (let i = 0; i < 3; i++) {
            await run.claim(at(10 * i + 1));
            const result = await run.fail("a", at(10 * i + 2));
            delays.push((result.nextRetryAt?.getTime() ?? NaN) - at(10 * i + 2).getTime());
            expect(await ctx.store.queueDueRetries(at(10 * i + 9))).toBe(1);
          }
          expect(delays).toEqual(expected);
        });

        it("a task without retries fails right away and is dead-lettered", async () => {
          const run = await RunDriver.start(ctx.store, graph("d", [{ id: "a" }]));
          await run.claim();
          expect(await run.fail("a", at(2))).toMatchObject({ state: "failed", runState: "failed", nextRetryAt: null });
          expect((await ctx.store.listDeadLetters({ open: true })).map((d) => [d.taskId, d.tryNumber])).toEqual([["a", 1]]);
        });

        it("a claim or completion with a clock behind the store's last write never makes tries overlap", async () => {
          // A claimer reads its clock, then waits for locks; another machine's clock runs behind.
          const g = graph("d", [{ id: "a", retries: 1, retryDelayMs: 100 }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim(at(10));
          await run.fail("a", at(50));
          expect(await ctx.store.queueDueRetries(at(150))).toBe(1);
          await run.claim(at(20));
          const id = run.claimOf("a").instance.id;
          const tries = await ctx.store.listTries(id);
          expect(tries.map((t) => [t.tryNumber, t.startedAt.getTime(), t.endedAt?.getTime() ?? null])).toEqual([
            [1, at(10).getTime(), at(50).getTime()],
            [2, at(150).getTime(), null],
          ]);
          await run.succeed("a", 1, at(100));
          const ended = (await ctx.store.listTries(id))[1];
          expect(ended?.endedAt?.getTime()).toBe(at(150).getTime());
        });

        it("nextRetryAt gives the earliest pending retry; queueDueRetries moves only due ones", async () => {
          const g = graph("d", [
            { id: "slow", retries: 1, retryDelayMs: 5_000 },
            { id: "fast", retries: 1, retryDelayMs: 1_000 },
            { id: "ok" },
          ]);
          const run = await RunDriver.start(ctx.store, g);
          expect(await ctx.store.nextRetryAt()).toBeUndefined();
          await run.claim(at(1));
          await run.fail("slow", at(2));
          await run.fail("fast", at(3));
          expect(await ctx.store.nextRetryAt()).toEqual(at(4));
          expect(await ctx.store.queueDueRetries(at(4))).toBe(1);
          expect(await run.states()).toMatchObject({ slow: "retrying", fast: "queued", ok: "running" });
          expect(await ctx.store.nextRetryAt()).toEqual(at(7));
          expect(await ctx.store.queueDueRetries(at(6))).toBe(0);
          expect(await ctx.store.queueDueRetries(at(100))).toBe(1);
          expect(await run.states()).toMatchObject({ slow: "queued", fast: "queued" });
          expect(await ctx.store.nextRetryAt()).toBeUndefined();
          expect(await ctx.store.queueDueRetries(at(200))).toBe(0);
        });
      });

      describe("trigger rules", () => {
        it("all_success: a failure propagates upstream_failed to the end of the chain", async () => {
          const g = graph("d", [
            { id: "a" },
            { id: "b", upstream: ["a"] },
            { id: "c", upstream: ["b"] },
            { id: "d", upstream: ["c"] },
          ]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          expect(await run.fail("a", at(2))).toMatchObject({ state: "failed", queued: 0, runState: "failed" });
          expect(await run.states()).toEqual({ a: "failed", b: "upstream_failed", c: "upstream_failed", d: "upstream_failed" });
          expect((await run.instance("d")).endedAt).toEqual(at(2));
          expect(await ctx.store.getRun(run.runId)).toMatchObject({ state: "failed", endedAt: at(2) });
        });

        it("all_done and always run after a failure; all_success does not", async () => {
          const g = graph("d", [
            { id: "a" },
            { id: "cleanup", upstream: ["a"], triggerRule: "all_done" },
            { id: "notify", upstream: ["a"], triggerRule: "always" },
            { id: "load", upstream: ["a"] },
          ]);
          const run = await RunDriver.start(ctx.store, g);
          // `always` does not wait for its upstream (Airflow): it is queued when the run starts.
          expect(await run.claim()).toEqual(["a", "notify"]);
          expect(await run.fail("a")).toMatchObject({ queued: 1, runState: "running" });
          expect(await run.states()).toEqual({ a: "failed", cleanup: "queued", notify: "running", load: "upstream_failed" });
          expect(await run.claim(at(3))).toEqual(["cleanup"]);
          await run.succeed("cleanup", null, at(4));
          const last = await run.succeed("notify", null, at(5));
          // A leaf (load) is upstream_failed, so the run fails once everything is done.
          expect(last.runState).toBe("failed");
          expect(await run.runState()).toBe("failed");
        });

        it("one_success: ready as soon as one upstream succeeds", async () => {
          const g = graph("d", [{ id: "a" }, { id: "b" }, { id: "c", upstream: ["a", "b"], triggerRule: "one_success" }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          expect(await run.succeed("a")).toMatchObject({ queued: 1 });
          expect(await run.states()).toEqual({ a: "success", b: "running", c: "queued" });
          await run.fail("b");
          expect((await run.instance("c")).state).toBe("queued");
          await run.claim(at(3));
          expect(await run.succeed("c", null, at(4))).toMatchObject({ runState: "success" });
        });

        it("none_failed_min_one_success joins after a branch; all_success after the same branch is skipped", async () => {
          const g = graph("d", [
            { id: "pick", kind: "branch" },
            { id: "b", upstream: ["pick"] },
            { id: "c", upstream: ["pick"] },
            { id: "join", upstream: ["b", "c"], triggerRule: "none_failed_min_one_success" },
            { id: "strict", upstream: ["b", "c"] },
          ]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          expect(await run.succeed("pick", ["b"])).toMatchObject({ queued: 1 });
          expect(await run.states()).toEqual({ pick: "success", b: "queued", c: "skipped", join: "scheduled", strict: "skipped" });
          await run.claim(at(3));
          expect(await run.succeed("b", null, at(4))).toMatchObject({ queued: 1 });
          expect((await run.instance("join")).state).toBe("queued");
          await run.claim(at(5));
          expect(await run.succeed("join", null, at(6))).toMatchObject({ runState: "success" });
        });

        type Outcome = "success" | "failed";
        it.each<[TriggerRule, Outcome, Outcome, TaskState]>([
          ["all_success", "success", "success", "queued"],
          ["all_success", "success", "failed", "upstream_failed"],
          ["all_failed", "failed", "failed", "queued"],
          ["all_failed", "success", "failed", "skipped"],
          ["all_done", "failed", "success", "queued"],
          ["one_success", "failed", "failed", "upstream_failed"],
          ["one_failed", "success", "failed", "queued"],
          ["one_failed", "success", "success", "skipped"],
          ["none_failed", "success", "success", "queued"],
          ["none_failed", "success", "failed", "upstream_failed"],
          ["none_skipped", "success", "failed", "queued"],
          // `always` is covered above: it is queued at run start, before its upstream finish.
        ])("%s with upstream %s, %s -> %s", async (rule, first, second, expected) => {
          const g = graph("d", [{ id: "a" }, { id: "b" }, { id: "x", upstream: ["a", "b"], triggerRule: rule }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          await run.complete("a", first);
          await run.complete("b", second);
          expect((await run.instance("x")).state).toBe(expected);
        });
      });

      describe("branch", () => {
        it("follows the chosen task, skips the others and their all_success downstream", async () => {
          const g = graph("d", [
            { id: "pick", kind: "branch" },
            { id: "b", upstream: ["pick"] },
            { id: "c", upstream: ["pick"] },
            { id: "after_c", upstream: ["c"] },
          ]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          const result = await run.succeed("pick", ["b"], at(2));
          expect(result).toMatchObject({ state: "success", queued: 1, runState: "running" });
          expect(await run.states()).toEqual({ pick: "success", b: "queued", c: "skipped", after_c: "skipped" });
          expect((await run.instance("c")).endedAt).toEqual(at(2));
          expect(await run.claim(at(3))).toEqual(["b"]);
          // The skipped leaf does not fail the run.
          expect(await run.succeed("b", null, at(4))).toMatchObject({ runState: "success" });
        });
      });

      describe("dynamic mapping", () => {
        const mapGraph = graph("d", [
          { id: "src" },
          { id: "m", mapOver: "src" },
          { id: "sum", upstream: ["m"] },
          { id: "tail", upstream: ["m"], triggerRule: "all_done" },
        ]);

        it("expands a mapped task per element; downstream waits for all; results come back in map order", async () => {
          const run = await RunDriver.start(ctx.store, mapGraph);
          await run.claim();
          const result = await run.succeed("src", [10, 20, 30], at(2));
          expect(result.queued).toBe(3);
          expect(await run.states()).toEqual({
            src: "success",
            "m[0]": "queued",
            "m[1]": "queued",
            "m[2]": "queued",
            sum: "scheduled",
            tail: "scheduled",
          });
          expect(await run.claim(at(3))).toEqual(["m[0]", "m[1]", "m[2]"]);
          expect(["m[0]", "m[1]", "m[2]"].map((k) => run.claimOf(k).instance.mapIndex)).toEqual([0, 1, 2]);

          expect(await run.succeed("m[2]", 60, at(4))).toMatchObject({ queued: 0 });
          expect(await run.succeed("m[0]", 20, at(5))).toMatchObject({ queued: 0 });
          expect((await run.instance("sum")).state).toBe("scheduled");
          expect(await run.succeed("m[1]", 40, at(6))).toMatchObject({ queued: 2 });
          expect(await run.states()).toMatchObject({ sum: "queued", tail: "queued" });

          const results = await ctx.store.getTaskResults(run.runId, ["m", "src"]);
          expect(results.get("m")).toEqual([20, 40, 60]);
          expect(results.get("src")).toEqual([10, 20, 30]);

          const history = await ctx.store.listStateHistory(run.runId);
          const ofM1 = history.filter((h) => h.taskId === "m" && h.mapIndex === 1).map((h) => [h.fromState, h.toState]);
          expect(ofM1).toEqual([
            [null, "scheduled"],
            ["scheduled", "queued"],
            ["queued", "running"],
            ["running", "success"],
          ]);
          const ofM0 = history.filter((h) => h.taskId === "m" && h.mapIndex === 0).map((h) => [h.fromState, h.toState]);
          expect(ofM0).toEqual(ofM1);
          expect(history.filter((h) => h.taskId === "m" && h.mapIndex === null)).toEqual([]);

          await run.claim(at(7));
          await run.succeed("sum", 120, at(8));
          expect(await run.succeed("tail", null, at(9))).toMatchObject({ runState: "success" });
        });

        it("an empty list skips the mapped task and its downstream per trigger rule", async () => {
          const run = await RunDriver.start(ctx.store, mapGraph);
          await run.claim();
          expect(await run.succeed("src", [], at(2))).toMatchObject({ queued: 1, runState: "running" });
          expect(await run.states()).toEqual({ src: "success", m: "skipped", sum: "skipped", tail: "queued" });
          await run.claim(at(3));
          expect(await run.succeed("tail", null, at(4))).toMatchObject({ runState: "success" });
          // Downstream tasks that still run get the mapped task's results as a list: an empty one.
          expect((await ctx.store.getTaskResults(run.runId, ["m"])).get("m")).toEqual([]);
        });

        it("a result that is not a list fails the mapped task and its downstream", async () => {
          const run = await RunDriver.start(ctx.store, mapGraph);
          await run.claim();
          expect(await run.succeed("src", { not: "a list" }, at(2))).toMatchObject({ queued: 1 });
          expect(await run.states()).toEqual({ src: "success", m: "failed", sum: "upstream_failed", tail: "queued" });
          expect((await run.instance("m")).error).toMatch(/array/);
          expect((await ctx.store.listDeadLetters({ open: true })).map((d) => d.taskId)).toEqual(["m"]);
          await run.claim(at(3));
          expect(await run.succeed("tail", null, at(4))).toMatchObject({ runState: "failed" });
        });

        it("a failed mapped instance dead-letters with its map index; the run closes once all are done", async () => {
          const run = await RunDriver.start(ctx.store, mapGraph);
          await run.claim();
          await run.succeed("src", ["x", "y"]);
          await run.claim(at(3));
          expect(await run.fail("m[1]", at(4))).toMatchObject({ state: "failed", runState: "running", queued: 0 });
          expect(await run.states()).toMatchObject({ "m[0]": "running", "m[1]": "failed", sum: "upstream_failed", tail: "scheduled" });
          expect((await ctx.store.listDeadLetters({ open: true })).map((d) => [d.taskId, d.mapIndex])).toEqual([["m", 1]]);
          expect(await run.succeed("m[0]", "X", at(5))).toMatchObject({ queued: 1, runState: "running" });
          expect((await ctx.store.getTaskResults(run.runId, ["m"])).get("m")).toEqual(["X", null]);
          await run.claim(at(6));
          expect(await run.succeed("tail", null, at(7))).toMatchObject({ runState: "failed" });
        });

        it("maps over the results of a mapped task", async () => {
          const g = graph("d", [{ id: "src" }, { id: "m1", mapOver: "src" }, { id: "m2", mapOver: "m1" }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          await run.succeed("src", [1, 2]);
          await run.claim(at(3));
          await run.succeed("m1[1]", ["b", "c"], at(4));
          expect((await run.instance("m2")).state).toBe("scheduled");
          expect(await run.succeed("m1[0]", "a", at(5))).toMatchObject({ queued: 2 });
          expect(await run.states()).toMatchObject({ "m2[0]": "queued", "m2[1]": "queued" });
          expect(Object.keys(await run.states())).not.toContain("m2[2]");
        });

        it("keeps logs per map index", async () => {
          const run = await RunDriver.start(ctx.store, mapGraph);
          await run.claim();
          await run.succeed("src", ["x", "y"]);
          await run.claim(at(3));
          for (const key of ["m[0]", "m[1]"]) {
            await ctx.store.appendLogs(run.claimOf(key).tryId, [{ at: at(3), stream: "log", level: "info", message: key }]);
          }
          for (const mapIndex of [0, 1]) {
            const logs = await ctx.store.readLogs({ runId: run.runId, taskId: "m", mapIndex });
            expect(logs.lines.map((l) => l.message)).toEqual([`m[${mapIndex}]`]);
          }
          await expect(ctx.store.readLogs({ runId: run.runId, taskId: "m", mapIndex: null })).rejects.toBeInstanceOf(
            NotFoundError,
          );
        });
      });

      describe("stale and invalid completions", () => {
        it("a wrong try number is not applied and changes nothing", async () => {
          const g = graph("d", [{ id: "a", outputDatasets: ["db://a"] }, { id: "b", upstream: ["a"] }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          const claim = run.claimOf("a");
          const before = await ctx.store.listStateHistory(run.runId);
          const stale = await ctx.store.completeTry({
            taskInstanceId: claim.instance.id,
            tryNumber: 2,
            outcome: "success",
            result: "x",
            graph: g,
            now: at(2),
          });
          expect(stale).toMatchObject({ applied: false, state: "running", queued: 0, runState: "running" });
          expect(await run.states()).toEqual({ a: "running", b: "scheduled" });
          expect((await ctx.store.listTries(claim.instance.id)).map((t) => t.outcome)).toEqual(["running"]);
          expect(await ctx.store.listStateHistory(run.runId)).toEqual(before);
          expect(await ctx.store.listDatasetEvents({})).toEqual([]);
        });

        it("completing the same try twice applies once", async () => {
          const g = graph("d", [{ id: "a", outputDatasets: ["db://a"] }, { id: "b", upstream: ["a"] }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          await run.succeed("a", 1, at(2));
          const history = await ctx.store.listStateHistory(run.runId);
          const claim = run.claimOf("a");
          for (const outcome of ["success", "failed"] as const) {
            const again = await ctx.store.completeTry({
              taskInstanceId: claim.instance.id,
              tryNumber: claim.tryNumber,
              outcome,
              result: 2,
              error: "late",
              graph: g,
              now: at(3),
            });
            expect(again).toMatchObject({ applied: false, state: "success", queued: 0 });
          }
          expect(await run.instance("a")).toMatchObject({ state: "success", result: 1, error: null, endedAt: at(2) });
          expect(await ctx.store.listStateHistory(run.runId)).toEqual(history);
          expect(await ctx.store.listDatasetEvents({})).toHaveLength(1);
          expect(await ctx.store.listDeadLetters({})).toEqual([]);
        });

        it("completing an old try of a retrying instance is not applied", async () => {
          const g = graph("d", [{ id: "a", retries: 1 }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim();
          await run.fail("a", at(2));
          const claim = run.claimOf("a");
          const again = await ctx.store.completeTry({
            taskInstanceId: claim.instance.id,
            tryNumber: 1,
            outcome: "success",
            graph: g,
            now: at(3),
          });
          expect(again).toMatchObject({ applied: false, state: "retrying" });
          expect(await run.instance("a")).toMatchObject({ state: "retrying", tryNumber: 1 });
        });

        it("completing an instance that was never claimed (queued, scheduled, unknown) is not applied", async () => {
          const g = graph("d", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
          const run = await RunDriver.start(ctx.store, g);
          const before = await ctx.store.listStateHistory(run.runId);
          const instances = await run.instances();
          for (const key of ["a", "b"]) {
            for (const tryNumber of [0, 1]) {
              const result = await ctx.store.completeTry({
                taskInstanceId: instances.get(key)?.id ?? -1,
                tryNumber,
                outcome: "success",
                graph: g,
                now: at(2),
              });
              expect(result.applied).toBe(false);
            }
          }
          const unknown = await ctx.store.completeTry({ taskInstanceId: 999_999, tryNumber: 1, outcome: "failed", graph: g, now: at(2) });
          expect(unknown.applied).toBe(false);
          expect(await run.states()).toEqual({ a: "queued", b: "scheduled" });
          expect(await ctx.store.listTries(instances.get("a")?.id ?? -1)).toEqual([]);
          expect(await ctx.store.listStateHistory(run.runId)).toEqual(before);
          expect(await ctx.store.getRun(run.runId)).toMatchObject({ state: "running" });
        });
      });

      describe("logs", () => {
        const line = (i: number, message: string): Omit<StoredLogLine, "id"> => ({
          at: at(i),
          stream: (["stdout", "stderr", "log"] as const)[i % 3] ?? "log",
          level: (["debug", "info", "warn", "error"] as const)[i % 4] ?? "info",
          message,
        });

        it("appends and reads logs per try, latest try by default, in order", async () => {
          const g = graph("d", [{ id: "a", retries: 1 }, { id: "b", upstream: ["a"] }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim(at(1));
          const first = [line(1, "starting"), line(2, "half way"), line(3, "boom")];
          await ctx.store.appendLogs(run.claimOf("a").tryId, first.slice(0, 2));
          await ctx.store.appendLogs(run.claimOf("a").tryId, first.slice(2));
          await ctx.store.appendLogs(run.claimOf("a").tryId, []);
          await run.fail("a", at(4));
          await ctx.store.queueDueRetries(at(100));
          await run.claim(at(101));
          const second = Array.from({ length: 1_234 }, (_, i) => line(i, `line ${i}`));
          await ctx.store.appendLogs(run.claimOf("a").tryId, second);

          const latest = await ctx.store.readLogs({ runId: run.runId, taskId: "a", mapIndex: null });
          expect(latest.tryNumber).toBe(2);
          expect(latest.lines.map((l) => l.message)).toEqual(second.map((l) => l.message));

          const one = await ctx.store.readLogs({ runId: run.runId, taskId: "a", mapIndex: null, tryNumber: 1 });
          expect(one.tryNumber).toBe(1);
          expect(one.lines.map(({ id: _id, ...rest }) => rest)).toEqual(first);
          expect(new Set(one.lines.map((l) => l.id)).size).toBe(3);

          await expect(ctx.store.readLogs({ runId: run.runId, taskId: "a", mapIndex: null, tryNumber: 3 })).rejects.toBeInstanceOf(
            NotFoundError,
          );
          await expect(ctx.store.readLogs({ runId: run.runId, taskId: "b", mapIndex: null })).rejects.toBeInstanceOf(NotFoundError);
          await expect(ctx.store.readLogs({ runId: run.runId, taskId: "nope", mapIndex: null })).rejects.toBeInstanceOf(
            NotFoundError,
          );
          await expect(ctx.store.readLogs({ runId: "nope", taskId: "a", mapIndex: null })).rejects.toBeInstanceOf(NotFoundError);
        });
      });

      describe("state history", () => {
        it("records every transition of a task and its run, in order", async () => {
          const g = graph("d", [{ id: "solo" }]);
          const { run } = await ctx.store.createRun(runInput(g, { runId: "r1", now: at(0) }));
          const [claim] = await ctx.store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["d"], now: at(1) });
          await ctx.store.completeTry({
            taskInstanceId: claim?.instance.id ?? -1,
            tryNumber: 1,
            outcome: "success",
            graph: g,
            now: at(2),
          });
          const history = await ctx.store.listStateHistory(run.runId);
          expect(history.map((h) => ({ taskId: h.taskId, mapIndex: h.mapIndex, from: h.fromState, to: h.toState, at: h.at }))).toEqual([
            { taskId: null, mapIndex: null, from: null, to: "queued", at: at(0) },
            { taskId: "solo", mapIndex: null, from: null, to: "scheduled", at: at(0) },
            { taskId: null, mapIndex: null, from: "queued", to: "running", at: at(0) },
            { taskId: "solo", mapIndex: null, from: "scheduled", to: "queued", at: at(0) },
            { taskId: "solo", mapIndex: null, from: "queued", to: "running", at: at(1) },
            { taskId: "solo", mapIndex: null, from: "running", to: "success", at: at(2) },
            { taskId: null, mapIndex: null, from: "running", to: "success", at: at(2) },
          ]);
          const historyIds = history.map((h) => h.id);
          expect([...historyIds].sort((x, y) => x - y)).toEqual(historyIds);
          expect(new Set(history.map((h) => h.runId))).toEqual(new Set(["r1"]));
        });

        it("records a retry as failed -> retrying -> queued", async () => {
          const g = graph("d", [{ id: "a", retries: 1, retryDelayMs: 1_000 }]);
          const run = await RunDriver.start(ctx.store, g);
          await run.claim(at(1));
          await run.fail("a", at(2));
          await ctx.store.queueDueRetries(at(3));
          await run.claim(at(4));
          await run.succeed("a", null, at(5));
          const history = await ctx.store.listStateHistory(run.runId);
          expect(history.filter((h) => h.taskId === "a").map((h) => [h.fromState, h.toState, (h.at.getTime() - T0) / 1_000])).toEqual([
            [null, "scheduled", 0],
            ["scheduled", "queued", 0],
            ["queued", "running", 1],
            ["running", "failed", 2],
            ["failed", "retrying", 2],
            ["retrying", "queued", 3],
            ["queued", "running", 4],
            ["running", "success", 5],
          ]);
          expect(history.filter((h) => h.taskId === null).map((h) => h.toState)).toEqual(["queued", "running", "success"]);
          expect(await ctx.store.listStateHistory("missing")).toEqual([]);
        });
      });

    });
  });
}
