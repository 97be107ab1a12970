/**
 * The one-call step (PostgreSQL: postgres/step-function.ts, SQLite: sqlite/step-function.ts)
 * against the statements' path it stands in for: the same script of claims and outcomes is run on
 * two fresh databases, once with each outcome's `taskId` (which lets the store take its step
 * function) and once without (always the statements' path), and everything either store returned
 * or stored must be equal: results, claimed tries, instances, tries, state history, logs, the run.
 * On PostgreSQL the steps the function covers must cost one statement each.
 */
import { describe, expect, it } from "vitest";
import type { DagGraph } from "../../src/core/types.js";
import type { ClaimedTask, ClaimRequest, CompleteTryInput, Store } from "../../src/store/index.js";
import { at, runInput } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES, type StoreFactory } from "./stores.js";

/**
 * a -> (b, c) -> d -> e -> r -> (p, q) -> z, and s alone: r fails once and is retried; p runs in
 * a configured pool; q in another queue; s sleeps (a durable step's ctx.sleep) and is woken.
 */
const G: DagGraph = graph("steps", [
  { id: "a" },
  { id: "s" },
  { id: "b", upstream: ["a"] },
  { id: "c", upstream: ["a"] },
  { id: "d", upstream: ["b", "c"] },
  { id: "e", upstream: ["d"] },
  { id: "r", upstream: ["e"], retries: 1, retryDelayMs: 1_000 },
  { id: "p", upstream: ["r"], pool: "narrow" },
  { id: "q", upstream: ["r"], queue: "other" },
  { id: "z", upstream: ["p", "q"] },
]);

/** The statements that register a worker's list of DAGs on PostgreSQL, before its first one-call step. */
const REGISTRATION = 5;

/** What a step returned, in a form two stores can be compared by. */
type Transcript = unknown[];

interface Counted {
  readonly store: Store;
  /** Statements since the last call. */
  take(): number;
}

async function openFresh(factory: StoreFactory): Promise<{ counted: Counted; dispose: () => Promise<void> }> {
  const place = await factory.create();
  let statements = 0;
  const store = factory.open(place.address, { onQuery: () => statements++ });
  const report = await store.migrate();
  if (report.error) throw report.error;
  return {
    counted: {
      store,
      take: () => {
        const n = statements;
        statements = 0;
        return n;
      },
    },
    dispose: async () => {
      await store.close();
      await place.dispose();
    },
  };
}

function outcome(claim: ClaimedTask, withTaskId: boolean, now: Date, extra: Partial<CompleteTryInput> = {}): CompleteTryInput {
  return {
    taskInstanceId: claim.instance.id,
    ...(withTaskId ? { taskId: claim.instance.taskId } : {}),
    tryNumber: claim.tryNumber,
    outcome: "success",
    result: { task: claim.instance.taskId, n: claim.tryNumber },
    graph: G,
    now,
    // A string cut inside an emoji leaves a lone surrogate, which JSON can carry but jsonb cannot.
    logs: { tryId: claim.tryId, lines: [{ at: now, stream: "stdout", level: "info", message: `${claim.instance.taskId} done ${"😀".slice(0, 1)}` }] },
    ...extra,
  };
}

/** A worker's claim; every DAG but an all-shell one may have waits to wake (worker.ts), so this one does too. */
const request = (now: Date, limit = 1, queues?: readonly string[]): ClaimRequest => ({
  workerId: "w1",
  limit,
  dagIds: [G.dagId],
  wakeDagIds: [G.dagId],
  now,
  ...(queues ? { queues } : {}),
});

/**
 * The script: every step a worker meets, each recorded with the statements it cost. `fast` lists
 * the steps the step function covers (one statement on PostgreSQL).
 */
