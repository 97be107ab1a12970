/**
 * A fanout run for profiling (`node --cpu-prof --import tsx bench/profile-fanout.ts <instances>
 * <concurrency> [sqlite|postgres] [process|thread|inline] [warm|cold]`): like fanout10k, at a chosen
 * size, printing tasks per second. `warm` (the default, as fanout10k) starts all the pool's task
 * processes before the first claim; `cold` only the one a worker starts, the rest forked by the burst. With PROFILE_OUT=<file.cpuprofile>, the drain alone (not the start-up)
 * is CPU-profiled into that file.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findDag, loadDagFile } from "../src/dsl/load.js";
import { runToCompletion } from "../src/app/run-to-completion.js";
import { defaultProcessCount, WORKER_WARM_PROCESSES } from "../src/worker/process-pool.js";
import { openStoreAt } from "../src/store/open-store.js";
import { writeDagFile } from "./workloads/setup.js";
import { dropSchema } from "./workloads/util.js";

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
  d.map("noop", { over: items, isolation: ${JSON.stringify(isolation)} }, async () => null);
});
`,
  );
  const store = openStoreAt(location);
  const report = await store.migrate();
  if (report.error) throw report.error;
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
  const { instances: done } = await runToCompletion({ store: counted, dag, file, params: {}, concurrency, warmProcesses: start === "cold" ? WORKER_WARM_PROCESSES : defaultProcessCount(concurrency) });
  if (session && profileOut !== undefined) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(profileOut, JSON.stringify(profile));
  }
  const mapped = done.filter((ti) => ti.taskId === "noop");
  const first = Math.min(...mapped.map((ti) => ti.startedAt?.getTime() ?? Number.NaN));
  const last = Math.max(...mapped.map((ti) => ti.endedAt?.getTime() ?? Number.NaN));
  console.log(JSON.stringify({ instances, concurrency, kind: kind ?? "sqlite", start, seconds: (last - first) / 1000, perSecond: instances / ((last - first) / 1000), calls }));
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
  // Never hides the run's own error.
  if (kind === "postgres") await dropSchema(pgUrl, schema).catch(() => undefined);
}
