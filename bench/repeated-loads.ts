/**
 * The cost of loading one DAG file again and again in one process, as a long-lived process does (a
 * service reloading a changed file, a task process, a test runner): `node --import tsx
 * bench/repeated-loads.ts [rounds] [loads per round]` prints the CPU and wall time per load in
 * each round. A load that leaves something behind for every later import to pass through (a
 * module hook registered per load did) shows as rounds that get slower; see BENCHMARKS.md,
 * "One registration of module hooks per thread".
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDagFile } from "../src/dsl/load.js";
import { writeDagFile } from "./workloads/setup.js";

const rounds = Number(process.argv[2] ?? "6");
const perRound = Number(process.argv[3] ?? "40");
const dir = mkdtempSync(join(tmpdir(), "tributary-repeated-loads-"));
try {
  const file = writeDagFile(
    join(dir, "two-tasks.ts"),
    `export default dag("two_tasks", { schedule: "@daily", startDate: "2024-01-01" }, (d) => {
  const a = d.task("a", async () => 1);
  d.task("b", { inputs: { a } }, async (_ctx, { a }) => a + 1);
});
`,
  );
  for (let round = 1; round <= rounds; round++) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < perRound; i++) {
      const { dags, errors } = await loadDagFile(file, { hangs: "none" });
      if (dags.length !== 1) throw new Error(`load ${i}: ${errors.map((e) => e.message).join("; ")}`);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = (performance.now() - started) / perRound;
    const cpuMs = (cpu.user + cpu.system) / 1_000 / perRound;
    process.stdout.write(`round ${round} (loads ${(round - 1) * perRound + 1}-${round * perRound}): ${cpuMs.toFixed(1)} ms CPU, ${wallMs.toFixed(1)} ms wall per load\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