async function script(counted: Counted, withTaskId: boolean): Promise<{ transcript: Transcript; costs: Map<string, number> }> {
  const { store } = counted;
  const transcript: Transcript = [];
  const costs = new Map<string, number>();
  await store.setPool({ name: "narrow", slots: 1, now: at(0) });
  await store.createRun(runInput(G, { runId: "run1", now: at(0) }));
  const one = async (name: string, claim: ClaimedTask | undefined, now: Date, req: ClaimRequest | undefined, extra: Partial<CompleteTryInput> = {}) => {
    if (!claim) throw new Error(`${name}: nothing claimed to complete`);
    counted.take();
    const step = await store.completeTries([outcome(claim, withTaskId, now, extra)], req);
    costs.set(name, counted.take());
    transcript.push({ name, ...step });
    return step.claimed;
  };
  const [a, s] = await store.claimNextTasks(request(at(1), 2));
  if (!s) throw new Error("s not claimed");
  // s sleeps until 4.5 s (the statements' path: a deferral).
  transcript.push({ name: "s sleeps", ...(await store.completeTries([outcome(s, withTaskId, at(1.5), { outcome: "deferred", sleepsUntil: at(4.5) })])) });
  // a's success queues b and c; a claim of two takes both.
  const [b, c] = await one("a: queues two, claims two", a, at(2), request(at(2), 2));
  // b's success leaves d waiting for c: nothing queued, nothing to claim, no wait due yet.
  await one("b: d waits for c", b, at(3), request(at(3)));
  // c's success makes d ready, claimed in the same step.
  const [d] = await one("c: queues d, claims it", c, at(4), request(at(4)));
  // d's success queues e, claimed; the slot left over wakes s, due since 4.5 s (the statements' path).
  const [e, woken] = await one("d: queues e, claims it, wakes s", d, at(5), request(at(5), 2));
  expect(woken?.resumed).toBe(true);
  await one("s: its sleep over, it succeeds", woken, at(5.5), undefined);
  const [r] = await one("e: queues r, claims it", e, at(6), request(at(6)));
  if (!r) throw new Error("r not claimed");
  // r fails once (the statements' path: a failure); its retry is due at 8 s.
  transcript.push({ name: "r fails", ...(await store.completeTries([outcome(r, withTaskId, at(7), { outcome: "failed", error: "boom", errorKind: "error" })])) });
  transcript.push({ name: "retries queued", queued: await store.queueDueRetries(at(9)) });
  const [r2] = await store.claimNextTasks(request(at(10)));
  // The retry's success queues p (in a configured pool: the claim's pool check is the
  // statements' path) and q (in another queue), and claims p, the first of the two.
  const [p] = await one("r: queues p and q, p's pool", r2, at(11), request(at(11)));
  // p's success leaves z waiting for q; this worker's claim sees only the default queue.
  await one("p: z waits for q, claims in default queue only", p, at(12), request(at(12), 1, ["default"]));
  const [q] = await store.claimNextTasks(request(at(13), 1, ["other"]));
  const [z] = await one("q: queues z, claims it", q, at(14), request(at(14)));
  // z is the last: every instance succeeded, so the run succeeds.
  await one("z: the run ends", z, at(15), request(at(15)));

  const instances = await store.listTaskInstances("run1");
  transcript.push({ run: await store.getRun("run1"), instances, history: await store.listStateHistory("run1") });
  for (const instance of instances) {
    const tries = await store.listTries(instance.id);
    transcript.push({ tries });
    for (const t of tries) transcript.push(await store.readLogs({ runId: "run1", taskId: instance.taskId, mapIndex: instance.mapIndex, tryNumber: t.tryNumber }));
  }
  return { transcript, costs };
}

/**
 * The transcript with the ids of history rows, tries and log lines numbered 1, 2, ... in their
 * order: a call the function gave up on rolled its writes back, but PostgreSQL's sequences do not
 * roll back, so the statements' path that follows takes later ids (gaps, as after any rollback).
 * Their order, and every other value, must still be the same.
 */
function renumbered(transcript: Transcript): Transcript {
  const kinds = { history: new Set<number>(), tries: new Set<number>(), logs: new Set<number>() };
  const kindOf = (node: Record<string, unknown>, key: string): keyof typeof kinds | undefined => {
    if (key === "tryId") return "tries";
    if (key !== "id") return undefined;
    if ("toState" in node) return "history";
    if ("outcome" in node && "tryNumber" in node) return "tries";
    if ("stream" in node) return "logs";
    return undefined;
  };
  const walk = (value: unknown, visit: (node: Record<string, unknown>, key: string) => unknown): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, visit));
    if (value === null || typeof value !== "object" || value instanceof Date) return value;
    const node = value as Record<string, unknown>;
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, typeof item === "number" ? visit(node, key) : walk(item, visit)]));
  };
  walk(transcript, (node, key) => {
    const kind = kindOf(node, key);
    if (kind) kinds[kind].add(node[key] as number);
    return node[key];
  });
  const ranks = Object.fromEntries(Object.entries(kinds).map(([kind, ids]) => [kind, new Map([...ids].sort((x, y) => x - y).map((id, i) => [id, i + 1]))]));
  return walk(transcript, (node, key) => {
    const kind = kindOf(node, key);
    return kind ? ranks[kind]?.get(node[key] as number) : node[key];
  }) as Transcript;
}

