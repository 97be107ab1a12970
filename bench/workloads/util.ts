/** Small helpers shared by the workloads: percentiles, store locations, dropping a bench schema. */
import { join } from "node:path";
import type { WorkloadContext } from "./types.js";

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Where a workload keeps its store: a fresh SQLite file, or its own PostgreSQL schema. */
export function storeLocation(context: WorkloadContext, name: string): { location: string; schema: string | undefined } {
  const schema = `bench_${name}_${process.pid}`;
  return context.store === "sqlite"
    ? { location: join(context.dir, `${name}.db`), schema: undefined }
    : { location: `${context.pgUrl}?schema=${schema}`, schema };
}

export async function dropSchema(url: string, schema: string | undefined): Promise<void> {
  if (schema === undefined) return;
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** value / baseline, or null when there is no baseline. */
export function ratio(value: number, baseline: number | undefined): number | null {
  return baseline === undefined || !Number.isFinite(baseline) || baseline === 0 ? null : value / baseline;
}

/** The DAG options of a workload whose tasks run with the bench's `--isolation` (none for the default). */
export function isolationDefaults(context: WorkloadContext): string {
  const isolation = context.isolation ?? "process";
  return isolation === "process" ? "{}" : `{ defaults: { isolation: ${JSON.stringify(isolation)} } }`;
}

/** A figure's baseline text, saying which isolation Tributary's tasks ran with when it is not the default. */
export function withIsolation(baseline: string | null, context: WorkloadContext): string | null {
  const isolation = context.isolation ?? "process";
  if (isolation === "process") return baseline;
  const note = `Tributary's tasks ran with isolation ${JSON.stringify(isolation)}`;
  return baseline === null ? note : `${baseline}; ${note}`;
}
