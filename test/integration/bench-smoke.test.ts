/**
 * The benchmarks at tiny sizes, so that their code cannot rot: every workload runs against the
 * real engine on SQLite, and `npm run bench`'s command line runs chain40 on PostgreSQL and writes
 * results in the promised shape. Checks that the figures exist and are sane,
 * not how fast they are. `idle` starts the real CLI from dist/ (built by `npm test`).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { runBench, WORKLOADS } from "../../bench/workloads/index.js";
import type { BenchResult } from "../../bench/workloads/types.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PG_URL = process.env["TRIBUTARY_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const dir = mkdtempSync(join(tmpdir(), "tributary-bench-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const METRICS: Record<string, readonly string[]> = {
  chain40: ["total_ms", "first_start_ms", "step_p50_ms", "step_p99_ms", "step_p50_ms_many_dags"],
  fanout10k: ["tasks_per_s"],
  dags3000: ["load_s", "load_warm_s", "loop_p50_ms", "loop_p99_ms", "rss_mb"],
  backfill365: ["total_s"],
  idle: ["rss_mb"],
  lineage: ["query_p99_ms"],
};

function metricsOf(results: readonly BenchResult[], name: string, store: string): Map<string, BenchResult> {
  return new Map(results.filter((r) => r.name === name && r.store === store).map((r) => [r.metric, r]));
}

describe("benchmark smoke", () => {
  it("runs every workload on SQLite, with the floor and graphile-worker as baselines", { timeout: 90_000 }, async () => {
    const results = await runBench({ names: Object.keys(WORKLOADS), stores: ["sqlite"], dir, pgUrl: PG_URL, smoke: true });
    for (const r of results) {
      expect(Number.isFinite(r.value), `${r.name} ${r.metric}`).toBe(true);
      // Every figure is a time or a rate: a chain's step too (timed within the tasks, to the microsecond).
      expect(r.value, `${r.name} ${r.metric}`).toBeGreaterThan(0);
    }
    for (const [name, metrics] of Object.entries(METRICS)) {
      const got = metricsOf(results, name, "sqlite");
      for (const metric of metrics) expect(got.has(metric), `${name} ${metric}`).toBe(true);
    }
    const peer = metricsOf(results, "graphile_worker", "postgres");
    expect([...peer.keys()]).toEqual(["chain_total_ms", "chain_step_p50_ms", "chain_step_p99_ms", "drain_jobs_per_s"]);
    expect(metricsOf(results, "chain40", "sqlite").get("total_ms")?.ratio).toBeGreaterThan(0);
    expect(metricsOf(results, "fanout10k", "sqlite").get("tasks_per_s")?.ratio).toBeGreaterThan(0);
    expect(metricsOf(results, "store_floor", "sqlite").get("commits_per_s")?.value).toBeGreaterThan(0);
  });

  it("`npm run bench -- --only … --store postgres` writes results in the promised shape", { timeout: 60_000 }, async () => {
    const out = join(dir, "latest.json");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(ROOT, "bench", "run.ts"), "--only", "chain40", "--store", "postgres", "--smoke", "--out", out],
      { cwd: ROOT, env: { ...process.env, TRIBUTARY_TEST_PG_URL: PG_URL } },
    );
    expect(stdout).toContain("chain40");
    const written = JSON.parse(readFileSync(out, "utf8")) as { machine: { cpus: number }; results: BenchResult[] };
    expect(written.machine.cpus).toBeGreaterThan(0);
    const names = new Set(written.results.map((r) => `${r.name}/${r.store}`));
    expect(names).toEqual(new Set(["graphile_worker/postgres", "store_floor/postgres", "chain40/postgres"]));
    for (const r of written.results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["name", "store", "metric", "value", "unit", "baseline", "ratio"]));
    }
  });

  it("`--isolation inline` runs chain40 and fanout10k with inline tasks and says so in each figure's baseline", { timeout: 60_000 }, async () => {
    const results = await runBench({ names: ["chain40", "fanout10k"], stores: ["sqlite"], dir, pgUrl: PG_URL, smoke: true, isolation: "inline" });
    const engine = results.filter((r) => r.name === "chain40" || r.name === "fanout10k");
    expect(engine.length).toBe(6);
    for (const r of engine) {
      expect(r.value, `${r.name} ${r.metric}`).toBeGreaterThan(0);
      expect(r.baseline, `${r.name} ${r.metric}`).toMatch(/; Tributary's tasks ran with isolation "inline"$/);
    }
  });

  it("rejects an unknown workload", async () => {
    await expect(runBench({ names: ["nope"], stores: ["sqlite"], dir, pgUrl: PG_URL, smoke: true })).rejects.toThrow(/unknown workload.*nope/);
  });
});
