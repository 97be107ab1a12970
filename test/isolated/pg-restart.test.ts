/**
 * A restart of the PostgreSQL server while runs are in flight (issue 4): schedulers and workers
 * retry with backoff while it is away, tries that end meanwhile record their outcome once it is
 * back, and every run still completes.
 *
 * Isolated (vitest.isolated.config.ts, run after the main suite by `npm test`): restarting the
 * server breaks every other test using it at that moment. The cluster restarted is the one that
 * serves TRIBUTARY_TEST_PG_URL's port (`pg_lsclusters`), with `pg_ctlcluster <version> <name>
 * restart`, as root; without those the test is skipped, saying why.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { DSL, Fleet, markProblems, TEST_PG_URL, tryProblems, type TryRow } from "../integration/scale-out-fleet.js";

/** The `pg_ctlcluster` arguments that restart the test server, or why it cannot be done here. */
function findCluster(): { version: string; name: string } | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: "not running as root: pg_ctlcluster needs root to restart the server" };
  if (!existsSync("/usr/bin/pg_ctlcluster") || !existsSync("/usr/bin/pg_lsclusters")) return { skip: "pg_ctlcluster / pg_lsclusters are not installed" };
  const url = new URL(TEST_PG_URL);
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(url.hostname)) return { skip: `the test server ${url.hostname} is not local` };
  const port = url.port === "" ? "5432" : url.port;
  let listing: string;
  try {
    listing = execFileSync("/usr/bin/pg_lsclusters", ["-h"], { encoding: "utf8" });
  } catch (error) {
    return { skip: `pg_lsclusters failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  for (const line of listing.split("\n")) {
    const [version, name, clusterPort, status] = line.trim().split(/\s+/);
    if (version && name && clusterPort === port && status?.startsWith("online")) return { version, name };
  }
  return { skip: `no online cluster on port ${port} in pg_lsclusters:\n${listing}` };
}

const cluster = findCluster();
if ("skip" in cluster) console.warn(`pg-restart test skipped: ${cluster.skip}`);

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.dispose();
  fleet = undefined;
});

it.skipIf("skip" in cluster)("a PostgreSQL restart while runs are in flight: every run still completes, nothing is lost", async (context) => {
  if ("skip" in cluster) return;
  Fleet.checkBuilt();
  const f = new Fleet("pg-restart");
  fleet = f;
  const marks = join(f.dir, "marks.log");
  writeFileSync(marks, "");
  let source = `import { appendFileSync } from "node:fs";
import { dag } from ${JSON.stringify(DSL)};

const MARKS = ${JSON.stringify(marks)};
async function work(ctx: { runId: string; taskId: string; mapIndex: number | null; tryNumber: number }, sleepMs: number): Promise<string> {
  const key = \`\${ctx.runId} \${ctx.taskId} \${ctx.mapIndex ?? -1} \${ctx.tryNumber}\`;
  appendFileSync(MARKS, \`\${key} start \${Date.now()}\\n\`);
  await new Promise((resolve) => setTimeout(resolve, sleepMs));
  appendFileSync(MARKS, \`\${key} end \${Date.now()}\\n\`);
  return ctx.taskId;
}
`;
  for (let i = 0; i < 4; i++) {
    // Retries: a claim whose commit was acknowledged just as the server went away becomes a zombie
    // and is retried (at least once delivery); nothing else may fail.
    source += `
export const restart_${i} = dag("restart_${i}", { schedule: { every: "1s" }, catchup: false, defaults: { retries: 2, retryDelay: "200ms" } }, (d) => {
  const a = d.task("a", (ctx) => work(ctx, 50));
  const b = d.task("b", { after: [a] }, (ctx) => work(ctx, ${1_000 + i * 300}));
  d.task("c", { after: [b] }, (ctx) => work(ctx, 50));
});
`;
  }
  writeFileSync(join(f.dagsDir, "restart.ts"), source);
  const args = ["--zombie-after", "5"];
  const scheduler = f.spawn("scheduler", [...args, "--tick-ms", "250"]);
  const workers = [f.spawn("worker", [...args, "--concurrency", "4"]), f.spawn("worker", [...args, "--concurrency", "4"])];
  const count = async (where: string) => Number((await f.tryQuery<{ n: number }>(`select count(*) as n from dag_runs where ${where}`))[0]?.n ?? 0);
  await f.waitFor("eight successful runs", async () => (await count("state = 'success'")) >= 8, 40_000);
  await f.waitFor("tries in flight", async () => (await f.tryQuery("select 1 from task_tries where outcome = 'running'")).length >= 2, 10_000, 50);

  const downAt = Date.now();
  try {
    execFileSync("/usr/bin/pg_ctlcluster", [cluster.version, cluster.name, "restart"], { stdio: "pipe", timeout: 60_000 });
  } catch (error) {
    const reason = `pg_ctlcluster ${cluster.version} ${cluster.name} restart failed: ${error instanceof Error ? error.message : String(error)}`;
    console.warn(`pg-restart test skipped: ${reason}`);
    context.skip(reason);
    return;
  }
  const upAt = Date.now();
  // Keep going for a while after the server is back: new runs are created and the old ones finish.
  await f.waitFor("runs created after the restart to succeed", async () => (await count(`state = 'success' and created_at > ${upAt}`)) >= 4, 40_000);
  for (const proc of [scheduler, ...workers]) expect(proc.alive(), `${proc.name} died:\n${proc.output()}`).toBe(true);

  expect(await f.terminate(scheduler), scheduler.output()).toEqual({ code: 0, signal: null });
  await f.waitFor("every run to finish", async () => (await count("state not in ('success', 'failed')")) === 0, 45_000);
  for (const worker of workers) expect(await f.terminate(worker), worker.output()).toEqual({ code: 0, signal: null });

  const runs = await f.query<{ run_id: string; state: string }>("select run_id, state from dag_runs");
  expect(runs.filter((r) => r.state !== "success")).toEqual([]);
  expect(await f.query("select dag_id, logical_date from dag_runs group by dag_id, logical_date having count(*) > 1")).toEqual([]);
  // Runs were created on both sides of the restart, and every run's instances all succeeded.
  expect(await count(`created_at < ${downAt}`)).toBeGreaterThan(0);
  expect(await count(`created_at > ${upAt}`)).toBeGreaterThan(0);
  expect(await f.query("select id, state from task_instances where state <> 'success'")).toEqual([]);
  const tries = await f.query<TryRow>("select task_instance_id, try_number, outcome, worker_id, started_at, ended_at, error_kind from task_tries");
  expect(tryProblems(tries)).toEqual([]);
  expect(markProblems(readFileSync(marks, "utf8"))).toEqual([]);
  // A failed try may only be a zombie (a claim whose acknowledgement the restart swallowed) or
  // lost: when the server is away longer than the lease (--zombie-after 5 s, reached on a loaded
  // machine), a worker stops its tries so that their retries never run beside them.
  const failed = tries.filter((t) => t.outcome !== "success");
  expect(failed.filter((t) => t.error_kind !== "zombie" && t.error_kind !== "lost")).toEqual([]);
  // Tries whose task ended while the server was away recorded their outcome once it was back.
  const endedWhileDown = readFileSync(marks, "utf8")
    .split("\n")
    .filter((line) => / end (\d+)$/.test(line) && Number(line.split(" ").at(-1)) >= downAt && Number(line.split(" ").at(-1)) <= upAt);
  const logs = [scheduler, ...workers].map((p) => p.lines.filter((l) => / error: /.test(l)).length);
  // DEBUG_RESTART=1 prints what the processes logged (their errors while the server was away).
  if (process.env["DEBUG_RESTART"]) for (const p of [scheduler, ...workers]) console.log(p.output().split("\n").filter((l) => !/ success /.test(l)).join("\n"));
  console.log(
    `pg restart: server away ${upAt - downAt} ms, ${runs.length} runs, ${tries.length} tries (${failed.length} zombie or lost), ` +
      `${endedWhileDown.length} tries ended while it was away, errors logged per process ${logs.join("/")}`,
  );
}, 180_000);
