/**
 * Runs every example DAG in examples/ through the real command line (`node bin/tributary.js`,
 * built by `npm run build`) and checks the `--json` contract, the task states, the order in which
 * tasks ran, and what the daily sales report leaves in its warehouse. Each test has its own store
 * and warehouse in a temporary folder, so the tests run concurrently; the one exception is the
 * daily sales report's first run of 2024-03-01, made once for the two tests that start from it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const BIN = join(ROOT, "bin", "tributary.js");
const FAILING_DAG = join("test", "fixtures", "cli-dags", "failing.ts");

// ---------------------------------------------------------------------------------------------
// Running the CLI

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          reject(new Error(`tributary ${args.join(" ")} did not exit normally: ${error.message}\n${stderr}`));
          return;
        }
        resolvePromise({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder with the paths of a store and a warehouse inside it. */
function sandbox(): { readonly db: string; readonly warehouse: string; readonly env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "tributary-examples-"));
  tempDirs.push(dir);
  const warehouse = join(dir, "wh.db");
  return { db: join(dir, "t.db"), warehouse, env: { EXAMPLES_WAREHOUSE: warehouse, TRIBUTARY_TASK_ENV: "EXAMPLES_WAREHOUSE" } };
}

// ---------------------------------------------------------------------------------------------
// The `tributary run --json` contract

const isoOrNull = z.iso.datetime({ offset: true }).nullable();
const TASK_STATES = ["scheduled", "queued", "running", "success", "failed", "retrying", "skipped", "upstream_failed"] as const;

const RunJson = z.object({
  dagId: z.string(),
  runId: z.string().min(1),
  logicalDate: z.iso.datetime({ offset: true }),
  state: z.enum(["queued", "running", "success", "failed"]),
  tasks: z.array(
    z.object({
      taskId: z.string(),
      mapIndex: z.number().int().nonnegative().nullable(),
      state: z.enum(TASK_STATES),
      tries: z.number().int().nonnegative(),
      startedAt: isoOrNull,
      endedAt: isoOrNull,
      error: z.string().nullable(),
    }),
  ),
});
type RunJson = z.infer<typeof RunJson>;
type TaskJson = RunJson["tasks"][number];

/** Parses the single JSON line `run --json` prints; a CLI error is reported with its stderr. */
function parseRun(result: CliResult): RunJson {
  const lines = result.stdout.trim().split("\n");
  expect(lines, `stdout should be one JSON line; stderr:\n${result.stderr}`).toHaveLength(1);
  return RunJson.parse(JSON.parse(lines[0] ?? ""));
}

/**
 * `tributary run <file> --json` in a sandbox. Each worker slot is a child process that loads the
 * DAG file, so runs that need no parallelism use one slot to keep the suite fast on small machines.
 */
async function runDag(
  file: string,
  args: readonly string[],
  box: ReturnType<typeof sandbox>,
  concurrency = 1,
): Promise<{ result: CliResult; run: RunJson }> {
  const result = await cli(["run", file, "--json", "--db", box.db, "--concurrency", String(concurrency), ...args], box.env);
  return { result, run: parseRun(result) };
}

function task(run: RunJson, taskId: string, mapIndex: number | null = null): TaskJson {
  const found = run.tasks.find((t) => t.taskId === taskId && t.mapIndex === mapIndex);
  if (!found) throw new Error(`no task ${taskId}[${String(mapIndex)}] in ${JSON.stringify(run.tasks.map((t) => t.taskId))}`);
  return found;
}

function times(t: TaskJson): { start: number; end: number } {
  expect(t.startedAt, `${t.taskId} startedAt`).not.toBeNull();
  expect(t.endedAt, `${t.taskId} endedAt`).not.toBeNull();
  return { start: Date.parse(t.startedAt ?? ""), end: Date.parse(t.endedAt ?? "") };
}

function statesOf(run: RunJson): Record<string, string> {
  return Object.fromEntries(run.tasks.map((t) => [t.mapIndex === null ? t.taskId : `${t.taskId}[${t.mapIndex}]`, t.state]));
}

