import type { Isolation } from "../../src/core/types.js";

export type BenchStore = "sqlite" | "postgres";

/** One figure, in the shape bench/results/latest.json promises other tools. */
export interface BenchResult {
  readonly name: string;
  readonly store: BenchStore;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** What the value is compared with, in words (e.g. "graphile-worker: 40-job chain"). */
  readonly baseline: string | null;
  /** value / baseline value, so that a figure survives a faster or slower machine. */
  readonly ratio: number | null;
  /** For time and rate figures, the same against the store floor (value / one floor commit, or value / floor commits per second). */
  readonly floor_ratio?: number | null;
}

/** graphile-worker on the same PostgreSQL, measured in the same run (see graphile-baseline.ts). */
export interface PeerBaseline {
  /** A chain of jobs, each queueing the next: first job's start to last job's end. */
  readonly chainTotalMs: number;
  /** Start of one job to the start of the job it queued. */
  readonly chainStepP50Ms: number;
  readonly chainStepP99Ms: number;
  /** No-op jobs drained per second with the same concurrency as fanout10k. */
  readonly drainJobsPerSecond: number;
}

export interface WorkloadContext {
  readonly store: BenchStore;
  readonly dir: string;
  readonly pgUrl: string;
  /** The store's floor measured in this run: durable single-row transactions per second. */
  readonly floorCommitsPerSecond: number;
  /** The peer measured in this run (absent when it was not run, e.g. `--only idle`). */
  readonly peer?: PeerBaseline;
  /** dags3000 with another number of DAG files (`--dags N`), to see how it scales. */
  readonly dagCount?: number;
  /** Tiny sizes, for the smoke test in `npm test`: checks the code, not the speed. */
  readonly smoke?: boolean;
  /** Where chain40's and fanout10k's tasks run (`--isolation`; default `process`, as every recorded figure). */
  readonly isolation?: Isolation;
}

export type Workload = (context: WorkloadContext) => Promise<BenchResult[]>;
