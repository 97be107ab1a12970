export type BenchStore = "sqlite" | "postgres";

/** One figure, in the shape bench/results/latest.json promises other tools. */
export interface BenchResult {
  readonly name: string;
  readonly store: BenchStore;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** What the value is compared with, in words (e.g. "store floor: 1 commit"). */
  readonly baseline: string | null;
  /** value / baseline value, so that a figure survives a faster or slower machine. */
  readonly ratio: number | null;
}

export interface WorkloadContext {
  readonly store: BenchStore;
  readonly dir: string;
  readonly pgUrl: string;
  /** The store's floor measured in this run: durable single-row transactions per second. */
  readonly floorCommitsPerSecond: number;
}
