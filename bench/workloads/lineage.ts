/**
 * lineage: downstream and upstream queries on a generated graph of 5,000 datasets and 10,000 tasks
 * (500 DAGs of 20 chained tasks; each task reads one dataset and writes another, so a query from
 * one dataset reaches much of the graph), plus 10,000 dataset events. Reports the p99 of a query
 * through `LineageService` (what the CLI and the API call: two cheap store checks, then a walk over
 * the cached graph), the p50, and the time of the first query, which builds the graph.
 */
import { LineageService } from "../../src/lineage/lineage-service.js";
import type { DagGraph, TaskSpec } from "../../src/core/types.js";
import { openBenchStore } from "./setup.js";
import type { BenchResult, WorkloadContext } from "./types.js";
import { percentile } from "./util.js";

const DATASETS = 5_000;
const TASKS_PER_DAG = 20;

export async function lineage(context: WorkloadContext): Promise<BenchResult[]> {
  const dags = context.smoke ? 50 : 500;
  const queries = context.smoke ? 20 : 200;
  const datasets = context.smoke ? 500 : DATASETS;
  const handle = await openBenchStore(context, "lineage");
  const { store } = handle;
  try {
    const now = new Date();
    for (let d = 0; d < dags; d++) await store.upsertDag({ dagId: `dag_${d}`, file: `dag_${d}.ts`, graph: dagGraph(d, datasets), now });
    for (let e = 0; e < (context.smoke ? 100 : 10_000); e++) {
      await store.lineage.recordDatasetEvent({ uri: uri((e * 31) % datasets), metadata: { e }, source: "bench", now });
    }
    const service = new LineageService(store);
    const coldStart = performance.now();
    await service.downstream(uri(0));
    const buildMs = performance.now() - coldStart;
    const times: number[] = [];
    let reached = 0;
    for (let q = 0; q < queries; q++) {
      const root = uri((q * 7919) % datasets);
      const started = performance.now();
      const result = q % 2 === 0 ? await service.downstream(root) : await service.upstream(root, { depth: 10 });
      times.push(performance.now() - started);
      reached += result.nodes.length;
    }
    const row = (metric: string, value: number, unit: string): BenchResult => ({ name: "lineage", store: context.store, metric, value, unit, baseline: null, ratio: null });
    return [
      row("query_p99_ms", percentile(times, 0.99), "ms"),
      row("query_p50_ms", percentile(times, 0.5), "ms"),
      row("first_query_ms", buildMs, "ms"),
      row("nodes_per_query", reached / queries, "nodes"),
    ];
  } finally {
    await handle.close();
  }
}

const uri = (i: number): string => `postgres://warehouse/table_${i}`;

function dagGraph(d: number, datasets: number): DagGraph {
  const tasks: TaskSpec[] = [];
  for (let t = 0; t < TASKS_PER_DAG; t++) {
    const i = d * TASKS_PER_DAG + t;
    tasks.push({
      id: `task_${t}`,
      kind: "task",
      upstream: t === 0 ? [] : [`task_${t - 1}`],
      inputs: {},
      mapOver: undefined,
      triggerRule: "all_success",
      retry: { retries: 0, retryDelayMs: 1_000, backoff: "fixed", maxRetryDelayMs: undefined, jitter: 0 },
      timeoutMs: undefined,
      pool: undefined,
      queue: "default",
      priority: 0,
      inputDatasets: [uri((i * 7) % datasets)],
      outputDatasets: [uri((i * 13 + 1) % datasets)],
      secrets: [],
    });
  }
  return { dagId: `dag_${d}`, tasks };
}