/** Two tasks fanning out from a root and joining again: a -> (b, c) -> d. */
const H: DagGraph = graph("batches", [{ id: "a" }, { id: "b", upstream: ["a"] }, { id: "c", upstream: ["a"] }, { id: "d", upstream: ["b", "c"] }]);

/**
 * A busy worker's batches: outcomes of two runs committed together, with the claim for the slots
 * they free riding along.
 */
async function batches(counted: Counted, withTaskId: boolean): Promise<{ transcript: Transcript; costs: Map<string, number> }> {
  const { store } = counted;
  const transcript: Transcript = [];
  const costs = new Map<string, number>();
  const claimFor = (now: Date, limit: number): ClaimRequest => ({ workerId: "w1", limit, dagIds: [H.dagId], wakeDagIds: [H.dagId], now });
  const done = (claim: ClaimedTask | undefined, now: Date): CompleteTryInput => {
    if (!claim) throw new Error("nothing claimed to complete");
    return { ...outcome(claim, withTaskId, now), graph: H };
  };
  const byKey = new Map<string, ClaimedTask>();
  const keep = (claimed: readonly ClaimedTask[]) => {
    for (const c of claimed) byKey.set(`${c.instance.runId}/${c.instance.taskId}`, c);
  };
  const batch = async (name: string, keys: readonly string[], now: Date, limit: number) => {
    counted.take();
    const step = await store.completeTries(keys.map((key) => done(byKey.get(key), now)), limit > 0 ? claimFor(now, limit) : undefined);
    costs.set(name, counted.take());
    transcript.push({ name, ...step });
    keep(step.claimed);
  };
  for (const runId of ["one", "two"]) await store.createRun(runInput(H, { runId, now: at(0) }));
  keep(await store.claimNextTasks(claimFor(at(1), 2)));
  await batch("both roots: four queued, four claimed", ["one/a", "two/a"], at(2), 4);
  // one/d waits for one/c; two/d is ready after two/c and two/b: its run's last outcome tells it.
  await batch("three of four: one join waits, the other is queued and claimed", ["one/b", "two/c", "two/b"], at(3), 3);
  // Twice the same outcome in a batch: the statements' path, which records it once.
  await batch("the same outcome twice", ["one/c", "one/c"], at(4), 1);
  // Both runs end, every instance a success: both succeed.
  await batch("two runs' ends", ["one/d", "two/d"], at(5), 1);
  // A run whose b fails (d: upstream_failed) ends with c's success: closing it is the statements' path.
  await store.createRun(runInput(H, { runId: "three", now: at(6) }));
  keep(await store.claimNextTasks(claimFor(at(6), 1)));
  await batch("three: a queues b and c", ["three/a"], at(7), 2);
  const b3 = byKey.get("three/b");
  if (!b3) throw new Error("three/b not claimed");
  transcript.push({ name: "three: b fails", ...(await store.completeTries([{ ...done(b3, at(8)), outcome: "failed", error: "boom", errorKind: "error" }])) });
  await batch("three: c ends a failed run", ["three/c"], at(9), 1);
  const runs = [];
  for (const runId of ["one", "two", "three"]) runs.push({ run: await store.getRun(runId), instances: await store.listTaskInstances(runId), history: await store.listStateHistory(runId) });
  transcript.push(runs);
  return { transcript, costs };
}

/** A mapped task between a source and a sum: src -> m (one instance per element) -> sum. */
const M: DagGraph = graph("mapped", [{ id: "src" }, { id: "m", mapOver: "src" }, { id: "sum", upstream: ["m"], inputs: { m: "m" } }]);

