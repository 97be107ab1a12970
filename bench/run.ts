/**
 * `npm run bench [-- --only <name>[,<name>]] [--store sqlite|postgres|both] [--isolation process|thread|inline]`: Tributary's benchmarks, each
 * measured in the same run as its baselines (the store's floor: durable single-row transactional
 * updates per second on the same database and settings; the peer: graphile-worker on the same
 * PostgreSQL), so every figure is also a ratio. Prints a table and writes bench/results/latest.json.
 * `--smoke` runs tiny sizes (to check the code, as the smoke test does); `--out <file>` writes elsewhere;
 * `--dags N` runs dags3000 with N files instead (to see how loading scales); `--isolation` runs
 * chain40's and fanout10k's tasks with that isolation instead of the default `process` (their
 * baseline text says so; BENCHMARKS.md's figures are all `process`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ISOLATIONS } from "../src/core/types.js";
import { runBench, WORKLOADS } from "./workloads/index.js";
import type { BenchResult, BenchStore } from "./workloads/types.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PG_URL = process.env["TRIBUTARY_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    store: { type: "string", default: "both" },
    smoke: { type: "boolean", default: false },
    out: { type: "string" },
    dags: { type: "string" },
    isolation: { type: "string", default: "process" },
  },
});
const isolation = ISOLATIONS.find((candidate) => candidate === values.isolation);
if (isolation === undefined) {
  console.error(`--isolation must be one of ${ISOLATIONS.join(", ")} (got ${values.isolation})`);
  process.exit(2);
}
if (!["sqlite", "postgres", "both"].includes(values.store ?? "")) {
  console.error(`--store must be sqlite, postgres or both (got ${values.store})`);
  process.exit(2);
}
const stores: BenchStore[] = values.store === "both" ? ["sqlite", "postgres"] : [values.store as BenchStore];
const names = values.only === undefined ? Object.keys(WORKLOADS) : values.only.split(",").map((n) => n.trim());
if (names.some((name) => !(name in WORKLOADS))) {
  console.error(`--only: unknown workload in "${values.only}"; known: ${Object.keys(WORKLOADS).join(", ")}`);
  process.exit(2);
}

const loadBefore = loadavg();
const started = Date.now();
const out = values.out === undefined ? join(ROOT, "bench", "results", "latest.json") : resolve(values.out);
mkdirSync(dirname(out), { recursive: true });
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
/** Written after each workload (`complete: false`) and at the end, so a run cut short keeps its figures. */
const save = (results: readonly BenchResult[], complete: boolean) => {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
    // Other work on the machine slows the figures down: the 1-minute load average before and now.
    loadAverage: { before: loadBefore[0], after: loadavg()[0] },
  };
  const seconds = (Date.now() - started) / 1_000;
  writeFileSync(out, `${JSON.stringify({ machine, command, isolation, date: new Date().toISOString(), seconds, complete, results }, null, 2)}\n`);
};
const work = mkdtempSync(join(tmpdir(), "tributary-bench-"));
let results: BenchResult[];
try {
  results = await runBench({
    names,
    stores,
    dir: work,
    pgUrl: PG_URL,
    smoke: values.smoke,
    dagCount: values.dags === undefined ? undefined : Number(values.dags),
    isolation,
    log: (m) => console.error(`… ${m} (load ${loadavg()[0]?.toFixed(1)})`),
    onProgress: (so) => save(so, false),
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
save(results, true);

const rows = results.map((r) => [r.name, r.store, r.metric, fmt(r.value), r.unit, r.ratio === null ? "" : fmt(r.ratio), r.floor_ratio == null ? "" : fmt(r.floor_ratio), r.baseline ?? ""]);
const headers = ["name", "store", "metric", "value", "unit", "ratio", "floor_ratio", "baseline"];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
const line = (cells: readonly (string | number)[]) => cells.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join("  ").trimEnd();
console.log(line(headers));
for (const row of rows) console.log(line(row));
console.log(`\nchain40 and fanout10k tasks ran with isolation "${isolation}"`);
console.log(`load average ${loadBefore[0]?.toFixed(1)} before, ${loadavg()[0]?.toFixed(1)} after; written to ${out}`);

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}
