/** The workloads by name, in the order a full run measures them; and how one pass runs them. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Isolation } from "../../src/core/types.js";
import { backfill365 } from "./backfill365.js";
import { chain40 } from "./chain40.js";
import { dags3000 } from "./dags3000.js";
import { fanout10k } from "./fanout10k.js";
import { FULL_GRAPHILE_SIZES, graphileBaseline, type GraphileSizes } from "./graphile-baseline.js";
import { idle } from "./idle.js";
import { lineage } from "./lineage.js";
import { storeFloor } from "./store-floor.js";
import type { BenchResult, BenchStore, PeerBaseline, Workload } from "./types.js";

export const WORKLOADS: Readonly<Record<string, Workload>> = { chain40, fanout10k, dags3000, backfill365, idle, lineage };

/** The workloads whose figures are compared with graphile-worker. */
const NEED_PEER = new Set(["chain40", "fanout10k"]);

export const SMOKE_GRAPHILE_SIZES: GraphileSizes = { chainSteps: 4, chainRounds: 1, drainJobs: 40, concurrency: 2 };

export interface BenchPlan {
  readonly names: readonly string[];
  readonly stores: readonly BenchStore[];
  readonly dir: string;
  readonly pgUrl: string;
  readonly smoke?: boolean;
  readonly dagCount?: number;
  /** Where chain40's and fanout10k's tasks run (default `process`). */
  readonly isolation?: Isolation;
  readonly log?: (message: string) => void;
  /** Called with everything measured so far after each step, so a long run that dies keeps its figures. */
  readonly onProgress?: (results: readonly BenchResult[]) => void;
}

/** Measures the floor per store, the peer once (on PostgreSQL), then each workload per store. */
export async function runBench(plan: BenchPlan): Promise<BenchResult[]> {
  const unknown = plan.names.filter((name) => !(name in WORKLOADS));
  if (unknown.length > 0) throw new Error(`unknown workload(s) ${unknown.join(", ")}; known: ${Object.keys(WORKLOADS).join(", ")}`);
  const log = plan.log ?? (() => undefined);
  // The DAG files the workloads write are ES modules, as in a project `tributary init` creates
  // (its package.json says "type": "module"). Without it Node takes a .ts file in a folder with no
  // package.json for CommonJS, whose every require of the DSL is a blocking round trip to the
  // loader's thread: 3,000 files load in 8.5 s instead of 6.1 s cold, 4.9 s instead of 3.7 s warm.
  writeFileSync(join(plan.dir, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
  const results: BenchResult[] = [];
  let peer: PeerBaseline | undefined;
  if (plan.names.some((name) => NEED_PEER.has(name))) {
    log("graphile-worker baseline (PostgreSQL)");
    peer = await graphileBaseline(plan.pgUrl, plan.smoke ? SMOKE_GRAPHILE_SIZES : FULL_GRAPHILE_SIZES);
    const row = (metric: string, value: number, unit: string): BenchResult => ({ name: "graphile_worker", store: "postgres", metric, value, unit, baseline: null, ratio: null });
    results.push(
      row("chain_total_ms", peer.chainTotalMs, "ms"),
      row("chain_step_p50_ms", peer.chainStepP50Ms, "ms"),
      row("chain_step_p99_ms", peer.chainStepP99Ms, "ms"),
      row("drain_jobs_per_s", peer.drainJobsPerSecond, "1/s"),
    );
  }
  for (const store of plan.stores) {
    log(`store floor (${store})`);
    const floor = await storeFloor(store, { dir: plan.dir, pgUrl: plan.pgUrl });
    results.push(floor);
    plan.onProgress?.(results);
    for (const name of plan.names) {
      log(`${name} (${store})`);
      const workload = WORKLOADS[name] as Workload;
      results.push(...(await workload({ store, dir: plan.dir, pgUrl: plan.pgUrl, floorCommitsPerSecond: floor.value, peer, smoke: plan.smoke, dagCount: plan.dagCount, isolation: plan.isolation })));
      plan.onProgress?.(results);
    }
  }
  return results;
}
