/**
 * chain40: one DAG of 40 chained no-op tasks, one worker slot, measured as graphile-worker's chain
 * is (graphile-baseline.ts): each task returns the wall-clock time its body started, with
 * sub-millisecond precision, and a step is the start of one task's body to the start of the
 * next's (completing a try, queueing its successor, claiming it and handing it to a warm process,
 * or to the runner of `--isolation`). The total is the first body's start to the last's, so it
 * leaves out the start of the run's first task process, as the peer's figure leaves out its
 * worker's start; `first_start_ms` reports that start on its own (trigger to first body).
 * `step_p50_ms_many_dags` is one more round whose worker serves 3,000 DAGs, as a service's worker
 * serves every DAG of a large deployment and names them in each claim (30 with `--smoke`).
 */
import { join } from "node:path";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import type { RunnableDag } from "../../src/worker/worker.js";
import { openBenchStore, writeDagFile } from "./setup.js";
import type { BenchResult, WorkloadContext } from "./types.js";
import { isolationDefaults, median, percentile, ratio, withIsolation } from "./util.js";

export async function chain40(context: WorkloadContext): Promise<BenchResult[]> {
  const steps = context.smoke ? 4 : 40;
  const rounds = context.smoke ? 1 : 3;
  const file = writeDagFile(
    join(context.dir, `chain40-${context.store}.ts`),
    `export default dag("chain40", ${isolationDefaults(context)}, (d) => {
  const started = () => performance.timeOrigin + performance.now();
  let prev = d.task("t0", async () => started());
  for (let i = 1; i < ${steps}; i++) {
    const p = prev;
    prev = d.task(\`t\${i}\`, { inputs: { p } }, async () => started());
  }
});
`,
  );
  const handle = await openBenchStore(context, "chain40");
  const { store } = handle;
  const { dag } = findDag(await loadDagFile(file), "chain40");
  const totals: number[] = [];
  const firstStarts: number[] = [];
  const gaps: number[] = [];
  const manyDagGaps: number[] = [];
  const taskIds = Array.from({ length: steps }, (_, i) => `t${i}`);
  // The chain's DAG under other names: what else a large deployment's worker serves.
  const others = new Map<string, RunnableDag>();
  const served = context.smoke ? 30 : 3_000;
  for (let i = 1; i < served; i++) {
    const id = `other_${i}`;
    others.set(id, { dag: { ...dag, id, graph: { ...dag.graph, dagId: id } }, file });
  }
  try {
    for (let round = 0; round <= rounds; round++) {
      const manyDags = round === rounds;
      const triggered = performance.timeOrigin + performance.now();
      const { run } = await runToCompletion({ store, dag, file, params: {}, concurrency: 1, ...(manyDags ? { alsoServes: others } : {}) });
      if (run.state !== "success") throw new Error(`chain40 run ${run.runId} ended ${run.state}`);
      const results = await store.getTaskResults(run.runId, taskIds);
      const starts = taskIds.map((id) => results.get(id));
      if (!starts.every((at): at is number => typeof at === "number")) throw new Error("chain40: a task's start is missing");
      const runGaps = starts.slice(1).map((at, i) => (at as number) - (starts[i] as number));
      if (manyDags) {
        manyDagGaps.push(...runGaps);
        continue;
      }
      totals.push((starts.at(-1) as number) - (starts[0] as number));
      firstStarts.push((starts[0] as number) - triggered);
      gaps.push(...runGaps);
    }
  } finally {
    await handle.close();
  }
  const floorMs = 1_000 / context.floorCommitsPerSecond;
  const total = median(totals);
  const p50 = percentile(gaps, 0.5);
  const p99 = percentile(gaps, 0.99);
  const peer = context.peer;
  const row = (metric: string, value: number, peerValue: number | undefined, what: string): BenchResult => ({
    name: "chain40",
    store: context.store,
    metric,
    value,
    unit: "ms",
    baseline: withIsolation(peer ? `graphile-worker on PostgreSQL: ${what}` : null, context),
    ratio: ratio(value, peerValue),
    floor_ratio: value / floorMs,
  });
  return [
    row("total_ms", total, peer?.chainTotalMs, `${steps}-job chain, first job's start to the last's (a no-op's end)`),
    // No peer figure: graphile-worker's worker is started before its chain is queued.
    { ...row("first_start_ms", median(firstStarts), undefined, ""), baseline: withIsolation("trigger to the first task's start (with its task process's start)", context) },
    row("step_p50_ms", p50, peer?.chainStepP50Ms, "job-to-job hand-off p50"),
    row("step_p50_ms_many_dags", percentile(manyDagGaps, 0.5), peer?.chainStepP50Ms, `job-to-job hand-off p50 (Tributary's worker serving ${served.toLocaleString("en-US")} DAGs)`),
    row("step_p99_ms", p99, peer?.chainStepP99Ms, "job-to-job hand-off p99"),
  ];
}
