/**
 * Scale-out on PostgreSQL (issue 4, docs/architecture.md §6): real `tributary scheduler` and `tributary worker`
 * processes (from dist: `npm run build`) sharing one schema, killed with SIGKILL at chosen or
 * random moments; then the fencing rules checked directly through the store API. Each test has a
 * schema of its own (dropped afterwards) and a time bound; every process a test started is killed
 * in afterEach, with its task processes, even when the test failed.
 *
 * The PostgreSQL restart test lives apart, in test/isolated/pg-restart.test.ts: restarting the
 * server would break every other test using it at that moment. So does the soak test
 * (test/isolated/soak.test.ts): it needs the machine's two cores to itself to finish in time.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dag } from "../../src/dsl/index.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import type { ClaimedTask, Store } from "../../src/store/index.js";
import {
  DSL,
  expectNoProblems,
  type Fleet,
  fleetsPerTest,
  markingPrelude,
  markProblems,
  num,
  sleep,
  TEST_PG_URL,
  TRY_COLUMNS,
  tryProblems,
  workerPid,
  type FleetProcess,
  type TryRow,
} from "./scale-out-fleet.js";

const stores: Store[] = [];
// Stores first (they hold connections to the schemas), then every process and schema.
const newFleet = fleetsPerTest(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
});

interface RunRow {
  run_id: string;
  dag_id: string;
  state: string;
  logical_date: number;
  created_at: number;
}

/** Every run of every DAG is done, except perhaps the latest of each DAG (just created when the schedulers stopped). */
function unfinishedRuns(runs: readonly RunRow[]): string[] {
  const latest = new Map<string, number>();
  for (const run of runs) latest.set(run.dag_id, Math.max(latest.get(run.dag_id) ?? 0, run.logical_date));
  return runs
    .filter((run) => run.state !== "success" && !(run.logical_date === latest.get(run.dag_id) && ["queued", "running"].includes(run.state)))
    .map((run) => `${run.run_id}: ${run.state}`);
}

/**
 * The DAG option for tests whose subject is the fleet's coordination, not task isolation: tries run
 * inline, in their worker, which spares each worker the task processes that would load tsx and the
 * DAG file again (up to 12 for the 50 DAGs). The zombie test keeps task processes: it checks that
 * they die with their worker.
 */
const INLINE = `defaults: { isolation: "inline" }`;

async function duplicateRuns(fleet: Fleet): Promise<unknown[]> {
  return fleet.query("select dag_id, logical_date, count(*) as n from dag_runs group by dag_id, logical_date having count(*) > 1");
}

