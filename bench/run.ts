/**
 * `npm run bench [-- --only <name>] [--store sqlite|postgres|both]`: Tributary's benchmarks, each
 * measured in the same run as a baseline (the store's floor: durable single-row transactional
 * updates per second on the same database and settings), so every figure is also a ratio.
 * Prints a table and writes bench/results/latest.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { chain40 } from "./workloads/chain40.js";
import { storeFloor } from "./workloads/store-floor.js";
import type { BenchResult, BenchStore } from "./workloads/types.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PG_URL = process.env["TRIBUTARY_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

const { values } = parseArgs({
  options: { only: { type: "string" }, store: { type: "string", default: "both" } },
});
const stores: BenchStore[] = values.store === "both" ? ["sqlite", "postgres"] : [values.store as BenchStore];
const workloads = { chain40 };
const selected = Object.entries(workloads).filter(([name]) => values.only === undefined || values.only === name);

const results: BenchResult[] = [];
const work = mkdtempSync(join(tmpdir(), "tributary-bench-"));
try {
  for (const store of stores) {
    const floor = await storeFloor(store, { dir: work, pgUrl: PG_URL });
    results.push(floor);
    for (const [, workload] of selected) {
      results.push(...(await workload({ store, dir: work, pgUrl: PG_URL, floorCommitsPerSecond: floor.value })));
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: process.platform,
};
const out = join(ROOT, "bench", "results", "latest.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2)}\n`);

const rows = results.map((r) => [r.name, r.store, r.metric, fmt(r.value), r.unit, r.baseline ?? "", r.ratio === null ? "" : fmt(r.ratio)]);
const headers = ["name", "store", "metric", "value", "unit", "baseline", "ratio"];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
const line = (cells: readonly (string | number)[]) => cells.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join("  ");
console.log(line(headers));
for (const row of rows) console.log(line(row));
console.log(`\nwritten to ${out}`);

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}
