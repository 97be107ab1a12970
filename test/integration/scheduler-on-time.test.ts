/**
 * A real `tributary start` on the real clock with a `* * * * *` DAG: the run of each minute's
 * interval is created within 2 s of the interval's end, two minutes in a row, and
 * tributary_scheduler_lag_seconds on /metrics says so. (A first version created each cron run a
 * whole period late: croner ignored the milliseconds of "now".)
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import { waitForServiceUrl } from "../support/service-url.js";
import { waitForValue } from "../support/wait-for.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/tributary.js");
const MINUTES = 2;

const dir = mkdtempSync(join(tmpdir(), "tributary-on-time-"));
let server: ChildProcess | undefined;

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server?.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: readonly string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`tributary ${args.join(" ")}: ${error.message}\n${stderr}`)) : resolvePromise(stdout),
    );
  });
}

it(`creates each minute's run within 2 s of its interval's end, ${MINUTES} minutes in a row`, { timeout: (MINUTES + 2) * 60_000 }, async () => {
  mkdirSync(join(dir, "dags"));
  writeFileSync(
    join(dir, "dags", "minutely.ts"),
    `import { dag } from ${JSON.stringify(join(ROOT, "src/dsl/index.js"))};
export default dag("minutely", { schedule: "* * * * *", timezone: "Europe/Berlin", catchup: false }, (d) => {
  d.task("tick", () => 1);
});
`,
  );
  const db = join(dir, "t.db");
  // The default tick (1 s): what a user gets.
  server = spawn(process.execPath, [BIN, "start", "--dags", join(dir, "dags"), "--db", db, "--port", "0"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const service = await waitForServiceUrl(server);
  const { url } = service;
  const upAt = Date.now();
  const { token } = JSON.parse(await cli(["tokens", "create", "admin", "--name", "on-time", "--db", db, "--json"])) as { token: string };

  // Wait for the run of the last of MINUTES whole minutes after start-up: it lands within 3 s of
  // that minute's end, or the test fails then (the lag itself is read from the stored times).
  const firstEnd = Math.ceil(upAt / 60_000) * 60_000;
  const lastEnd = firstEnd + (MINUTES - 1) * 60_000;

  const store = openSqliteStore({ path: db });
  try {
    const runs = await waitForValue(
      () => store.listRuns({ dagId: "minutely", runTypes: ["scheduled"] }),
      (listed) => listed.some((run) => run.dataIntervalEnd.getTime() === lastEnd),
      { timeoutMs: lastEnd + 3_000 - Date.now(), intervalMs: 100, what: `the run of the interval ending ${new Date(lastEnd).toISOString()}` },
    );
    const onTime = runs
      .filter((run) => run.dataIntervalEnd.getTime() >= firstEnd && run.dataIntervalEnd.getTime() <= lastEnd)
      .map((run) => ({ end: run.dataIntervalEnd.toISOString(), lagMs: run.createdAt.getTime() - run.dataIntervalEnd.getTime() }))
      .sort((a, b) => a.end.localeCompare(b.end));
    expect(onTime.map((r) => r.end), service.output()).toEqual(Array.from({ length: MINUTES }, (_, i) => new Date(firstEnd + i * 60_000).toISOString()));
    console.info(`scheduler lag per run: ${onTime.map((r) => `${r.end} ${r.lagMs} ms`).join(", ")}`);
    for (const run of onTime) {
      expect(run.lagMs, `run of the interval ending ${run.end}`).toBeGreaterThanOrEqual(0);
      expect(run.lagMs, `run of the interval ending ${run.end}`).toBeLessThan(2_000);
    }
  } finally {
    await store.close();
  }

  // The metric: every run created after start-up is in the 2 s bucket or below (the run created at
  // start-up for the interval that had just ended may be later).
  const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const bucket = (le: string) => Number(new RegExp(`tributary_scheduler_lag_seconds_bucket\\{le="${le}",dag="minutely"\\} (\\d+)`).exec(metrics)?.[1]);
  const count = Number(/tributary_scheduler_lag_seconds_count\{dag="minutely"\} (\d+)/.exec(metrics)?.[1]);
  expect(count, metrics).toBeGreaterThanOrEqual(MINUTES);
  expect(bucket("2"), metrics).toBeGreaterThanOrEqual(count - 1);

  const detail = (await (await fetch(`${url}/api/v1/dags/minutely`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    schedulerLag: { runs: number; latestSeconds: number } | null;
  };
  expect(detail.schedulerLag?.latestSeconds).toBeLessThan(2);
});