describe("a fleet of processes on one PostgreSQL schema", () => {
  it("two schedulers and three workers run 50 DAGs: no duplicate run, no instance twice at once, every run done, work spread", async () => {
    const fleet = newFleet("fleet50");
    const marks = join(fleet.dir, "marks.log");
    writeFileSync(marks, "");
    let source = markingPrelude(marks);
    for (let i = 0; i < 50; i++) {
      const id = `fleet_${String(i).padStart(2, "0")}`;
      // Two or three tasks; some sleep a little (a "random" but fixed amount per DAG).
      source += `
export const ${id} = dag(${JSON.stringify(id)}, { schedule: { every: "2s" }, catchup: false, ${INLINE} }, (d) => {
  const a = d.task("a", (ctx) => work(ctx, 0));
  const b = d.task("b", { after: [a] }, (ctx) => work(ctx, ${(i * 37) % 5 === 0 ? (i * 53) % 150 : 0}));
  ${i % 2 === 0 ? `d.task("c", { after: [a, b] }, (ctx) => work(ctx, ${(i * 17) % 80}));` : ""}
});
`;
    }
    writeFileSync(join(fleet.dagsDir, "fleet.ts"), source);

    const schedulers = [fleet.spawn("scheduler", ["--tick-ms", "500"]), fleet.spawn("scheduler", ["--tick-ms", "500"])];
    const workers = [1, 2, 3].map(() => fleet.spawn("worker", ["--concurrency", "4"]));
    const successes = async () => num(await fleet.tryQuery<{ n: number }>("select count(*) as n from dag_runs where state = 'success'"));
    await fleet.waitFor("the first 50 successful runs", async () => (await successes()) >= 50, 40_000);
    await sleep(10_000);

    for (const scheduler of schedulers) expect(await fleet.terminate(scheduler), scheduler.output()).toEqual({ code: 0, signal: null });
    await fleet.waitFor(
      "the workers to finish the runs in flight",
      async () => num(await fleet.query<{ n: number }>("select count(*) as n from dag_runs where state = 'running'")) === 0,
      30_000,
    );
    for (const worker of workers) expect(await fleet.terminate(worker), worker.output()).toEqual({ code: 0, signal: null });

    const runs = await fleet.query<RunRow>("select run_id, dag_id, state, logical_date, created_at from dag_runs");
    expect(await duplicateRuns(fleet)).toEqual([]);
    // Each run created once and started once, each task instance queued and claimed once.
    expect(await fleet.query("select run_id from state_history where task_id is null and from_state is null group by run_id having count(*) <> 1")).toEqual([]);
    expect(await fleet.query("select run_id from state_history where task_id is null and to_state = 'running' group by run_id having count(*) <> 1")).toEqual([]);
    expect(await fleet.query("select task_instance_id from state_history where task_instance_id is not null and to_state in ('queued', 'running') group by task_instance_id, to_state having count(*) <> 1")).toEqual([]);
    expect(unfinishedRuns(runs)).toEqual([]);
    const perDag = new Map<string, number>();
    for (const run of runs) if (run.state === "success") perDag.set(run.dag_id, (perDag.get(run.dag_id) ?? 0) + 1);
    expect(perDag.size, "every DAG has successful runs").toBe(50);
    expect(Math.min(...perDag.values()), "runs per DAG").toBeGreaterThanOrEqual(3);

    const tries = await fleet.query<TryRow>(`select ${TRY_COLUMNS} from task_tries`);
    expectNoProblems(tryProblems(tries), "tries of one instance that overlap");
    expect(tries.filter((t) => t.outcome !== "success").map((t) => `${t.task_instance_id}/${t.try_number}: ${t.outcome}`)).toEqual([]);
    expect(num(await fleet.query<{ n: number }>("select count(*) as n from task_instances where try_number <> 1 and state = 'success'"))).toBe(0);
    expectNoProblems(markProblems(readFileSync(marks, "utf8")), "tries that really ran at the same time");
    // Every try that ran (inline, in its worker) was recorded, and the other way round.
    expect(readFileSync(marks, "utf8").split("\n").filter((l) => l.includes(" start ")).length).toBe(tries.length);

    const perWorker = new Map<string, number>();
    for (const t of tries) perWorker.set(t.worker_id, (perWorker.get(t.worker_id) ?? 0) + 1);
    expect(perWorker.size, `tries per worker: ${JSON.stringify([...perWorker])}`).toBeGreaterThan(1);
    expect(new Set([...perWorker.keys()].map(workerPid))).toEqual(new Set(workers.map((w) => w.pid)));
    console.log(`50 DAGs: ${runs.length} runs, ${tries.length} tries, per worker ${[...perWorker.values()].join("/")}`);
  }, 120_000);

  it("kill -9 of a worker in the middle of a task: the try becomes a zombie and succeeds on the other worker", async () => {
    const fleet = newFleet("zombie");
    const marks = join(fleet.dir, "marks.log");
    writeFileSync(marks, "");
    writeFileSync(
      join(fleet.dagsDir, "long.ts"),
      `${markingPrelude(marks)}
export default dag("long_zombie", { schedule: { every: "1h" }, catchup: false }, (d) => {
  d.task("sleepy", { retries: 1, retryDelay: "100ms" }, (ctx) => work(ctx, 5_000));
});
`,
    );
    fleet.spawn("scheduler", ["--zombie-after", "2", "--tick-ms", "250"]);
    const workers = [fleet.spawn("worker", ["--zombie-after", "2", "--concurrency", "1"]), fleet.spawn("worker", ["--zombie-after", "2", "--concurrency", "1"])];
    await fleet.waitFor("the first try to start its task", () => readFileSync(marks, "utf8").includes(" 1 start "), 30_000);
    const [first] = await fleet.query<TryRow>(`select ${TRY_COLUMNS} from task_tries`);
    expect(first).toMatchObject({ try_number: 1, outcome: "running" });
    const victim = workers.find((w) => w.pid === workerPid(first?.worker_id ?? ""));
    const survivor = workers.find((w) => w !== victim);
    if (!victim || !survivor) throw new Error(`try 1 runs on an unknown worker ${first?.worker_id ?? "?"}`);
    // The victim has heartbeated its try since claiming it: the sweep must wait for the silence.
    const heartbeat = async () => (await fleet.query<{ heartbeat_at: number | null; started_at: number | null }>("select heartbeat_at, started_at from task_instances"))[0];
    await fleet.waitFor("a heartbeat of try 1", async () => {
      const ti = await heartbeat();
      return ti?.heartbeat_at != null && ti.started_at != null && ti.heartbeat_at > ti.started_at;
    }, 10_000, 50);
    const killedAt = Date.now();
    await fleet.kill9(victim);

    const state = async () => (await fleet.query<{ state: string }>("select state from task_instances"))[0]?.state;
    await fleet.waitFor("the task to succeed on the other worker", async () => (await state()) === "success", 25_000);
    const tries = await fleet.query<TryRow>(`select ${TRY_COLUMNS} from task_tries order by try_number`);
    expect(tries.map((t) => [t.try_number, t.outcome, t.error_kind, workerPid(t.worker_id)])).toEqual([
      [1, "failed", "zombie", victim.pid],
      [2, "success", null, survivor.pid],
    ]);
    // Failed by the sweep once the victim's heartbeats had stopped for the threshold (2 s).
    const zombieAt = tries[0]?.ended_at ?? 0;
    expect(zombieAt - killedAt).toBeGreaterThanOrEqual(1_000);
    expect(zombieAt - killedAt).toBeLessThan(8_000);
    expect((await fleet.query<{ state: string }>("select state from dag_runs"))[0]?.state).toBe("success");
    // The killed worker's task process died with it: try 1 never reached its end (it would have
    // by now, 5 s after it started), and the two tries never ran at the same time.
    const text = readFileSync(marks, "utf8");
    expect(text).not.toMatch(/ 1 end /);
    expectNoProblems(markProblems(text, (_key, n) => (n === 1 ? killedAt : undefined)), "overlapping tries");
    expect(tryProblems(tries)).toEqual([]);
  }, 60_000);

  it("kill -9 of one of two schedulers: the other keeps creating and advancing runs", async () => {
    const fleet = newFleet("scheduler-kill");
    writeFileSync(
      join(fleet.dagsDir, "quick.ts"),
      `import { dag } from ${JSON.stringify(DSL)};
export default dag("quick", { schedule: { every: "1s" }, catchup: false, ${INLINE} }, (d) => {
  const a = d.task("a", () => 1);
  d.task("b", { after: [a] }, () => 2);
});
`,
    );
    const schedulers = [fleet.spawn("scheduler", ["--tick-ms", "200"]), fleet.spawn("scheduler", ["--tick-ms", "200"])];
    const worker = fleet.spawn("worker");
    const successesSince = async (since: number) =>
      num(await fleet.tryQuery<{ n: number }>("select count(*) as n from dag_runs where state = 'success' and created_at > $1", [since]));
    await fleet.waitFor("two successful runs", async () => (await successesSince(0)) >= 2, 30_000);

    const [victim, survivor] = schedulers as [FleetProcess, FleetProcess];
    const survivorLinesAtKill = survivor.lines.length;
    const killedAt = Date.now();
    await fleet.kill9(victim);
    await fleet.waitFor("three runs created and finished after the kill", async () => (await successesSince(killedAt)) >= 3, 20_000);
    expect(survivor.lines.slice(survivorLinesAtKill).filter((l) => / created run quick__scheduled__/.test(l)).length).toBeGreaterThanOrEqual(3);

    expect(await fleet.terminate(survivor), survivor.output()).toEqual({ code: 0, signal: null });
    await fleet.waitFor("the runs in flight to finish", async () => num(await fleet.query<{ n: number }>("select count(*) as n from dag_runs where state = 'running'")) === 0, 15_000);
    expect(await fleet.terminate(worker), worker.output()).toEqual({ code: 0, signal: null });
    expect(await duplicateRuns(fleet)).toEqual([]);
    const runs = await fleet.query<RunRow>("select run_id, dag_id, state, logical_date, created_at from dag_runs");
    expect(unfinishedRuns(runs)).toEqual([]);
    expectNoProblems(tryProblems(await fleet.query<TryRow>(`select ${TRY_COLUMNS} from task_tries`)), "overlapping tries");
  }, 60_000);

  it("a task on queue 'heavy' runs only on the worker serving that queue, the others on the other worker", async () => {
    const fleet = newFleet("queues");
    writeFileSync(
      join(fleet.dagsDir, "queues.ts"),
      `import { dag } from ${JSON.stringify(DSL)};
export default dag("queued_work", { schedule: { every: "1s" }, catchup: false, ${INLINE} }, (d) => {
  const prepare = d.task("prepare", () => 1);
  const crunch = d.task("crunch", { queue: "heavy", after: [prepare] }, () => 2);
  d.task("report", { after: [crunch] }, () => 3);
});
`,
    );
    fleet.spawn("scheduler", ["--tick-ms", "250"]);
    const heavy = fleet.spawn("worker", ["--queues", "heavy"]);
    const light = fleet.spawn("worker", ["--queues", "default"]);
    await fleet.waitFor(
      "three successful runs",
      async () => num(await fleet.tryQuery<{ n: number }>("select count(*) as n from dag_runs where state = 'success'")) >= 3,
      30_000,
    );
    await fleet.killAll();
    const rows = await fleet.query<{ task_id: string; queue: string; worker_id: string }>(
      "select ti.task_id, ti.queue, t.worker_id from task_tries t join task_instances ti on ti.id = t.task_instance_id",
    );
    const placement = new Set(rows.map((r) => `${r.task_id} ${r.queue} ${workerPid(r.worker_id) === heavy.pid ? "heavy" : workerPid(r.worker_id) === light.pid ? "light" : r.worker_id}`));
    expect(placement).toEqual(new Set(["prepare default light", "crunch heavy heavy", "report default light"]));
  }, 60_000);

});

