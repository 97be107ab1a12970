/**
 * chain40: one DAG of 40 chained no-op tasks, one worker slot: time from trigger to run success,
 * and the per-step latency (end of one task to the start of the next: completing a try, queueing
 * its successor, waking the worker, claiming it and handing it to a warm process, or to the
 * runner of `--isolation`).
 */
import { join } from "node:path";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import { openBenchStore, writeDagFile } from "./setup.js";
import type { BenchResult, WorkloadContext } from "./types.js";
import { isolationDefaults, median, percentile, ratio, withIsolation } from "./util.js";

export async function chain40(context: WorkloadContext): Promise<BenchResult[]> {
  const steps = context.smoke ? 4 : 40;
  const rounds = context.smoke ? 1 : 3;
  const file = writeDagFile(
    join(context.dir, `chain40-${context.store}.ts`),
    `export default dag("chain40", ${isolationDefaults(context)}, (d) => {
  let prev = d.task("t0", async () => 0);
  for (let i = 1; i < ${steps}; i++) {
    const p = prev;
    prev = d.task(\`t\${i}\`, { inputs: { p } }, async (_ctx, { p }) => p + 1);
  }
});
`,
  );
  const handle = await openBenchStore(context, "chain40");
  const { store } = handle;
  const { dag } = findDag(await loadDagFile(file), "chain40");
  const totals: number[] = [];
  const gaps: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const { run, instances } = await runToCompletion({ store, dag, file, params: {}, concurrency: 1 });
      if (run.state !== "success") throw new Error(`chain40 run ${run.runId} ended ${run.state}`);
      const tries = (await Promise.all(instances.map((ti) => store.listTries(ti.id)))).map((t) => t[0]);
      const ordered = tries.filter((t) => t !== undefined).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
      const first = ordered[0];
      const last = ordered.at(-1);
      if (ordered.length !== steps || !first || !last?.endedAt) throw new Error("chain40: missing tries");
      // From the first task's claim to the last task's completion: the engine's own time.
      totals.push(last.endedAt.getTime() - first.startedAt.getTime());
      for (let i = 1; i < ordered.length; i++) {
        const previous = ordered[i - 1];
        const current = ordered[i];
        if (previous?.endedAt && current) gaps.push(current.startedAt.getTime() - previous.endedAt.getTime());
      }
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
    row("total_ms", total, peer?.chainTotalMs, `${steps}-job chain, first start to last end`),
    row("step_p50_ms", p50, peer?.chainStepP50Ms, "job-to-job hand-off p50"),
    row("step_p99_ms", p99, peer?.chainStepP99Ms, "job-to-job hand-off p99"),
  ];
}