const LogsJson = z.object({
  tryNumber: z.number().int().positive(),
  lines: z.array(z.object({ at: z.iso.datetime({ offset: true }), message: z.string() })),
});

/** The log of one try (the latest by default) of a task instance, via `tributary logs --json`. */
async function logsOf(db: string, runId: string, taskId: string, extra: readonly string[] = []): Promise<z.infer<typeof LogsJson>> {
  const result = await cli(["logs", runId, taskId, "--db", db, "--json", ...extra]);
  expect(result.code, result.stderr).toBe(0);
  return LogsJson.parse(JSON.parse(result.stdout));
}

async function logMessages(db: string, runId: string, taskId: string, extra: readonly string[] = []): Promise<string[]> {
  return (await logsOf(db, runId, taskId, extra)).lines.map((l) => l.message);
}

// ---------------------------------------------------------------------------------------------
// Reading the daily sales report's warehouse

interface WarehouseRow {
  readonly date: string;
  readonly region: string;
  readonly segment: string;
  readonly orders: number;
  readonly revenue_cents: number;
}

function warehouseRows(path: string): WarehouseRow[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare("SELECT date, region, segment, orders, revenue_cents FROM revenue_by_segment ORDER BY date, region, segment")
      .all() as WarehouseRow[];
  } finally {
    db.close();
  }
}

function totals(rows: readonly WarehouseRow[]): { rows: number; orders: number; revenueCents: number } {
  return {
    rows: rows.length,
    orders: rows.reduce((s, r) => s + r.orders, 0),
    revenueCents: rows.reduce((s, r) => s + r.revenue_cents, 0),
  };
}

const DAILY_SALES_TASKS = [
  "extract_crm",
  "extract_erp",
  "join_sources",
  "transform_revenue",
  "validate_data",
  "load_warehouse",
  "notify_team",
];

// Expected from examples/data for 2024-03-01.
const EU_2024_03_01: readonly WarehouseRow[] = [
  { date: "2024-03-01", region: "eu", segment: "consumer", orders: 1, revenue_cents: 1999 },
  { date: "2024-03-01", region: "eu", segment: "enterprise", orders: 2, revenue_cents: 555000 },
  { date: "2024-03-01", region: "eu", segment: "smb", orders: 1, revenue_cents: 8990 },
];
const US_2024_03_01: readonly WarehouseRow[] = [
  { date: "2024-03-01", region: "us", segment: "consumer", orders: 1, revenue_cents: 3550 },
  { date: "2024-03-01", region: "us", segment: "enterprise", orders: 1, revenue_cents: 210000 },
  { date: "2024-03-01", region: "us", segment: "smb", orders: 1, revenue_cents: 12000 },
];

// ---------------------------------------------------------------------------------------------

interface FirstDailyRun {
  readonly box: ReturnType<typeof sandbox>;
  readonly result: CliResult;
  readonly run: RunJson;
  /** The warehouse right after this run (undefined if it failed), before a test runs more. */
  readonly rows: readonly WarehouseRow[] | undefined;
}

let firstDailyRun: Promise<FirstDailyRun> | undefined;

/**
 * The daily sales report of 2024-03-01 in a fresh sandbox, with two slots so that
 * transform_revenue and validate_data can run at the same time. Both the test of its order and the
 * idempotence test start from this run: made once, it saves a run of the report (about 1 CPU-s).
 */
function firstDailySales(): Promise<FirstDailyRun> {
  firstDailyRun ??= (async () => {
    const box = sandbox();
    const { result, run } = await runDag("examples/daily-sales.ts", ["--logical-date", "2024-03-01"], box, 2);
    return { box, result, run, rows: result.code === 0 ? warehouseRows(box.warehouse) : undefined };
  })();
  return firstDailyRun;
}