describe("fencing, through the store API", () => {
  const fenced = dag("fenced", {}, (d) => {
    const a = d.task("a", { retries: 2, retryDelay: "100ms" }, () => 1);
    d.task("b", { after: [a] }, () => 2);
  });
  const graph = fenced.graph;
  const T0 = Date.parse("2024-06-01T00:00:00Z");
  const at = (ms: number) => new Date(T0 + ms);

  /** Two stores on one fresh schema, as two processes would have (separate pools). */
  async function twoStores(prefix: string): Promise<{ fleet: Fleet; s1: Store; s2: Store }> {
    const fleet = newFleet(prefix);
    const s1 = openPostgresStore({ url: TEST_PG_URL, schema: fleet.schema, maxConnections: 4 });
    const s2 = openPostgresStore({ url: TEST_PG_URL, schema: fleet.schema, maxConnections: 4 });
    stores.push(s1, s2);
    const report = await s1.migrate();
    expect(report.error).toBeUndefined();
    await s1.upsertDag({ dagId: "fenced", file: "fenced.ts", graph, now: at(0) });
    return { fleet, s1, s2 };
  }

  async function startRuns(store: Store, count: number, start = true): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { run } = await store.createRun({
        runId: `run_${String(i).padStart(3, "0")}`,
        runType: "manual",
        graph,
        logicalDate: at(i * 1_000),
        dataIntervalStart: at(i * 1_000),
        dataIntervalEnd: at(i * 1_000),
        params: {},
        start,
        now: at(i),
      });
      ids.push(run.runId);
    }
    return ids;
  }

  const claim = (store: Store, workerId: string, now: Date, limit = 100) => store.claimNextTasks({ workerId, limit, dagIds: ["fenced"], now });
  const complete = (store: Store, c: { instance: { id: number }; tryNumber: number }, now: Date, outcome: "success" | "failed", errorKind?: "zombie") =>
    store.completeTry({
      taskInstanceId: c.instance.id,
      tryNumber: c.tryNumber,
      outcome,
      result: outcome === "success" ? "ok" : undefined,
      error: outcome === "failed" ? "failed" : undefined,
      errorKind,
      graph,
      now,
    });

  it("a try reclaimed as a zombie: the old worker's late completion, failure and heartbeat change nothing; the newer try stands", async () => {
    const { fleet, s1, s2 } = await twoStores("fence-late");
    await startRuns(s1, 1);
    const [old] = await claim(s1, "old-worker", at(1_000));
    if (!old) throw new Error("nothing claimed");
    // The worker died before its first heartbeat: the claim's own time still lets the sweep find it.
    expect(await s2.findZombies(at(1_000))).toEqual([]);
    expect(await s2.findZombies(at(4_000))).toEqual([{ taskInstanceId: old.instance.id, tryNumber: 1, dagId: "fenced", workerId: "old-worker" }]);
    expect(await complete(s2, old, at(4_000), "failed", "zombie")).toMatchObject({ applied: true, state: "retrying" });
    expect(await s2.queueDueRetries(at(5_000))).toBe(1);
    const [fresh] = await claim(s2, "new-worker", at(5_000));
    expect(fresh).toMatchObject({ tryNumber: 2, instance: { id: old.instance.id } });

    const row = async () =>
      (await fleet.query<{ state: string; try_number: number; worker_id: string | null; heartbeat_at: number }>(
        "select state, try_number, worker_id, heartbeat_at from task_instances where id = $1",
        [old.instance.id],
      ))[0];
    const before = await row();
    expect(await complete(s1, old, at(6_000), "success")).toMatchObject({ applied: false });
    expect(await complete(s1, old, at(6_000), "failed")).toMatchObject({ applied: false });
    // The old worker learns from its heartbeat that the try is no longer its own (and stops it).
    expect(await s1.heartbeat("old-worker", [old.instance.id], at(6_500))).toEqual([]);
    expect(await row()).toEqual(before);
    expect(before).toMatchObject({ state: "running", try_number: 2, worker_id: "new-worker", heartbeat_at: T0 + 5_000 });
    expect(await s2.heartbeat("new-worker", [old.instance.id], at(6_500))).toEqual([old.instance.id]);
    expect((await row())?.heartbeat_at).toBe(T0 + 6_500);

    const triesBefore = await s1.listTries(old.instance.id);
    expect(triesBefore.map((t) => [t.tryNumber, t.outcome, t.errorKind, t.workerId])).toEqual([
      [1, "failed", "zombie", "old-worker"],
      [2, "running", null, "new-worker"],
    ]);
    expect(await complete(s2, fresh as ClaimedTask, at(7_000), "success")).toMatchObject({ applied: true, state: "success" });
    expect((await s1.listTries(old.instance.id)).map((t) => t.outcome)).toEqual(["failed", "success"]);
    // Nothing in the history comes from the old worker after the sweep.
    const history = await s1.listStateHistory(old.run.runId);
    expect(history.filter((h) => h.taskId === "a" && h.fromState === "running").map((h) => h.toState)).toEqual(["failed", "success"]);
  });

  it("two schedulers racing queueDueRetries and two workers racing claims: one queued instance, one try each", async () => {
    const { fleet, s1, s2 } = await twoStores("fence-retry");
    await startRuns(s1, 30);
    const first = await claim(s1, "w", at(1_000));
    expect(first).toHaveLength(30);
    for (const c of first) expect(await complete(s1, c, at(2_000), "failed")).toMatchObject({ applied: true, state: "retrying" });
    const queued = await Promise.all([s1.queueDueRetries(at(3_000)), s2.queueDueRetries(at(3_000)), s1.queueDueRetries(at(3_000)), s2.queueDueRetries(at(3_000))]);
    expect(queued.reduce((a, b) => a + b, 0)).toBe(30);
    expect(await fleet.query("select task_instance_id from state_history where from_state = 'retrying' group by task_instance_id having count(*) <> 1")).toEqual([]);
    const claims = await Promise.all([claim(s1, "w1", at(4_000), 20), claim(s2, "w2", at(4_000), 20), claim(s1, "w3", at(4_000), 20)]);
    const ids = claims.flat().map((c) => c.instance.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(claims.flat().every((c) => c.tryNumber === 2)).toBe(true);
    expect(await fleet.query("select task_instance_id from task_tries group by task_instance_id having count(*) <> 2")).toEqual([]);
  });

  it("two schedulers racing startQueuedRuns start each run once, and only as many as maxActiveRuns allows", async () => {
    const { fleet, s1, s2 } = await twoStores("fence-start");
    await startRuns(s1, 12, false);
    const limited = await Promise.all([
      s1.startQueuedRuns({ dagId: "fenced", graph, maxActiveRuns: 1, now: at(1_000) }),
      s2.startQueuedRuns({ dagId: "fenced", graph, maxActiveRuns: 1, now: at(1_000) }),
    ]);
    expect(limited.flat().map((r) => r.runId)).toEqual(["run_000"]);
    const all = await Promise.all([
      s1.startQueuedRuns({ dagId: "fenced", graph, maxActiveRuns: undefined, now: at(2_000) }),
      s2.startQueuedRuns({ dagId: "fenced", graph, maxActiveRuns: undefined, now: at(2_000) }),
    ]);
    const started = all.flat().map((r) => r.runId);
    expect(started).toHaveLength(11);
    expect(new Set(started).size).toBe(11);
    expect(await fleet.query("select run_id from state_history where task_id is null and to_state = 'running' group by run_id having count(*) <> 1")).toEqual([]);
    // Each run's root task queued once.
    expect(num(await fleet.query<{ n: number }>("select count(*) as n from state_history where task_id = 'a' and to_state = 'queued'"))).toBe(12);
  });

  it("a success racing the zombie sweep ends in exactly one final state", async () => {
    const { fleet, s1, s2 } = await twoStores("fence-race");
    await startRuns(s1, 30);
    const claimed = await claim(s1, "w", at(1_000));
    expect(claimed).toHaveLength(30);
    const outcomes = await Promise.all(
      claimed.map(async (c, i) => {
        // Alternate which one is sent first.
        const [success, zombie] = i % 2 === 0
          ? await Promise.all([complete(s1, c, at(2_000), "success"), complete(s2, c, at(2_000), "failed", "zombie")])
          : await Promise.all([complete(s2, c, at(2_000), "failed", "zombie"), complete(s1, c, at(2_000), "success")]).then(([z, s]) => [s, z] as const);
        return { id: c.instance.id, success, zombie };
      }),
    );
    for (const { id, success, zombie } of outcomes) {
      expect([success.applied, zombie.applied].filter(Boolean)).toHaveLength(1);
      const tries = await s1.listTries(id);
      const [ti] = await fleet.query<{ state: string }>("select state from task_instances where id = $1", [id]);
      if (success.applied) {
        expect(tries.map((t) => [t.outcome, t.errorKind])).toEqual([["success", null]]);
        expect(ti?.state).toBe("success");
      } else {
        expect(tries.map((t) => [t.outcome, t.errorKind])).toEqual([["failed", "zombie"]]);
        expect(ti?.state).toBe("retrying");
      }
    }
    expect(await fleet.query("select task_instance_id from state_history where from_state = 'running' group by task_instance_id having count(*) <> 1")).toEqual([]);
    // A run's downstream task was queued exactly when its upstream's success won.
    const queuedB = num(await fleet.query<{ n: number }>("select count(*) as n from task_instances where task_id = 'b' and state = 'queued'"));
    expect(queuedB).toBe(outcomes.filter((o) => o.success.applied).length);
  });

  it("a poison task that kills its worker every time ends failed after its tries, while the rest of the queue flows", async () => {
    const { s1, s2 } = await twoStores("fence-poison");
    const [poisonRun, otherRun] = await startRuns(s1, 2);
    let now = 1_000;
    // Its 3 tries, after the 3 tries lost to infrastructure that do not count (core/lost-tries.ts).
    for (let round = 0; round < 10; round++) {
      now += 1_000;
      await s2.queueDueRetries(at(now));
      for (const c of await claim(s1, `worker-${round}`, at(now))) {
        if (c.run.runId === poisonRun) {
          // The worker dies: the sweep fails the try as a zombie.
          const zombies = await s2.findZombies(at(now + 10_000));
          expect(zombies.map((z) => z.taskInstanceId)).toContain(c.instance.id);
          await complete(s2, c, at(now + 10_000), "failed", "zombie");
        } else {
          await complete(s1, c, at(now), "success");
        }
      }
      now += 10_000;
    }
    const poison = await s1.listTaskInstances(poisonRun ?? "");
    expect(poison.map((ti) => [ti.taskId, ti.state, ti.tryNumber])).toEqual([["a", "failed", 6], ["b", "upstream_failed", 0]]);
    expect((await s1.getRun(poisonRun ?? ""))?.state).toBe("failed");
    expect((await s1.listDeadLetters({ open: true })).map((d) => [d.runId, d.taskId, d.tryNumber])).toEqual([[poisonRun, "a", 6]]);
    expect((await s1.getRun(otherRun ?? ""))?.state).toBe("success");
  });
});

describe("migrations on PostgreSQL", () => {
  it("stores in two schemas of one database each get their own tables", async () => {
    // The second schema's migration used to find the first schema's migration table and fail.
    const [a, b] = [newFleet("mig-a"), newFleet("mig-b")];
    for (const fleet of [a, b]) {
      const store = openPostgresStore({ url: TEST_PG_URL, schema: fleet.schema, maxConnections: 2 });
      stores.push(store);
      const report = await store.migrate();
      expect(report.error).toBeUndefined();
      expect(report.applied.length).toBeGreaterThan(0);
      expect(await store.listDags()).toEqual([]);
    }
  });

  it("five processes starting at once on a fresh schema apply each migration once", async () => {
    const fleet = newFleet("mig-race");
    const racing = Array.from({ length: 5 }, () => openPostgresStore({ url: TEST_PG_URL, schema: fleet.schema, maxConnections: 2 }));
    stores.push(...racing);
    const reports = await Promise.all(racing.map((store) => store.migrate()));
    expect(reports.map((r) => r.error)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const applied = reports.flatMap((r) => r.applied);
    expect(new Set(applied).size).toBe(applied.length);
    expect(await fleet.query("select name from tributary_migrations")).toHaveLength(applied.length);
  });
});
