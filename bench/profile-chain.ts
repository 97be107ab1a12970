import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findDag, loadDagFile } from "../src/dsl/load.js";
import { runToCompletion } from "../src/app/run-to-completion.js";
import { openStoreAt } from "../src/store/open-store.js";
import { openSqliteStore } from "../src/store/sqlite/open-sqlite-store.js";
import { writeDagFile } from "./workloads/setup.js";

const [stepsArg, roundsArg, isolation = "inline"] = process.argv.slice(2);
const steps = Number(stepsArg ?? "40");
const rounds = Number(roundsArg ?? "20");
const dir = mkdtempSync(join(tmpdir(), "tributary-chain-"));
try {
  const file = writeDagFile(join(dir, "chain.ts"), `export default dag("chain", { defaults: { isolation: ${JSON.stringify(isolation)} } }, (d) => {
  const started = () => performance.timeOrigin + performance.now();
  let prev = d.task("t0", async () => started());
  for (let i = 1; i < ${steps}; i++) { const p = prev; prev = d.task(\`t\${i}\`, { inputs: { p } }, async () => started()); }
});
`);
  const statements = new Map<string, { count: number; ms: number }>();
  const store = process.env["QUERY_LOG"] === "1" ? openSqliteStore({ path: join(dir, "c.db"), onQuery: (text: string, ms: number) => {
    const key = text.replace(/\?(, \?)*/g, "?").slice(0, 140);
    const entry = statements.get(key) ?? { count: 0, ms: 0 };
    entry.count += 1; entry.ms += ms; statements.set(key, entry);
  } }) : openStoreAt(join(dir, "c.db"));
  const report = await store.migrate();
  if (report.error) throw report.error;
  for (const index of (process.env["DROP"] ?? "").split(",").filter(Boolean)) {
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(join(dir, "c.db"));
    db.exec(`drop index ${index}`);
    db.close();
  }
  const { dag } = findDag(await loadDagFile(file), "chain");
  const taskIds = Array.from({ length: steps }, (_, i) => `t${i}`);
  const session = process.env["PROFILE_OUT"] ? new Session() : undefined;
  const totals: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round === 2 && session) { session.connect(); await session.post("Profiler.enable"); await session.post("Profiler.start"); }
    const { run } = await runToCompletion({ store, dag, file, params: {}, concurrency: 1 });
    const results = await store.getTaskResults(run.runId, taskIds);
    const starts = taskIds.map((id) => results.get(id) as number);
    totals.push((starts.at(-1) as number) - (starts[0] as number));
  }
  if (session) { const { profile } = await session.post("Profiler.stop"); writeFileSync(process.env["PROFILE_OUT"] as string, JSON.stringify(profile)); }
  const tt = (globalThis as unknown as { __tt?: Record<string, number[]> }).__tt ?? {};
  for (const [k, v] of Object.entries(tt).sort()) if (!k.startsWith("__")) { const s = [...v].sort((a, b) => a - b); console.log(k, "n", s.length, "p50", s[Math.floor(s.length / 2)]?.toFixed(3), "mean", (s.reduce((x, y) => x + y, 0) / s.length).toFixed(3)); }
  console.log(JSON.stringify({ totals: totals.map((t) => Math.round(t * 10) / 10) }));
  for (const [text, { count, ms }] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) console.log(`${ms.toFixed(0).padStart(6)} ms ${String(count).padStart(6)}x ${text}`);
  await store.close();
} finally {
  if (process.env["KEEP"]) console.log("kept", dir); else rmSync(dir, { recursive: true, force: true });
}