describe.concurrent("examples/daily-sales.ts", () => {
  it("runs all seven tasks in dependency order, transform and validate in parallel", async () => {
    const { box, result, run, rows } = await firstDailySales();
    expect(result.code, result.stderr).toBe(0);
    expect(run.dagId).toBe("daily_sales_report");
    expect(run.state).toBe("success");
    // The schedule is 0 6 * * * in Europe/Berlin: the run of 2024-03-01 covers [03-01 06:00, 03-02 06:00).
    expect(run.logicalDate).toBe("2024-03-01T05:00:00.000Z");
    expect(run.tasks.map((t) => t.taskId).sort()).toEqual([...DAILY_SALES_TASKS].sort());
    for (const t of run.tasks) {
      expect(t, t.taskId).toMatchObject({ state: "success", tries: 1, mapIndex: null, error: null });
    }

    const crm = times(task(run, "extract_crm"));
    const erp = times(task(run, "extract_erp"));
    const join = times(task(run, "join_sources"));
    const transform = times(task(run, "transform_revenue"));
    const validate = times(task(run, "validate_data"));
    const load = times(task(run, "load_warehouse"));
    const notify = times(task(run, "notify_team"));
    expect(crm.end).toBeLessThanOrEqual(join.start);
    expect(erp.end).toBeLessThanOrEqual(join.start);
    expect(join.end).toBeLessThanOrEqual(transform.start);
    expect(join.end).toBeLessThanOrEqual(validate.start);
    expect(transform.end).toBeLessThanOrEqual(load.start);
    expect(validate.end).toBeLessThanOrEqual(load.start);
    expect(load.end).toBeLessThanOrEqual(notify.start);
    for (const other of [crm, erp, join, transform, validate, load]) expect(other.end).toBeLessThanOrEqual(notify.start);
    // Parallel: each of the two started before the other one ended.
    expect(transform.start).toBeLessThan(validate.end);
    expect(validate.start).toBeLessThan(transform.end);

    expect(rows).toEqual(EU_2024_03_01);

    // `tributary logs` prints what ctx.log wrote, as text and as JSON.
    const text = await cli(["logs", run.runId, "extract_erp", "--db", box.db]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("read 4 eu orders placed on 2024-03-01 from the ERP");
    expect(await logMessages(box.db, run.runId, "notify_team")).toContain(
      "daily sales 2024-03-01 (eu): 4 orders, revenue 5659.89 across 3 segment(s) in the warehouse",
    );
  });

  // Three runs one after the other: a longer timeout than the default, for busy machines.
  it("is idempotent: re-running a date overwrites its rows, another date adds its own", { timeout: 60_000 }, async () => {
    // The first run is the one the test above checks (its warehouse read before any other run).
    const { box, ...first } = await firstDailySales();
    expect(first.result.code, first.result.stderr).toBe(0);
    const afterFirst = first.rows ?? [];
    expect(afterFirst).toEqual(EU_2024_03_01);

    const second = await runDag("examples/daily-sales.ts", ["--logical-date", "2024-03-01"], box);
    expect(second.result.code, second.result.stderr).toBe(0);
    expect(second.run.runId).not.toBe(first.run.runId);
    const afterSecond = warehouseRows(box.warehouse);
    expect(afterSecond).toEqual(afterFirst);
    expect(totals(afterSecond)).toEqual(totals(afterFirst));

    const other = await runDag("examples/daily-sales.ts", ["--logical-date", "2024-03-02"], box);
    expect(other.result.code, other.result.stderr).toBe(0);
    const afterOther = warehouseRows(box.warehouse);
    expect(afterOther.filter((r) => r.date === "2024-03-01")).toEqual(afterFirst);
    const march2 = afterOther.filter((r) => r.date === "2024-03-02");
    expect(march2.length).toBeGreaterThan(0);
    expect(totals(march2)).toEqual({ rows: 2, orders: 2, revenueCents: 100000 });
    expect(totals(afterOther).rows).toBe(totals(afterFirst).rows + march2.length);
  });

  it("takes the region from --param region=us", async () => {
    const box = sandbox();
    const { result, run } = await runDag("examples/daily-sales.ts", ["--logical-date", "2024-03-01", "--param", "region=us"], box);
    expect(result.code, result.stderr).toBe(0);
    expect(run.state).toBe("success");
    const rows = warehouseRows(box.warehouse);
    expect(rows).toEqual(US_2024_03_01);
    expect(totals(rows)).not.toEqual(totals(EU_2024_03_01));
  });

  it("rejects a misspelt param with exit code 2, naming it, before running anything", async () => {
    const box = sandbox();
    const result = await cli(
      ["run", "examples/daily-sales.ts", "--json", "--db", box.db, "--logical-date", "2024-03-01", "--param", "regoin=us"],
      box.env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("regoin");
    expect(result.stdout).toBe("");
  });
});

describe.concurrent("the other examples", () => {
  it("flaky-api.ts: the flaky task succeeds on its third try, then its result is used", async () => {
    const box = sandbox();
    const { result, run } = await runDag("examples/flaky-api.ts", ["--logical-date", "2024-03-01"], box);
    expect(result.code, result.stderr).toBe(0);
    expect(run).toMatchObject({ dagId: "flaky_api", state: "success" });
    expect(task(run, "fetch_exchange_rate")).toMatchObject({ state: "success", tries: 3, error: null });
    expect(task(run, "convert_prices")).toMatchObject({ state: "success", tries: 1 });

    // Each try has its own log; the tries are 200 ms, then 400 ms apart (exponential backoff).
    const firstTry = await logsOf(box.db, run.runId, "fetch_exchange_rate", ["--try", "1"]);
    const lastTry = await logsOf(box.db, run.runId, "fetch_exchange_rate");
    expect(firstTry.tryNumber).toBe(1);
    expect(firstTry.lines[0]?.message).toMatch(/^try 1: GET /);
    expect(lastTry.tryNumber).toBe(3);
    expect(lastTry.lines.map((l) => l.message)).toEqual([expect.stringMatching(/^try 3: GET /), "got EUR/USD 1.0842 on try 3"]);
    const gap = Date.parse(lastTry.lines[0]?.at ?? "") - Date.parse(firstTry.lines[0]?.at ?? "");
    expect(gap).toBeGreaterThanOrEqual(600);
    const converted = await logMessages(box.db, run.runId, "convert_prices");
    expect(converted).toContain("widget: 19.99 EUR = 21.67 USD");
  });

  it.each([
    // Midnight in Berlin is 23:00 UTC the day before: a day of the week read in UTC would be wrong.
    { date: "2024-03-02", taken: "weekend_report", skipped: "weekday_report" }, // Saturday (Friday in UTC)
    { date: "2024-03-04", taken: "weekday_report", skipped: "weekend_report" }, // Monday (Sunday in UTC)
  ])("branching.ts on $date follows $taken and skips $skipped", async ({ date, taken, skipped }) => {
    const box = sandbox();
    const { result, run } = await runDag("examples/branching.ts", ["--logical-date", date], box);
    expect(result.code, result.stderr).toBe(0);
    expect(run).toMatchObject({ dagId: "weekday_or_weekend", state: "success" });
    expect(statesOf(run)).toEqual({ choose_path: "success", [taken]: "success", [skipped]: "skipped", publish: "success" });
    expect(task(run, skipped).tries).toBe(0);
  });

  it("fan-out.ts: five mapped instances with map indexes 0..4, summed by the final task", async () => {
    const box = sandbox();
    const { result, run } = await runDag("examples/fan-out.ts", ["--logical-date", "2024-03-01"], box, 2);
    expect(result.code, result.stderr).toBe(0);
    expect(run).toMatchObject({ dagId: "partition_fan_out", state: "success" });
    const mapped = run.tasks.filter((t) => t.taskId === "process_partition");
    expect(mapped.map((t) => t.mapIndex).sort()).toEqual([0, 1, 2, 3, 4]);
    for (const t of mapped) expect(t.state).toBe("success");
    expect(task(run, "list_partitions").state).toBe("success");
    const sum = task(run, "sum_partitions");
    expect(sum.state).toBe("success");
    for (const t of mapped) expect(times(t).end).toBeLessThanOrEqual(times(sum).start);

    // Partition i holds the amounts 1..10(i+1): 55 + 210 + 465 + 820 + 1275.
    expect(await logMessages(box.db, run.runId, "sum_partitions")).toContain("summed 5 partitions: rows=150 total=2825");
    const third = await logMessages(box.db, run.runId, "process_partition", ["--map-index", "2"]);
    expect(third).toContain("[2] sales/2024-03-01/us-east.csv: 30 rows, total 465");
  });

  it("shell-report.ts: the templated command runs and its last stdout line reaches the next task", async () => {
    const box = sandbox();
    const { result, run } = await runDag("examples/shell-report.ts", ["--logical-date", "2024-03-01", "--param", "label=weekly"], box);
    expect(result.code, result.stderr).toBe(0);
    expect(run).toMatchObject({ dagId: "shell_report", state: "success" });
    expect(statesOf(run)).toEqual({ render_report: "success", check_report: "success" });

    const shellLog = await logMessages(box.db, run.runId, "render_report");
    expect(shellLog).toContain("report for 2024-03-01 label=weekly");
    // check_report only succeeds when it received a year; the year is the one the command printed.
    const year = new Date().getUTCFullYear();
    const checkLog = (await logMessages(box.db, run.runId, "check_report")).join("\n");
    expect(checkLog).toMatch(new RegExp(`render_report for 2024-03-01 \\(label weekly\\) ran in the year (${year}|${year + 1})`));
  });
});

describe.concurrent("the CLI contract", () => {
  it("exits 2 for a file that does not exist", async () => {
    const box = sandbox();
    const result = await cli(["run", "examples/no-such-file.ts", "--json", "--db", box.db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no-such-file.ts");
    expect(result.stdout).toBe("");
  });

  it("exits 2 for --dag naming a DAG the file does not define", async () => {
    const box = sandbox();
    const result = await cli(["run", "examples/daily-sales.ts", "--dag", "nope", "--json", "--db", box.db], box.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("nope");
    expect(result.stdout).toBe("");
  });

  it("exits 1 with state failed when a task fails, and its log and error are kept", async () => {
    const box = sandbox();
    const { result, run } = await runDag(FAILING_DAG, [], box);
    expect(result.code).toBe(1);
    expect(run).toMatchObject({ dagId: "always_fails", state: "failed" });
    expect(statesOf(run)).toEqual({ fine: "success", explode: "failed", after_explode: "upstream_failed" });
    expect(task(run, "explode")).toMatchObject({ tries: 1 });
    expect(task(run, "explode").error).toContain("boom: the source table does not exist");
    expect(task(run, "after_explode").tries).toBe(0);

    const logs = await cli(["logs", run.runId, "explode", "--db", box.db]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain("about to fail (input 1)");
  });

  it("dags list examples --json lists the eight example DAGs, and nothing from examples/lib", async () => {
    const result = await cli(["dags", "list", "examples", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const listed = z
      .object({
        dags: z.array(z.object({ dagId: z.string(), file: z.string(), tasks: z.array(z.string()) })),
        importErrors: z.array(z.unknown()),
      })
      .parse(JSON.parse(result.stdout));
    expect(listed.importErrors).toEqual([]);
    expect(Object.fromEntries(listed.dags.map((d) => [d.dagId, d.file]))).toEqual({
      daily_sales_report: join("examples", "daily-sales.ts"),
      flaky_api: join("examples", "flaky-api.ts"),
      weekday_or_weekend: join("examples", "branching.ts"),
      partition_fan_out: join("examples", "fan-out.ts"),
      shell_report: join("examples", "shell-report.ts"),
      orders_pipeline: join("examples", "lineage.ts"),
      daily_revenue_report: join("examples", "lineage.ts"),
      customer_churn_model: join("examples", "lineage.ts"),
    });
    const daily = listed.dags.find((d) => d.dagId === "daily_sales_report");
    expect([...(daily?.tasks ?? [])].sort()).toEqual([...DAILY_SALES_TASKS].sort());
  });

  it("dags check examples exits 0", async () => {
    const result = await cli(["dags", "check", "examples"]);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain("8 DAG(s) OK, 0 file(s) with errors");
  });
});
