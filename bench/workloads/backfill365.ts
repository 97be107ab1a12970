/**
 * backfill365: a 365-day backfill of a daily 7-task DAG (a diamond with a tail), 16 runs at once
 * and 16 worker slots: total time from the stored backfill's creation to its last run finished, as
 * `tributary backfill` runs it (plan, stored backfill, runs started by the backfill driver a few at
 * a time), including starting the 16 task processes; `engine_s` leaves that start-up out.
 */
import { join } from "node:path";
import { loadDagFile, findDag } from "../../src/dsl/load.js";
import { runBackfill } from "../../src/app/run-backfill.js";
import { planBackfill } from "../../src/scheduler/backfill.js";
import { storedIntervals } from "../../src/scheduler/backfill-driver.js";
import { register } from "../../src/scheduler/dag-registry.js";
import { openBenchStore, writeDagFile } from "./setup.js";
import type { BenchResult, WorkloadContext } from "./types.js";

export async function backfill365(context: WorkloadContext): Promise<BenchResult[]> {
  const days = context.smoke ? 4 : 365;
  const parallel = context.smoke ? 2 : 16;
  const file = writeDagFile(
    join(context.dir, `backfill365-${context.store}.ts`),
    `export default dag("backfill365", { schedule: "@daily", startDate: "2024-01-01" }, (d) => {
  const extract = d.task("extract", async () => 1);
  const a = d.task("clean_a", { inputs: { extract } }, async (_ctx, { extract }) => extract + 1);
  const b = d.task("clean_b", { inputs: { extract } }, async (_ctx, { extract }) => extract + 2);
  const c = d.task("clean_c", { inputs: { extract } }, async (_ctx, { extract }) => extract + 3);
  const joined = d.task("join", { inputs: { a, b, c } }, async (_ctx, { a, b, c }) => a + b + c);
  const report = d.task("report", { inputs: { joined } }, async (_ctx, { joined }) => joined);
  d.task("publish", { inputs: { report } }, async (_ctx, { report }) => report);
});
`,
  );
  const handle = await openBenchStore(context, "backfill365");
  try {
    const entry = register(findDag(await loadDagFile(file), "backfill365"));
    await handle.store.upsertDag({ dagId: entry.dag.id, file, graph: entry.dag.graph, now: new Date() });
    const from = new Date(Date.UTC(2024, 0, 1));
    const to = new Date(from.getTime() + (days - 1) * 86_400_000);
    const plan = await planBackfill(handle.store, entry, { from, to }, "skip");
    if (plan.length !== days) throw new Error(`backfill365: planned ${plan.length} intervals, expected ${days}`);
    const started = performance.now();
    const backfill = await handle.store.createBackfill({
      dagId: entry.dag.id,
      from,
      to,
      reprocess: "skip",
      maxActiveRuns: parallel,
      createdBy: "bench",
      intervals: storedIntervals(plan),
      now: new Date(),
    });
    const result = await runBackfill({ store: handle.store, entry, backfillId: backfill.id, concurrency: parallel });
    const seconds = (performance.now() - started) / 1_000;
    const { succeeded } = result.backfill.progress;
    if (succeeded !== days) throw new Error(`backfill365: ${succeeded} of ${days} runs succeeded`);
    const tasks = days * 7;
    // The engine's share: from the first try's start to the last try's end (no process start-up).
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const run of result.runs) {
      for (const ti of await handle.store.listTaskInstances(run.runId)) {
        first = Math.min(first, ti.startedAt?.getTime() ?? first);
        last = Math.max(last, ti.endedAt?.getTime() ?? last);
      }
    }
    const engineSeconds = (last - first) / 1_000;
    return [
      {
        name: "backfill365",
        store: context.store,
        metric: "total_s",
        value: seconds,
        unit: "s",
        baseline: `store floor: ${tasks} tasks x 2 commits (claim + completion)`,
        ratio: seconds / ((tasks * 2) / context.floorCommitsPerSecond),
      },
      {
        name: "backfill365",
        store: context.store,
        metric: "engine_s",
        value: engineSeconds,
        unit: "s",
        baseline: `store floor: ${tasks} tasks x 2 commits (claim + completion)`,
        ratio: engineSeconds / ((tasks * 2) / context.floorCommitsPerSecond),
      },
    ];
  } finally {
    await handle.close();
  }
}
