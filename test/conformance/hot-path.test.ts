/**
 * The hot path's cost in statements (issue 17): claiming n queued task instances, and recording n
 * outcomes in one completeTries, each take a number of statements that does not grow with n. On
 * PostgreSQL every statement is a round trip; on SQLite each one costs query building and a step
 * on the event loop, so a per-instance statement caps throughput whatever the database's speed.
 * Waking n due sensors (docs/sensors.md) in a claim is held to the same bound.
 */
import { describe, expect, it } from "vitest";
import type { DagGraph } from "../../src/core/types.js";
import type { ClaimedTask, CompleteTryInput, Store } from "../../src/store/index.js";
import { at, runInput } from "./driver.js";
import { graph, task } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

/** n independent tasks a000..a(n-1), all feeding one `join`. */
function fanIn(dagId: string, n: number): DagGraph {
  const roots = Array.from({ length: n }, (_, i) => ({ id: `a${String(i).padStart(3, "0")}` }));
  return graph(dagId, [...roots, { id: "join", upstream: roots.map((r) => r.id) }]);
}

/** A source task whose list result is mapped over by `m`, then `sum` reads all of `m`. */
const MAPPED: DagGraph = graph("mapped", [{ id: "src" }, { id: "m", mapOver: "src" }, { id: "sum", upstream: ["m"], inputs: { m: "m" } }]);

/** n independent sensors that poke every 10 s. */
function sensors(dagId: string, n: number): DagGraph {
  const tasks = Array.from({ length: n }, (_, i) => ({
    ...task({ id: `s${String(i).padStart(3, "0")}` }),
    kind: "sensor" as const,
    sensor: { everyMs: 10_000, timeoutMs: 600_000, softFail: false },
  }));
  return { dagId, tasks };
}

function success(claim: ClaimedTask, g: DagGraph, now: Date): CompleteTryInput {
  return { taskInstanceId: claim.instance.id, tryNumber: claim.tryNumber, outcome: "success", result: claim.instance.mapIndex, graph: g, now };
}

