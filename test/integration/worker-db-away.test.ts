/**
 * A worker whose store is unreachable just after it claimed a try (reading the upstream results
 * to build the try's request fails) waits for the store and runs the try, instead of dropping it
 * and leaving it `running` until the zombie sweep fails it (which costs a try, or the run).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../src/store/index.js";
import { TaskProcessPool } from "../../src/worker/process-pool.js";
import { Worker } from "../../src/worker/worker.js";
import { waitFor } from "../support/wait-for.js";

const DSL = resolve(import.meta.dirname, "../../src/dsl/index.js");
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("retries reading a claimed try's inputs while the store is unreachable, then runs the try", async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-db-away-"));
  writeFileSync(
    join(dir, "pair.ts"),
    `import { dag } from ${JSON.stringify(DSL)};
export default dag("pair", {}, (d) => {
  const first = d.task("first", () => 20);
  // second's input was recorded a transaction before second's claim: read from the store (an
  // input recorded with the claim is handed on by the worker instead, worker/handed-on-results.ts).
  const between = d.task("between", { after: [first] }, () => "between");
  d.task("second", { inputs: { first }, after: [between] }, (_ctx, { first }) => first + 1);
});
`,
  );
  const store = openSqliteStore({ path: join(dir, "t.db") });
  await store.migrate();
  const { dag, file } = findDag(await loadDagFile(join(dir, "pair.ts")), "pair");
  // The same store, except that the first two reads of upstream results find it unreachable.
  let failuresLeft = 2;
  const flaky: Store = new Proxy(store, {
    get(target, key, receiver) {
      if (key === "getTaskResultsOfRuns") {
        return (...args: Parameters<Store["getTaskResultsOfRuns"]>) =>
          failuresLeft-- > 0
            ? Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))
            : target.getTaskResultsOfRuns(...args);
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const pool = new TaskProcessPool({ size: 1 });
  const errors: unknown[] = [];
  const worker = new Worker({
    store: flaky,
    pool,
    dags: () => new Map([[dag.id, { dag, file }]]),
    concurrency: 1,
    heartbeatMs: 100,
    leaseMs: 10_000,
    onError: (error) => errors.push(error),
  });
  try {
    await store.upsertDag({ dagId: dag.id, file, graph: dag.graph, now: new Date() });
    const { run } = await store.createRun({
      runId: "away-run",
      runType: "manual",
      graph: dag.graph,
      logicalDate: new Date(),
      dataIntervalStart: new Date(),
      dataIntervalEnd: new Date(),
      params: {},
      start: true,
      now: new Date(),
    });
    worker.start();
    await waitFor(async () => (await store.getRun(run.runId))?.state === "success", { timeoutMs: 15_000, what: "the run to succeed" });
    const instances = await store.listTaskInstances(run.runId);
    expect(instances.map((ti) => [ti.taskId, ti.state, ti.tryNumber, ti.result])).toEqual([
      ["first", "success", 1, 20],
      ["between", "success", 1, "between"],
      ["second", "success", 1, 21],
    ]);
    expect(errors.map((e) => (e instanceof Error ? e.message : String(e)))).toEqual(["connect ECONNREFUSED 127.0.0.1:5432", "connect ECONNREFUSED 127.0.0.1:5432"]);
  } finally {
    await worker.stop();
    await pool.close();
    await store.close();
  }
});
