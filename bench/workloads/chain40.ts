/**
 * chain40: one DAG of 40 chained no-op tasks, one worker slot: time from trigger to run success,
 * and the per-step latency (end of one task to the start of the next: completing a try, queueing
 * its successor, waking the worker, claiming it and handing it to a warm process).
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/scheduler/run-to-completion.js";
import { openStoreAt } from "../../src/store/open-store.js";
import type { BenchResult, WorkloadContext } from "./types.js";

const DSL = resolve(import.meta.dirname, "../../src/dsl/index.js");
const STEPS = 40;
const ROUNDS = 3;

export async function chain40(context: WorkloadContext): Promise<BenchResult[]> {
  const file = join(context.dir, `chain40-${context.store}.ts`);
  writeFileSync(
    file,
    `import { dag } from ${JSON.stringify(DSL)};
export default dag("chain40", {}, (d) => {
  let prev = d.task("t0", async () => 0);
  for (let i = 1; i < ${STEPS}; i++) {
    const p = prev;
    prev = d.task(\`t\${i}\`, { inputs: { p } }, async (_ctx, { p }) => p + 1);
  }
});
`,
  );
  const location =
    context.store === "sqlite" ? join(context.dir, "chain40.db") : `${context.pgUrl}?schema=bench_chain40_${process.pid}`;
  const store = openStoreAt(location);
  const report = await store.migrate();
  if (report.error) throw report.error;
  const { dag } = findDag(await loadDagFile(file), "chain40");
  const totals: number[] = [];
  const steps: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { run, instances } = await runToCompletion({ store, dag, file, params: {}, concurrency: 1 });
      if (run.state !== "success") throw new Error(`chain40 run ${run.runId} ended ${run.state}`);
      const tries = (await Promise.all(instances.map((ti) => store.listTries(ti.id)))).map((t) => t[0]);
      const ordered = tries.filter((t) => t !== undefined).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
      const first = ordered[0];
      const last = ordered.at(-1);
      if (!first || !last?.endedAt) throw new Error("chain40: missing tries");
      // From the first task's claim to the last task's completion: the engine's own time.
      totals.push(last.endedAt.getTime() - first.startedAt.getTime());
      for (let i = 1; i < ordered.length; i++) {
        const previous = ordered[i - 1];
        const current = ordered[i];
        if (previous?.endedAt && current) steps.push(current.startedAt.getTime() - previous.endedAt.getTime());
      }
    }
  } finally {
    if (context.store === "postgres") await dropSchema(context.pgUrl, `bench_chain40_${process.pid}`);
    await store.close();
  }
  const floorMs = 1_000 / context.floorCommitsPerSecond;
  const total = median(totals);
  const p50 = percentile(steps, 0.5);
  const p99 = percentile(steps, 0.99);
  const base = `store floor: 1 commit = ${floorMs.toFixed(2)} ms`;
  return [
    { name: "chain40", store: context.store, metric: "total_ms", value: total, unit: "ms", baseline: base, ratio: total / floorMs },
    { name: "chain40", store: context.store, metric: "step_p50_ms", value: p50, unit: "ms", baseline: base, ratio: p50 / floorMs },
    { name: "chain40", store: context.store, metric: "step_p99_ms", value: p99, unit: "ms", baseline: base, ratio: p99 / floorMs },
  ];
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}
