import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { findDag, loadDagFile } from "../src/dsl/load.js";
import { runToCompletion } from "../src/app/run-to-completion.js";
import { openPostgresStore } from "../src/store/postgres/open-postgres-store.js";
import { openSqliteStore } from "../src/store/sqlite/open-sqlite-store.js";
import { writeDagFile } from "./workloads/setup.js";
const kind = process.argv[2] ?? "postgres";
const iso = process.argv[3] ?? "process";
const dir = mkdtempSync(join(tmpdir(), "chain-"));
const file = writeDagFile(join(dir, "c.ts"), `export default dag("chain40", { defaults: { isolation: "${iso}" } }, (d) => {
  let prev = d.task("t0", async () => 0);
  for (let i = 1; i < 40; i++) { const p = prev; prev = d.task(\`t\${i}\`, { inputs: { p } }, async (_ctx, { p }) => p + 1); }
});`);
const schema = "tmpchain" + process.pid;
const location = kind === "postgres" ? `postgres://postgres@127.0.0.1:5432/test?schema=${schema}` : join(dir, "t.db");
const log: { sql: string; ms: number; at: number }[] = [];
let on = false;
const onQuery = (sql: string, ms: number) => { if (on) log.push({ sql, ms, at: performance.now() }); };
const store = kind === "postgres" ? openPostgresStore({ url: "postgres://postgres@127.0.0.1:5432/test", schema, onQuery }) : openSqliteStore({ path: location, onQuery });
const r = await store.migrate(); if (r.error) throw r.error;
const { dag } = findDag(await loadDagFile(file), "chain40");
for (let round = 0; round < 3; round++) {
  log.length = 0; on = round === 2;
  const t0 = performance.now();
  await runToCompletion({ store, dag, file, params: {}, concurrency: 1, logicalDate: `2026-01-0${round + 1}` });
  console.log("round", round, (performance.now() - t0).toFixed(1), "ms");
}
const counts = new Map<string, { n: number; ms: number }>();
for (const q of log) { const k = q.sql.slice(0, 90); const c = counts.get(k) ?? { n: 0, ms: 0 }; c.n++; c.ms += q.ms; counts.set(k, c); }
console.log("statements", log.length, "sum ms", log.reduce((a, q) => a + q.ms, 0).toFixed(1));
for (const [k, c] of [...counts].sort((a, b) => b[1].n - a[1].n).slice(0, 40)) console.log(c.n, c.ms.toFixed(1), k);
await store.close();
let prevAt = log[0]?.at ?? 0;
for (const q of log.slice(100, 140)) { console.log((q.at - prevAt).toFixed(2).padStart(7), q.ms.toFixed(2).padStart(6), q.sql.slice(0, 80)); prevAt = q.at; }
console.log("span", (log.at(-1)!.at - log[0]!.at).toFixed(1));
let pa = log[0]!.at; log.forEach((q, i) => { if (q.at - pa > 2.5) console.log("gap at", i, (q.at - pa).toFixed(1), q.sql.slice(0, 60)); pa = q.at; });
