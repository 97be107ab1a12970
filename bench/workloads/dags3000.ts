/**
 * dags3000: 3,000 DAG files of 10 tasks each (the size of the largest managed-Airflow tiers): time
 * to load them all on a first start (cold) and on a second one (warm: registered from what the
 * first start's imports gave, see dag-shape-cache.ts), the scheduler loop's p50/p99 with all of
 * them active, and resident memory.
 * Measured in a child process (dags3000-child.ts) so that memory is the scheduler's alone.
 */
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { openBenchStore, writeDagFile } from "./setup.js";
import type { BenchResult, WorkloadContext } from "./types.js";
import { percentile } from "./util.js";

const CHILD = resolve(import.meta.dirname, "dags3000-child.ts");

interface ChildReport {
  readonly loaded: number;
  readonly errors: readonly string[];
  readonly errorsInTicks: readonly string[];
  readonly loadSeconds: number;
  readonly revalidatedSeconds: number;
  readonly dueTickMs: number;
  readonly created: number;
  readonly loops: readonly number[];
  readonly rssMb: number;
}

export async function dags3000(context: WorkloadContext): Promise<BenchResult[]> {
  const count = context.dagCount ?? (context.smoke ? 5 : 3_000);
  const ticks = context.smoke ? 3 : 10;
  const dir = join(context.dir, `dags3000-${context.store}`);
  mkdirSync(dir, { recursive: true });
  for (let n = 0; n < count; n++) {
    // Ten tasks: an extract, eight transforms of it, and a load that waits for all of them.
    writeDagFile(
      join(dir, `dag_${String(n).padStart(4, "0")}.ts`),
      `export default dag("dag_${n}", { schedule: "@daily", startDate: "2026-01-01" }, (d) => {
  const extract = d.task("extract", async () => 1);
  const parts = {};
  for (let i = 0; i < 8; i++) parts[\`p\${i}\`] = d.task(\`transform_\${i}\`, { inputs: { extract } }, async (_ctx, { extract }) => extract + i);
  d.task("load", { inputs: parts }, async () => null);
});
`,
    );
  }
  // The files are new, so the first start imports and compiles every one of them (cold). A second
  // start of the same files, in a new process with a new store, registers them from what the first
  // start's imports gave (scheduler/dag-shape-cache.ts) and imports them again in the background,
  // from tsx's compile cache (warm): what a restarted service pays. `warm_reimported_s` is when
  // that background import ended.
  const cold = await loadInChild(context, dir, count, ticks, "dags3000");
  const warm = await loadInChild(context, dir, count, 0, "dags3000_warm");
  const row = (metric: string, value: number, unit: string): BenchResult => ({ name: "dags3000", store: context.store, metric, value, unit, baseline: null, ratio: null });
  return [
    row("load_s", cold.loadSeconds, "s"),
    row("load_warm_s", warm.loadSeconds, "s"),
    row("warm_reimported_s", warm.revalidatedSeconds, "s"),
    row("loop_p50_ms", percentile(cold.loops, 0.5), "ms"),
    row("loop_p99_ms", percentile(cold.loops, 0.99), "ms"),
    row("due_tick_ms", cold.dueTickMs, "ms"),
    row("rss_mb", cold.rssMb, "MB"),
  ];
}

async function loadInChild(context: WorkloadContext, dir: string, count: number, ticks: number, storeName: string): Promise<ChildReport> {
  // The child opens the same location; this handle only migrates it and drops it afterwards.
  const handle = await openBenchStore(context, storeName);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--expose-gc", CHILD, dir, handle.location, String(ticks)], {
      maxBuffer: 16 * 2 ** 20,
      timeout: 30 * 60_000,
    });
    const report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as ChildReport;
    if (report.loaded !== count) throw new Error(`dags3000: loaded ${report.loaded} of ${count} DAGs: ${report.errors.join("; ")}`);
    if (report.created !== count) throw new Error(`dags3000: the due tick created ${report.created} runs, expected ${count}: ${report.errorsInTicks.join("; ")}`);
    return report;
  } finally {
    await handle.close();
  }
}
