/**
 * A worker that starts tries of several runs at once (a backfill's worker does) reads their
 * upstream results in one statement, not one each (issue 17: each read was a round trip on
 * PostgreSQL). What each task sees is what its own read would give.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import { TaskProcessPool } from "../../src/worker/process-pool.js";
import { Worker } from "../../src/worker/worker.js";
import { waitFor } from "../support/wait-for.js";

const DSL = resolve(import.meta.dirname, "../../src/dsl/index.js");
/** A read of upstream results (store getTaskResults, getTaskResultsOfRuns). */
const RESULTS_READ = /^select "run_id", "task_id", "map_index", "result" from "task_instances"/;
const RUNS = 4;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("the tries of four runs claimed together read their inputs in one statement, each run its own", async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-inputs-together-"));
  writeFileSync(
    join(dir, "pair.ts"),
    `import { dag } from ${JSON.stringify(DSL)};
export default dag("pair", {}, (d) => {
  const first = d.task("first", (ctx) => ({ run: ctx.runId, n: 20 }));
  d.task("second", { inputs: { first } }, (ctx, { first }) => {
    // Each try gets an object of its own: changing it changes nobody else's.
    first.n += 1;
    return { ...first, mine: first.run === ctx.runId };
  });
});
`,
  );
  const reads: string[] = [];
  const store = openSqliteStore({ path: join(dir, "t.db"), onQuery: (sql) => void (RESULTS_READ.test(sql) && reads.push(sql)) });
  await store.migrate();
  const { dag, file } = findDag(await loadDagFile(join(dir, "pair.ts")), "pair");
  const pool = new TaskProcessPool({ size: RUNS });
  const worker = new Worker({ store, pool, dags: () => new Map([[dag.id, { dag, file }]]), concurrency: RUNS, heartbeatMs: 1_000, leaseMs: 10_000 });
  try {
    await store.upsertDag({ dagId: dag.id, file, graph: dag.graph, now: new Date() });
    const runIds = Array.from({ length: RUNS }, (_, i) => `run-${i}`);
    for (const runId of runIds) {
      const now = new Date();
      await store.createRun({ runId, runType: "manual", graph: dag.graph, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, params: {}, start: true, now });
    }
    // Every run's first task succeeds before the worker starts: the worker claims the four
    // second tasks together, with no outcome of its own to hand their inputs on from.
    const firsts = await store.claimNextTasks({ workerId: "setup", limit: RUNS, dagIds: [dag.id], now: new Date() });
    expect(firsts).toHaveLength(RUNS);
    await store.completeTries(firsts.map((c) => ({ taskInstanceId: c.instance.id, tryNumber: c.tryNumber, outcome: "success" as const, result: { run: c.run.runId, n: 20 }, graph: dag.graph, now: new Date() })));
    reads.length = 0;
    worker.start();
    await waitFor(async () => (await Promise.all(runIds.map((id) => store.getRun(id)))).every((run) => run?.state === "success"), { timeoutMs: 15_000, what: "the runs to succeed" });
    for (const runId of runIds) {
      const second = (await store.listTaskInstances(runId)).find((ti) => ti.taskId === "second");
      expect(second?.result).toEqual({ run: runId, n: 21, mine: true });
    }
    expect(reads).toHaveLength(1);
  } finally {
    await worker.stop();
    await pool.close();
    await store.close();
  }
});
