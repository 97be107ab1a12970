/**
 * A sensor's instance whose deferred poke is recorded in the transaction whose claim resumes it (a
 * poke due again at once) has two tries in the worker for a moment: the one ending and the one
 * starting, with one task instance id. The ending try must not take the new try's bookkeeping with
 * it: the new try is heartbeated (and can be stopped by a lost lease) like any other.
 */
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { Worker } from "../../src/worker/worker.js";
import { TaskRunners } from "../../src/worker/task-runners.js";
import { register } from "../../src/scheduler/dag-registry.js";
import { pokesRunning } from "../fixtures/engine-dags/quick-sensors.js";
import { sqliteStorePerTest } from "../support/sqlite-store-per-test.js";

const fixture = sqliteStorePerTest("resumed-wait");

it("a poke resumed by the claim riding along with its own deferred outcome is heartbeated", async () => {
  const loaded = findDag(await loadDagFile(resolve(import.meta.dirname, "../fixtures/engine-dags/quick-sensors.ts")), "quick_sensors");
  // A clock that moves 5 ms at each reading: a poke every 1 ms is always due by the next claim.
  let t = Date.now();
  const now = () => new Date((t += 5));
  const beats: { sent: number; running: number }[] = [];
  const store = new Proxy(fixture.store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function") return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (key === "heartbeat") {
        return (...args: unknown[]) => {
          beats.push({ sent: (args[1] as readonly number[]).length, running: pokesRunning().now });
          return fn.apply(target, args);
        };
      }
      return fn.bind(target);
    },
  });
  const { source } = register({ dag: loaded.dag, file: loaded.file, exportName: loaded.dag.id });
  await store.upsertDag({ dagId: loaded.dag.id, file: loaded.file, graph: loaded.dag.graph, now: now() });
  const at = new Date("2024-03-01T00:00:00Z");
  const { run } = await store.createRun({ runId: "r1", runType: "manual", graph: loaded.dag.graph, logicalDate: at, dataIntervalStart: at, dataIntervalEnd: at, params: {}, source, start: true, now: now() });
  const pool = new TaskRunners({ size: 8, warmProcesses: 1 });
  const errors: unknown[] = [];
  const worker = new Worker({ store, pool, dags: () => new Map([[loaded.dag.id, { dag: loaded.dag, file: loaded.file }]]), concurrency: 8, now, heartbeatMs: 5, onError: (error) => errors.push(error) });
  // How often a poke was running, sampled at the heartbeat's own interval.
  let samplesWithPokes = 0;
  const sampler = setInterval(() => {
    if (pokesRunning().now > 0) samplesWithPokes++;
  }, 5);
  worker.start();
  try {
    for (let i = 0; i < 400; i++) {
      const current = await store.getRun(run.runId);
      if (current && (current.state === "success" || current.state === "failed")) break;
      await new Promise((done) => setTimeout(done, 10));
    }
  } finally {
    clearInterval(sampler);
    await worker.stop();
    await pool.close();
  }
  expect((await store.getRun(run.runId))?.state).toBe("success");
  expect(errors).toEqual([]);
  // A worker that lost track of its resumed pokes skips heartbeats (it thinks nothing runs): about
  // one beat for four samples with a poke running, against about one for one.
  expect(beats.length).toBeGreaterThan(samplesWithPokes / 2);
  // And every heartbeat names at least the pokes running at that moment.
  expect(beats.filter((beat) => beat.running > beat.sent)).toEqual([]);
});