/** A fan-out's instances completed in batches, the sum queued by the last of them, the run's end. */
async function mapped(counted: Counted, withTaskId: boolean): Promise<{ transcript: Transcript; costs: Map<string, number> }> {
  const { store } = counted;
  const transcript: Transcript = [];
  const costs = new Map<string, number>();
  const claimFor = (now: Date, limit: number): ClaimRequest => ({ workerId: "w1", limit, dagIds: [M.dagId], wakeDagIds: [M.dagId], now });
  const batch = async (name: string, claims: readonly (ClaimedTask | undefined)[], now: Date, limit: number, result?: unknown) => {
    counted.take();
    const inputs = claims.map((claim) => {
      if (!claim) throw new Error(`${name}: nothing claimed to complete`);
      return { ...outcome(claim, withTaskId, now), graph: M, ...(result === undefined ? {} : { result }) };
    });
    const step = await store.completeTries(inputs, claimFor(now, limit));
    costs.set(name, counted.take());
    transcript.push({ name, ...step });
    return step.claimed;
  };
  await store.createRun(runInput(M, { runId: "fan", now: at(0) }));
  const [src] = await store.claimNextTasks(claimFor(at(1), 1));
  // src's success expands m (the statements' path: a mapped task to expand) into four instances, all claimed.
  const [m0, m1, m2, m3] = await batch("src: m expands into four", [src], at(2), 4, [10, 20, 30, 40]);
  await batch("two of m: sum waits", [m0, m1], at(3), 2);
  const [sum] = await batch("the last two of m: sum queued, claimed", [m3, m2], at(4), 2);
  await batch("sum: the run ends", [sum], at(5), 1);
  transcript.push({ run: await store.getRun("fan"), instances: await store.listTaskInstances("fan"), history: await store.listStateHistory("fan") });
  transcript.push({ results: [...(await store.getTaskResults("fan", ["m", "sum"]))] });
  return { transcript, costs };
}

/** Steps the step function covers: one statement each where the store has it. */
const FAST = [
  "a: queues two, claims two",
  "b: d waits for c",
  "c: queues d, claims it",
  "s: its sleep over, it succeeds",
  "e: queues r, claims it",
  "p: z waits for q, claims in default queue only",
  "q: queues z, claims it",
  "z: the run ends",
];
/** Steps whose claim the function leaves to the statements (a wait to wake, a pool): fewer statements than theirs, more than one. */
const CLAIM_LEFT = ["d: queues e, claims it, wakes s", "r: queues p and q, p's pool"];

