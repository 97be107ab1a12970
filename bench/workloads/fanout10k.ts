/**
 * fanout10k: one DAG run whose mapped task has 10,000 no-op instances, worker concurrency 64 (64
 * slots in the process pool's processes, four on 2 cores, or the runner of `--isolation`): task
 * instances completed per second, from the first mapped try's start to the last one's end. One run.
 *
 * The pool's processes are all started before the run's first claim (`warmProcesses`), as in a
 * worker that ran a burst within the last half minute: what is measured is the engine's pace, as
 * graphile-worker's drain is measured with its worker started. A worker's first burst also pays
 * for starting the processes beyond its one warm process, on the same cores (BENCHMARKS.md has
 * both figures).
 */
import { join } from "node:path";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import { defaultProcessCount } from "../../src/worker/process-pool.js";
import { openBenchStore, writeDagFile } from "./setup.js";
import type { BenchResult, WorkloadContext } from "./types.js";
import { isolationDefaults, ratio, withIsolation } from "./util.js";

export async function fanout10k(context: WorkloadContext): Promise<BenchResult[]> {
  const instances = context.smoke ? 40 : 10_000;
  const concurrency = context.smoke ? 2 : 64;
  const file = writeDagFile(
    join(context.dir, `fanout10k-${context.store}.ts`),
    `export default dag("fanout10k", ${isolationDefaults(context)}, (d) => {
  const items = d.task("items", async () => Array.from({ length: ${instances} }, (_, i) => i));
  d.map("noop", { over: items }, async () => null);
});
`,
  );
  const handle = await openBenchStore(context, "fanout10k");
  try {
    const { dag } = findDag(await loadDagFile(file), "fanout10k");
    const { run, instances: done } = await runToCompletion({ store: handle.store, dag, file, params: {}, concurrency, warmProcesses: defaultProcessCount(concurrency) });
    if (run.state !== "success") throw new Error(`fanout10k run ${run.runId} ended ${run.state}`);
    const mapped = done.filter((ti) => ti.taskId === "noop");
    if (mapped.length !== instances) throw new Error(`fanout10k: ${mapped.length} mapped instances, expected ${instances}`);
    const first = Math.min(...mapped.map((ti) => ti.startedAt?.getTime() ?? Number.NaN));
    const last = Math.max(...mapped.map((ti) => ti.endedAt?.getTime() ?? Number.NaN));
    const perSecond = instances / (Math.max(1, last - first) / 1_000);
    return [
      {
        name: "fanout10k",
        store: context.store,
        metric: "tasks_per_s",
        value: perSecond,
        unit: "1/s",
        baseline: withIsolation(context.peer ? `graphile-worker on PostgreSQL: no-op jobs drained per second, concurrency ${concurrency}` : null, context),
        ratio: ratio(perSecond, context.peer?.drainJobsPerSecond),
        floor_ratio: perSecond / context.floorCommitsPerSecond,
      },
    ];
  } finally {
    await handle.close();
  }
}
