/**
 * A fanout run for profiling (`node --cpu-prof --import tsx bench/profile-fanout.ts <instances>
 * <concurrency> [sqlite|postgres] [process|thread|inline] [warm|cold]`): like fanout10k, at a chosen
 * size, printing tasks per second. `warm` (the default, as fanout10k) starts all the pool's task
 * processes before the first claim; `cold` only the one a worker starts, the rest forked by the burst. With PROFILE_OUT=<file.cpuprofile>, the drain alone (not the start-up)
 * is CPU-profiled into that file. With QUERY_LOG=1, the statements' count and time, by text, are
 * printed after the run (the slowest 25). With HISTORY=<n> (PostgreSQL), the tables first hold n
 * finished instances of other runs, each with its try, analysed: a deployment's history. `cpu`
 * gives the run's wall time and the CPU this process and the rest of the machine (the database) spent.
 * With BODY=<a function expression>, the mapped task runs that instead of a no-op (e.g. one that
 * logs 20 lines: `BODY='async () => { for (let i = 0; i < 20; i++) console.log(i); return null; }'`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import pg from "pg";
import { Session } from "node:inspector/promises";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findDag, loadDagFile } from "../src/dsl/load.js";
import { runToCompletion } from "../src/app/run-to-completion.js";
import { defaultProcessCount, WORKER_WARM_PROCESSES } from "../src/worker/process-pool.js";
import { openStoreAt } from "../src/store/open-store.js";
import { openPostgresStore } from "../src/store/postgres/open-postgres-store.js";
import { openSqliteStore } from "../src/store/sqlite/open-sqlite-store.js";
import { writeDagFile } from "./workloads/setup.js";
import { dropSchema } from "./workloads/util.js";

/** CPU time the whole machine spent busy, from /proc/stat (Linux; 0 elsewhere), in ms. */
function machineBusyMs(): number {
  let text: string;
  try {
    text = readFileSync("/proc/stat", "utf8");
  } catch {
    return 0;
  }
  const [, user, nice, system, , , irq, softirq, steal] = (text.split("\n")[0] ?? "").trim().split(/\s+/).map(Number);
  const ticks = [user, nice, system, irq, softirq, steal].reduce<number>((sum, value) => sum + (value ?? 0), 0);
  return (ticks * 1_000) / 100;
}

const [instancesArg, concurrencyArg, kind, isolation = "process", start = "warm"] = process.argv.slice(2);
const instances = Number(instancesArg ?? "2000");
const concurrency = Number(concurrencyArg ?? "64");
const dir = mkdtempSync(join(tmpdir(), "tributary-profile-"));
const schema = `profile_${process.pid}`;
const pgUrl = process.env["TRIBUTARY_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const location = kind === "postgres" ? `${pgUrl}?schema=${schema}` : join(dir, "p.db");
try {
  const file = writeDagFile(
    join(dir, "fanout.ts"),
    `export default dag("fanout", {}, (d) => {
  const items = d.task("items", async () => Array.from({ length: ${instances} }, (_, i) => i));
  d.map("noop", { over: items, isolation: ${JSON.stringify(isolation)} }, ${process.env["BODY"] ?? "async () => null"});
});
`,
  );
  const statements = new Map<string, { count: number; ms: number }>();
  const onQuery = process.env["QUERY_LOG"] === "1"
    ? (text: string, ms: number) => {
        const key = text.replace(/\$\d+(, \$\d+)*/g, "$n").replace(/\?(, \?)*/g, "?").slice(0, 160);
        const entry = statements.get(key) ?? { count: 0, ms: 0 };
        entry.count += 1;
        entry.ms += ms;
        statements.set(key, entry);
      }
    : undefined;
  const store = onQuery === undefined ? openStoreAt(location) : kind === "postgres" ? openPostgresStore({ url: pgUrl, schema, onQuery }) : openSqliteStore({ path: location, onQuery });
  const report = await store.migrate();
  if (report.error) throw report.error;
  const history = Number(process.env["HISTORY"] ?? "0");
  if (history > 0 && kind === "postgres") {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`set search_path to ${schema}`);
    await client.query(`insert into task_instances (run_id, dag_id, task_id, map_index, state, try_number, max_tries, priority, pool, queue, updated_at)
      select 'old-' || (i / 100), 'old', 't' || (i % 100), -1, 'success', 1, 1, 0, 'default_pool', 'default', 0 from generate_series(1, $1) as i`, [history]);
    await client.query(`insert into task_tries (task_instance_id, try_number, outcome, worker_id, queued_at, started_at, ended_at) select id, 1, 'success', 'w', 0, 0, 0 from task_instances`);
    await client.query("analyze");
    await client.end();
  }
  // How often each store method is called: most of them are a transaction each.
  const calls: Record<string, number> = {};
  const counted = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function" || typeof key !== "string") return value;
      return (...args: unknown[]) => {
        calls[key] = (calls[key] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const { dag } = findDag(await loadDagFile(file), "fanout");
  const profileOut = process.env["PROFILE_OUT"];
  const session = profileOut === undefined ? undefined : new Session();
  if (session) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const cpuBefore = process.cpuUsage();
  const busyBefore = machineBusyMs();
  const wallBefore = performance.now();
  const { instances: done } = await runToCompletion({ store: counted, dag, file, params: {}, concurrency, warmProcesses: start === "cold" ? WORKER_WARM_PROCESSES : defaultProcessCount(concurrency) });
  const ownMs = (({ user, system }) => (user + system) / 1_000)(process.cpuUsage(cpuBefore));
  const cpu = { wallMs: Math.round(performance.now() - wallBefore), thisProcessMs: Math.round(ownMs), restOfMachineMs: Math.round(machineBusyMs() - busyBefore - ownMs) };
  if (session && profileOut !== undefined) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(profileOut, JSON.stringify(profile));
  }
  const mapped = done.filter((ti) => ti.taskId === "noop");
  const first = Math.min(...mapped.map((ti) => ti.startedAt?.getTime() ?? Number.NaN));
  const last = Math.max(...mapped.map((ti) => ti.endedAt?.getTime() ?? Number.NaN));
  console.log(JSON.stringify({ instances, concurrency, kind: kind ?? "sqlite", start, seconds: (last - first) / 1000, perSecond: instances / ((last - first) / 1000), cpu, calls }));
  for (const [text, { count, ms }] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`${ms.toFixed(0).padStart(6)} ms ${String(count).padStart(6)}x ${text}`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
  // Never hides the run's own error.
  if (kind === "postgres") await dropSchema(pgUrl, schema).catch(() => undefined);
}