for (const factory of STORES) {
  describe(`one-call step: ${factory.name}`, () => {
    /**
     * Runs `run` on two fresh databases, through the step function and through the statements,
     * requires the same transcript and the paths the steps took (`fast` ones in one call, each
     * `givenUp` one by the statements for the function's reason, `claimLeft` ones with their claim
     * by the statements), and on PostgreSQL each step's statements: `fast` steps cost one,
     * `givenUp` steps one more than the statements, `claimLeft` steps fewer than those.
     */
    async function bothPaths(run: typeof script, fast: readonly string[], givenUp: readonly string[], claimLeft: readonly string[] = []): Promise<void> {
      const viaStep = await openFresh(factory);
      const viaStatements = await openFresh(factory);
      try {
        const stepped = await run(viaStep.counted, true);
        const plain = await run(viaStatements.counted, false);
        expect(renumbered(stepped.transcript)).toEqual(renumbered(plain.transcript));
        // Which path each step took, on every dialect: the covered steps in one call, the give-ups
        // by their reasons, the claims left to the statements.
        const writes = viaStep.counted.store.outcomeWrites();
        const count = (path: string, reason?: (r: string) => boolean) => writes.filter((w) => w.path === path && (reason?.(w.reason) ?? true)).reduce((sum, w) => sum + w.count, 0);
        expect(count("one_call")).toBeGreaterThanOrEqual(fast.length);
        expect(count("statements", (r) => r !== "not covered")).toBe(givenUp.length);
        expect(count("one_call_then_claim")).toBe(claimLeft.length);
        // The statements each step cost where the function is one (PostgreSQL).
        if (factory.name !== "postgres") return;
        // The first also registers the worker's list of DAGs, once (postgres/served-dag-sets.ts:
        // BEGIN, three statements, COMMIT); every later step names it by its key.
        expect(fast.map((name) => [name, stepped.costs.get(name)])).toEqual(fast.map((name, i) => [name, i === 0 ? 1 + REGISTRATION : 1]));
        for (const name of givenUp) expect([name, stepped.costs.get(name)]).toEqual([name, (plain.costs.get(name) ?? 0) + 1]);
        for (const name of claimLeft) {
          const cost = stepped.costs.get(name) ?? 0;
          expect([name, cost > 1 && cost < (plain.costs.get(name) ?? 0)]).toEqual([name, true]);
        }
      } finally {
        await viaStep.dispose();
        await viaStatements.dispose();
      }
    }

    it("stores and returns exactly what the statements' path does, on every step of a run", async () => {
      await bothPaths(script, FAST, [], CLAIM_LEFT);
    });

    it("records a worker's batches of outcomes of several runs as the statements' path does", async () => {
      await bothPaths(
        batches,
        ["both roots: four queued, four claimed", "three of four: one join waits, the other is queued and claimed", "two runs' ends"],
        ["the same outcome twice", "three: c ends a failed run"],
      );
    });

    it("records a mapped task's instances, and the sum they make ready, as the statements' path does", async () => {
      await bothPaths(mapped, ["two of m: sum waits", "the last two of m: sum queued, claimed", "sum: the run ends"], []);
    });

    it("counts how each call recorded its outcomes (the metric tributary_outcome_writes_total)", async () => {
      const { counted, dispose } = await openFresh(factory);
      try {
        await script(counted, true);
        const writes = [...counted.store.outcomeWrites()].sort((x, y) => x.path.localeCompare(y.path));
        // The script's 12 calls: 8 covered steps, 2 whose claim was left, a deferral and a failure.
        expect(writes).toEqual([
          { path: "one_call", reason: "", count: FAST.length },
          { path: "one_call_then_claim", reason: "a claim into a pool, or a wait to wake", count: CLAIM_LEFT.length },
          { path: "statements", reason: "not covered", count: 2 },
        ]);
      } finally {
        await dispose();
      }
    });

    it("an outcome that is not the try in progress changes nothing, and says so, on either path", async () => {
      const { counted, dispose } = await openFresh(factory);
      try {
        const { store } = counted;
        await store.createRun(runInput(G, { runId: "run2", now: at(0) }));
        const [a] = await store.claimNextTasks(request(at(1)));
        if (!a) throw new Error("a not claimed");
        await store.completeTries([outcome(a, true, at(2))]);
        const again = await store.completeTries([outcome(a, true, at(3))], request(at(3)));
        expect(again.results).toEqual([expect.objectContaining({ applied: false, state: "success" })]);
        // The stale outcome's claim still rides along: s, the other root, queued first, is claimed.
        expect(again.claimed.map((c) => c.instance.taskId)).toEqual(["s"]);
        expect(store.outcomeWrites()).toContainEqual({ path: "statements", reason: "a stale or repeated outcome", count: 1 });
        // A taskId that is not the instance's own takes nothing through the function.
        const [b] = await store.claimNextTasks(request(at(4)));
        if (b?.instance.taskId !== "b") throw new Error("b not claimed");
        const wrong = await store.completeTries([{ ...outcome(b, true, at(5)), taskId: "c" }]);
        expect(wrong.results).toEqual([expect.objectContaining({ applied: true, state: "success" })]);
        expect((await store.listTaskInstances("run2")).find((i) => i.taskId === "b")?.state).toBe("success");
      } finally {
        await dispose();
      }
    });

    it("claims, along with an outcome, only the DAGs the worker serves, though another DAG's instance comes first in the queue", async () => {
      const { counted, dispose } = await openFresh(factory);
      try {
        const { store } = counted;
        const mine = graph("mine", [{ id: "a" }, { id: "b", upstream: ["a"] }]);
        const theirs = graph("theirs", [{ id: "x", priority: 10 }]);
        await store.createRun(runInput(theirs, { runId: "theirs1", now: at(0) }));
        await store.createRun(runInput(mine, { runId: "mine1", now: at(0) }));
        // Two workers' DAGs, each list made once and shared by its claims (as worker.ts does).
        const served = ["mine"];
        const claimFor = (now: Date): ClaimRequest => ({ workerId: "w1", limit: 2, dagIds: served, wakeDagIds: served, now });
        const [a] = await store.claimNextTasks(claimFor(at(1)));
        expect(a?.instance.taskId).toBe("a");
        if (!a) return;
        const step = await store.completeTries([{ ...outcome(a, true, at(2)), graph: mine }], claimFor(at(2)));
        expect(step.claimed.map((c) => `${c.instance.dagId}.${c.instance.taskId}`)).toEqual(["mine.b"]);
        expect(store.outcomeWrites()).toContainEqual({ path: "one_call", reason: "", count: 1 });
        expect((await store.listTaskInstances("theirs1")).map((i) => i.state)).toEqual(["queued"]);
      } finally {
        await dispose();
      }
    });
  });
}