for (const factory of STORES) {
  describe.sequential(`hot path statements: ${factory.name}`, () => {
    const ctx = useStore(factory, { migrate: true });
    let statements = 0;
    const counting = (): Store => factory.open(ctx.place.address, { onQuery: () => statements++ });
    const count = async <T>(fn: () => Promise<T>): Promise<{ value: T; statements: number }> => {
      statements = 0;
      const value = await fn();
      return { value, statements };
    };

    /** Claims all n roots of a fan-in run, then records their n successes in one batch. */
    async function fanInCosts(store: Store, n: number) {
      const g = fanIn(`fan${n}`, n);
      await store.createRun(runInput(g, { runId: `r${n}` }));
      const claim = await count(() => store.claimNextTasks({ workerId: "w", limit: 1_000, dagIds: [g.dagId], now: at(1) }));
      expect(claim.value).toHaveLength(n);
      const complete = await count(() => store.completeTries(claim.value.map((c) => success(c, g, at(2)))));
      expect(complete.value.results.every((r) => r.applied && r.state === "success")).toBe(true);
      // The last outcome made `join` ready.
      expect(complete.value.results.reduce((sum, r) => sum + r.queued, 0)).toBe(1);
      return { claim: claim.statements, complete: complete.statements };
    }

    it("claiming n instances and recording n outcomes cost the same statements for n = 4 and n = 60", async () => {
      const store = counting();
      try {
        const small = await fanInCosts(store, 4);
        const large = await fanInCosts(store, 60);
        expect(large).toEqual(small);
        expect(large.claim).toBeLessThanOrEqual(8);
        expect(large.complete).toBeLessThanOrEqual(16);
      } finally {
        await store.close();
      }
    });

    it("creating and starting a run of n root tasks costs the same statements for n = 4 and n = 60", async () => {
      const store = counting();
      try {
        const costs: number[] = [];
        for (const n of [4, 60]) {
          const g = fanIn(`roots${n}`, n);
          const created = await count(() => store.createRun(runInput(g, { runId: `roots${n}` })));
          expect(created.value.created).toBe(true);
          costs.push(created.statements);
          expect((await store.listTaskInstances(`roots${n}`)).filter((ti) => ti.state === "queued")).toHaveLength(n);
        }
        expect(costs[1]).toBe(costs[0]);
      } finally {
        await store.close();
      }
    });

    it("taking n backfill intervals and creating and starting their runs costs the same statements for n = 2 and n = 12", async () => {
      const store = counting();
      try {
        const costs: number[] = [];
        for (const n of [2, 12]) {
          const g = graph(`bf${n}`, [{ id: "extract" }, { id: "a", upstream: ["extract"] }, { id: "b", upstream: ["extract"] }]);
          const days = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)));
          const backfill = await store.createBackfill({
            dagId: g.dagId,
            from: days[0] as Date,
            to: days[n - 1] as Date,
            reprocess: "skip",
            maxActiveRuns: n,
            createdBy: "ada",
            intervals: days.map((start) => ({ start, end: new Date(start.getTime() + 86_400_000), action: "create" as const, existingRunId: null })),
            now: at(0),
          });
          const taken = await count(() =>
            store.takeBackfillIntervals(backfill.id, at(1), (i) =>
              runInput(g, { runId: `${g.dagId}-${i.start.getTime()}`, runType: "backfill", logicalDate: i.start, now: at(1), start: true }),
            ),
          );
          expect(taken.value.map((i) => [i.start, i.run?.runId, i.run?.state])).toEqual(days.map((d) => [d, `${g.dagId}-${d.getTime()}`, "running"]));
          costs.push(taken.statements);
          const first = await store.listTaskInstances(`${g.dagId}-${days[0]?.getTime()}`);
          expect(first.map((ti) => [ti.taskId, ti.state])).toEqual([["extract", "queued"], ["a", "scheduled"], ["b", "scheduled"]]);
          expect((await store.listBackfillIntervals(backfill.id)).map((i) => i.runId)).toEqual(days.map((d) => `${g.dagId}-${d.getTime()}`));
        }
        expect(costs[1]).toBe(costs[0]);
      } finally {
        await store.close();
      }
    });

    it("createRuns makes n runs with the same statements for n = 2 and n = 12; an interval with a run, in the store or earlier in the call, gets that run", async () => {
      const store = counting();
      try {
        const g = graph("many", [{ id: "extract" }, { id: "load", upstream: ["extract"] }]);
        const empty: DagGraph = { dagId: "empty", tasks: [] };
        const day = (d: number) => new Date(Date.UTC(2024, 0, d));
        const scheduled = (d: number, start: boolean) => runInput(g, { runId: `many-${d}`, runType: "scheduled", logicalDate: day(d), start });
        const { run: before } = await store.createRun(scheduled(1, false));
        const costs: number[] = [];
        for (const [first, n] of [[2, 2], [4, 12]] as const) {
          const inputs = Array.from({ length: n }, (_, i) => scheduled(first + i, i % 2 === 0));
          const made = await count(() => store.createRuns(inputs));
          expect(made.value.map((r) => [r.run.runId, r.run.state, r.created])).toEqual(inputs.map((input, i) => [input.runId, i % 2 === 0 ? "running" : "queued", true]));
          costs.push(made.statements);
        }
        expect(costs[1]).toBe(costs[0]);
        const mixed = await store.createRuns([
          scheduled(1, true),
          scheduled(20, true),
          { ...scheduled(20, true), runId: "twin" },
          runInput(empty, { runId: "nothing-to-do" }),
          runInput(g, { runId: "manual-1", logicalDate: day(20) }),
        ]);
        expect(mixed.map((r) => [r.run.runId, r.run.state, r.created])).toEqual([
          [before.runId, "queued", false],
          ["many-20", "running", true],
          ["many-20", "running", false],
          ["nothing-to-do", "success", true],
          ["manual-1", "running", true],
        ]);
        expect((await store.listTaskInstances("many-20")).map((ti) => [ti.taskId, ti.state])).toEqual([["extract", "queued"], ["load", "scheduled"]]);
        expect(await store.getRun("twin")).toBeUndefined();
        expect((await store.createRuns([])).length).toBe(0);
      } finally {
        await store.close();
      }
    });

    it("createRuns makes the runs of n different DAGs (a tick at midnight) with the same statements for n = 2 and n = 12, each with its DAG version", async () => {
      const store = counting();
      try {
        const day = new Date(Date.UTC(2024, 0, 1));
        const dagN = (n: number) => graph(`dag_${n}`, [{ id: "extract" }, { id: "load", upstream: ["extract"] }]);
        // Each DAG's version is recorded by a run made earlier; a fifteenth DAG has a run of the day already.
        for (let n = 0; n < 14; n++) await store.createRun(runInput(dagN(n), { runId: `manual-${n}`, logicalDate: day }));
        const { run: existing } = await store.createRun(runInput(dagN(14), { runId: "dag_14-day", runType: "scheduled", logicalDate: day }));
        const costs: number[] = [];
        for (const [first, n] of [[0, 2], [2, 12]] as const) {
          const inputs = Array.from({ length: n }, (_, i) => runInput(dagN(first + i), { runId: `dag_${first + i}-day`, runType: "scheduled", logicalDate: day, start: true }));
          const made = await count(() => store.createRuns(inputs));
          expect(made.value.map((r) => [r.run.runId, r.run.state, r.created, r.run.dagVersion])).toEqual(
            inputs.map((input) => [input.runId, "running", true, expect.stringMatching(/^[0-9a-f]{16}$/)]),
          );
          costs.push(made.statements);
        }
        expect(costs[1]).toBe(costs[0]);
        const again = await store.createRuns([runInput(dagN(14), { runId: "dag_14-again", runType: "scheduled", logicalDate: day }), runInput(dagN(0), { runId: "dag_0-again", runType: "scheduled", logicalDate: day })]);
        expect(again.map((r) => [r.run.runId, r.created])).toEqual([[existing.runId, false], ["dag_0-day", false]]);
        for (let n = 0; n < 14; n++) expect((await store.getRun(`dag_${n}-day`))?.dagVersion).toBe((await store.getRun(`manual-${n}`))?.dagVersion);
      } finally {
        await store.close();
      }
    });

    it("a chain's step, one outcome that queues its successor and the claim of that successor in the same transaction, costs at most 8 statements (13 on SQLite)", async () => {
      const store = counting();
      try {
        const g = graph("chain", [{ id: "a" }, { id: "b", upstream: ["a"] }, { id: "c", upstream: ["b"] }]);
        await store.createRun(runInput(g, { runId: "chain" }));
        const request = (now: Date) => ({ workerId: "w", limit: 1, dagIds: [g.dagId], now });
        const [a] = await store.claimNextTasks(request(at(1)));
        if (!a) throw new Error("a not claimed");
        // What a worker does at every step of a chain: the outcome, and the next claim riding along.
        const step = await count(() => store.completeTries([success(a, g, at(2))], request(at(2))));
        expect(step.value.results).toEqual([expect.objectContaining({ state: "success", queued: 1, runState: "running", applied: true })]);
        expect(step.value.claimed.map((c) => [c.instance.taskId, c.instance.state, c.run.runId, c.run.state])).toEqual([["b", "running", "chain", "running"]]);
        // Counted with BEGIN and COMMIT: on PostgreSQL every one is a round trip. SQLite has no
        // writes in WITH: each of the step's three state moves is an UPDATE and a history INSERT.
        // No pool is configured: the claim reads no pools of its own (sql/tries/claim.ts).
        expect(step.statements).toBeLessThanOrEqual(factory.name === "postgres" ? 8 : 13);
      } finally {
        await store.close();
      }
    });

    it("a batch of 600 outcomes, over the 500 rows a statement reads, is recorded whole", async () => {
      const store = counting();
      try {
        const g = fanIn("fan600", 600);
        await store.createRun(runInput(g, { runId: "r600" }));
        const claimed = await store.claimNextTasks({ workerId: "w", limit: 1_000, dagIds: [g.dagId], now: at(1) });
        expect(claimed).toHaveLength(600);
        const { results } = await store.completeTries(claimed.map((c) => success(c, g, at(2))));
        expect(results.every((r) => r.applied && r.state === "success")).toBe(true);
        expect(results.reduce((sum, r) => sum + r.queued, 0)).toBe(1);
        const [join] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: [g.dagId], now: at(3) });
        expect(join?.instance.taskId).toBe("join");
      } finally {
        await store.close();
      }
    });

    it("mapped instances: claims and outcomes of 4 or 60 elements cost the same statements", async () => {
      const store = counting();
      try {
        const costs = [];
        for (const n of [4, 60]) {
          const runId = `m${n}`;
          await store.createRun(runInput(MAPPED, { runId }));
          const [src] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["mapped"], now: at(1) });
          if (!src) throw new Error("src not claimed");
          await store.completeTry({ ...success(src, MAPPED, at(2)), result: Array.from({ length: n }, (_, i) => i) });
          const claim = await count(() => store.claimNextTasks({ workerId: "w", limit: 1_000, dagIds: ["mapped"], now: at(3) }));
          expect(claim.value).toHaveLength(n);
          const complete = await count(() => store.completeTries(claim.value.map((c) => success(c, MAPPED, at(4)))));
          expect(complete.value.results.reduce((sum, r) => sum + r.queued, 0)).toBe(1);
          const [sum] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["mapped"], now: at(5) });
          expect(sum?.instance.taskId).toBe("sum");
          expect((await store.getTaskResults(runId, ["m"])).get("m")).toEqual(Array.from({ length: n }, (_, i) => i));
          costs.push({ claim: claim.statements, complete: complete.statements });
        }
        expect(costs[1]).toEqual(costs[0]);
      } finally {
        await store.close();
      }
    });

    it("a claim that wakes n due sensors and goes on with their open tries costs the same statements for n = 4 and n = 60", async () => {
      const store = counting();
      try {
        const costs = [];
        for (const n of [4, 60]) {
          const g = sensors(`sensors${n}`, n);
          await store.createRun(runInput(g, { runId: `s${n}` }));
          const request = (now: Date) => ({ workerId: "w", limit: 1_000, dagIds: [g.dagId], wakeDagIds: [g.dagId], now });
          const first = await store.claimNextTasks(request(at(1)));
          expect(first).toHaveLength(n);
          // Every poke finds nothing: each instance waits with its try open.
          const pokes = await store.completeTries(first.map((c) => ({ ...success(c, g, at(2)), outcome: "deferred" as const })));
          expect(pokes.results.every((r) => r.applied && r.state === "deferred")).toBe(true);
          const woken = await count(() => store.claimNextTasks(request(new Date(at(2).getTime() + 10_000))));
          expect(woken.value.map((c) => [c.instance.id, c.tryId, c.tryNumber]).sort()).toEqual(first.map((c) => [c.instance.id, c.tryId, 1]).sort());
          expect(woken.value.every((c) => c.instance.state === "running" && c.instance.workerId === "w")).toBe(true);
          costs.push(woken.statements);
        }
        expect(costs[1]).toEqual(costs[0]);
      } finally {
        await store.close();
      }
    });
  });
}
