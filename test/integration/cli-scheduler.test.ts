/**
 * The scheduler's commands through the real command line (`node bin/tributary.js`, built by
 * `npm run build`): trigger, schedule, runs list, dags pause/unpause, pools, help and unknown
 * commands, and where commands find the DAG folder (a `tributary.config.ts` in the current
 * folder). Each test has its own store and working folder in a temporary folder.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runBuiltCli, useCliFolder, type CliResult } from "../support/built-cli.js";

const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURES = resolve(import.meta.dirname, "../fixtures/backfill-dags");
const HOUR = 3_600_000;

const folder = useCliFolder("tributary-cli-scheduler-");

/** `tributary <args>` run from the test's temporary folder, without TRIBUTARY_DATABASE_URL. */
function cli(args: readonly string[], cwd = folder.dir): Promise<CliResult> {
  return runBuiltCli(args, cwd);
}

/** A command that names a DAG, with the fixture folder and the test's store. */
function cliAt(args: readonly string[]): Promise<CliResult> {
  return cli([...args, "--dags", FIXTURES, "--db", folder.db]);
}

/** `tributary schedule` reads no store: only the fixture folder. */
function scheduleCli(args: readonly string[]): Promise<CliResult> {
  return cli(["schedule", ...args, "--dags", FIXTURES]);
}

function parseJsonLine<T>(result: CliResult, schema: z.ZodType<T>): T {
  expect(result.code, `exit code; stderr:\n${result.stderr}`).toBe(0);
  const lines = result.stdout.trim().split("\n");
  expect(lines, `stdout should be one JSON line; stderr:\n${result.stderr}`).toHaveLength(1);
  return schema.parse(JSON.parse(lines[0] ?? ""));
}

const TriggerJson = z.object({
  dagId: z.string(),
  runId: z.string().min(1),
  state: z.enum(["queued", "running", "success", "failed"]),
  logicalDate: z.iso.datetime(),
  params: z.record(z.string(), z.unknown()),
});

const RunsJson = z.object({
  dagId: z.string(),
  runs: z.array(
    z.object({
      runId: z.string(),
      runType: z.enum(["scheduled", "manual", "backfill", "event"]),
      state: z.enum(["queued", "running", "success", "failed"]),
      logicalDate: z.iso.datetime(),
      dataIntervalStart: z.iso.datetime(),
      dataIntervalEnd: z.iso.datetime(),
      startedAt: z.iso.datetime().nullable(),
      endedAt: z.iso.datetime().nullable(),
    }),
  ),
});

const ScheduleJson = z.object({
  dagId: z.string(),
  timezone: z.string(),
  schedule: z.unknown(),
  intervals: z.array(
    z.object({ logicalDate: z.iso.datetime(), ds: z.string(), start: z.iso.datetime(), end: z.iso.datetime(), runCreatedAt: z.iso.datetime() }),
  ),
});

const PoolsJson = z.object({ pools: z.array(z.object({ name: z.string(), slots: z.number().int(), description: z.string().nullable() })) });

// ---------------------------------------------------------------------------------------------
// trigger

describe("tributary trigger", () => {
  it("creates a queued manual run with the schema's defaults, and prints it as JSON", async () => {
    const out = parseJsonLine(await cliAt(["trigger", "manual_only", "--json"]), TriggerJson);
    expect(out).toMatchObject({ dagId: "manual_only", state: "queued", params: { region: "eu", limit: 10 } });
    expect(out.runId).toMatch(/^manual_only__manual__/);

    const store = await folder.openStore();
    const run = await store.getRun(out.runId);
    expect(run).toMatchObject({ dagId: "manual_only", runType: "manual", state: "queued", params: { region: "eu", limit: 10 } });
    expect(run?.logicalDate.toISOString()).toBe(out.logicalDate);
    // Queued, not started: its task instances wait for `tributary start`.
    const instances = await store.listTaskInstances(out.runId);
    expect(instances.map((ti) => [ti.taskId, ti.state])).toEqual([["report", "scheduled"]]);
    expect(await store.getDag("manual_only")).toMatchObject({ dagId: "manual_only", isPaused: false });
  });

  it("validates --param against the schema and types the values", async () => {
    const out = parseJsonLine(
      await cliAt(["trigger", "manual_only", "--param", "region=us", "--param", "limit=5", "--logical-date", "2024-03-01", "--json"]),
      TriggerJson,
    );
    expect(out.params).toEqual({ region: "us", limit: 5 });
    expect(out.logicalDate).toBe("2024-03-01T00:00:00.000Z");
    const store = await folder.openStore();
    expect((await store.getRun(out.runId))?.params).toEqual({ region: "us", limit: 5 });

    // Two triggers for one logical date are two manual runs.
    const second = parseJsonLine(await cliAt(["trigger", "manual_only", "--logical-date", "2024-03-01", "--json"]), TriggerJson);
    expect(second.runId).not.toBe(out.runId);
    expect(await store.listRuns({ dagId: "manual_only" })).toHaveLength(2);
  });

  it("exits 2 naming the field for an unknown or a bad param, and creates nothing", async () => {
    const unknown = await cliAt(["trigger", "manual_only", "--param", "regoin=us"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("regoin");
    expect(unknown.stdout).toBe("");

    const badEnum = await cliAt(["trigger", "manual_only", "--param", "region=asia"]);
    expect(badEnum.code).toBe(2);
    expect(badEnum.stderr).toContain("region");

    const badNumber = await cliAt(["trigger", "manual_only", "--param", "limit=lots", "--json"]);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain("limit");
    expect(badNumber.stdout).toBe("");

    const noValue = await cliAt(["trigger", "manual_only", "--param", "region"]);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain("param");

    const store = await folder.openStore();
    expect(await store.listRuns({ dagId: "manual_only" })).toEqual([]);
  });

  it("exits 2 for an unknown DAG, naming the DAGs it knows", async () => {
    const result = await cliAt(["trigger", "no_such_dag"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no_such_dag");
    expect(result.stderr).toContain("manual_only");
  });
});

// ---------------------------------------------------------------------------------------------
// schedule, runs list

describe("tributary schedule", () => {
  it("lists the next intervals of a Europe/Berlin cron across the spring-forward change", async () => {
    const out = parseJsonLine(await scheduleCli(["berlin_six_am", "--count", "5", "--from", "2024-03-30", "--json"]), ScheduleJson);
    expect(out).toMatchObject({ dagId: "berlin_six_am", timezone: "Europe/Berlin", schedule: "0 6 * * *" });
    // 06:00 local: 05:00 UTC before 2024-03-31 02:00 (CET), 04:00 UTC after (CEST).
    expect(out.intervals.map((i) => [i.ds, i.start, i.end])).toEqual([
      ["2024-03-30", "2024-03-30T05:00:00.000Z", "2024-03-31T04:00:00.000Z"],
      ["2024-03-31", "2024-03-31T04:00:00.000Z", "2024-04-01T04:00:00.000Z"],
      ["2024-04-01", "2024-04-01T04:00:00.000Z", "2024-04-02T04:00:00.000Z"],
      ["2024-04-02", "2024-04-02T04:00:00.000Z", "2024-04-03T04:00:00.000Z"],
      ["2024-04-03", "2024-04-03T04:00:00.000Z", "2024-04-04T04:00:00.000Z"],
    ]);
    for (const i of out.intervals) {
      expect(i.logicalDate).toBe(i.start);
      // A run is created once its interval has ended.
      expect(i.runCreatedAt).toBe(i.end);
    }
    // The interval that contains the change is 23 hours long.
    expect(Date.parse(out.intervals[0]?.end ?? "") - Date.parse(out.intervals[0]?.start ?? "")).toBe(23 * HOUR);
  });

  it("runs a 02:00 Europe/Berlin job once on the spring-forward day and once on the fall-back day", async () => {
    const spring = parseJsonLine(await scheduleCli(["berlin_two_am", "--count", "3", "--from", "2024-03-30", "--json"]), ScheduleJson);
    expect(spring.intervals.map((i) => i.ds)).toEqual(["2024-03-30", "2024-03-31", "2024-04-01"]);
    expect(spring.intervals.map((i) => i.start)).toEqual([
      "2024-03-30T01:00:00.000Z",
      // 02:00 does not exist that day; the run happens once, at the first instant after the gap.
      "2024-03-31T01:00:00.000Z",
      "2024-04-01T00:00:00.000Z",
    ]);
    const autumn = parseJsonLine(await scheduleCli(["berlin_two_am", "--count", "3", "--from", "2024-10-26", "--json"]), ScheduleJson);
    expect(autumn.intervals.map((i) => i.ds)).toEqual(["2024-10-26", "2024-10-27", "2024-10-28"]);
    expect(autumn.intervals.map((i) => i.start)).toEqual(["2024-10-26T00:00:00.000Z", "2024-10-27T00:00:00.000Z", "2024-10-28T01:00:00.000Z"]);
    // The fall-back day is 25 hours long.
    expect(Date.parse(autumn.intervals[1]?.end ?? "") - Date.parse(autumn.intervals[1]?.start ?? "")).toBe(25 * HOUR);
  });

  it("0 0 1,31 * *: 1 March follows 1 February (February has no 31st)", async () => {
    const out = parseJsonLine(await scheduleCli(["month_ends", "--count", "4", "--from", "2024-01-30", "--json"]), ScheduleJson);
    expect(out.intervals.map((i) => [i.start, i.end])).toEqual([
      ["2024-01-31T00:00:00.000Z", "2024-02-01T00:00:00.000Z"],
      ["2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"],
      ["2024-03-01T00:00:00.000Z", "2024-03-31T00:00:00.000Z"],
      ["2024-03-31T00:00:00.000Z", "2024-04-01T00:00:00.000Z"],
    ]);
  });

  it("30 2,4 * * * in Europe/Berlin: 02:30 runs at 03:00 on the spring-forward day and once on the fall-back day", async () => {
    const spring = parseJsonLine(await scheduleCli(["berlin_half_past", "--count", "2", "--from", "2024-03-31", "--json"]), ScheduleJson);
    expect(spring.intervals.map((i) => i.start)).toEqual(["2024-03-31T01:00:00.000Z", "2024-03-31T02:30:00.000Z"]);
    const autumn = await scheduleCli(["berlin_half_past", "--count", "2", "--from", "2024-10-27"]);
    expect(autumn.code, autumn.stderr).toBe(0);
    // Wall times carry their offset, so no interval reads as 02:30 -> 02:30.
    expect(autumn.stdout).toContain("2024-10-27 02:30:00 +02:00");
    expect(autumn.stdout).toContain("2024-10-27 04:30:00 +01:00");
    expect(autumn.stdout).not.toContain("2024-10-27 02:30:00 +01:00");
  });

  it("exits 2 for a DAG without a time schedule", async () => {
    const result = await scheduleCli(["manual_only", "--json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/schedule/);
  });
});

describe("tributary runs list", () => {
  it("lists the run a trigger created", async () => {
    const empty = parseJsonLine(await cli(["runs", "list", "manual_only", "--db", folder.db, "--json"]), RunsJson);
    expect(empty.runs).toEqual([]);

    const triggered = parseJsonLine(await cliAt(["trigger", "manual_only", "--logical-date", "2024-05-01", "--json"]), TriggerJson);
    const out = parseJsonLine(await cli(["runs", "list", "manual_only", "--db", folder.db, "--json"]), RunsJson);
    expect(out.dagId).toBe("manual_only");
    expect(out.runs).toHaveLength(1);
    expect(out.runs[0]).toMatchObject({
      runId: triggered.runId,
      runType: "manual",
      state: "queued",
      logicalDate: "2024-05-01T00:00:00.000Z",
      dataIntervalStart: "2024-05-01T00:00:00.000Z",
      dataIntervalEnd: "2024-05-02T00:00:00.000Z",
      startedAt: null,
      endedAt: null,
    });
    const queued = parseJsonLine(await cli(["runs", "list", "manual_only", "--state", "queued", "--db", folder.db, "--json"]), RunsJson);
    expect(queued.runs).toHaveLength(1);
    const finished = parseJsonLine(await cli(["runs", "list", "manual_only", "--state", "success", "--db", folder.db, "--json"]), RunsJson);
    expect(finished.runs).toEqual([]);

    const badState = await cli(["runs", "list", "manual_only", "--state", "done", "--db", folder.db]);
    expect(badState.code).toBe(2);
    expect(badState.stderr).toContain("done");
  });
});

// ---------------------------------------------------------------------------------------------
// dags pause / unpause, pools

describe("tributary dags pause|unpause", () => {
  it("stores the paused flag, recording a DAG the store had not seen", async () => {
    const paused = await cliAt(["dags", "pause", "backfill_noop"]);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toContain("paused");
    const store = await folder.openStore();
    expect(await store.getDag("backfill_noop")).toMatchObject({ dagId: "backfill_noop", isPaused: true });

    const unpaused = await cliAt(["dags", "unpause", "backfill_noop"]);
    expect(unpaused.code, unpaused.stderr).toBe(0);
    expect((await store.getDag("backfill_noop"))?.isPaused).toBe(false);

    // Only the named DAG was recorded.
    expect((await store.listDags()).map((d) => d.dagId)).toEqual(["backfill_noop"]);
  });

  it("exits 2 for an unknown DAG or a missing id", async () => {
    const unknown = await cliAt(["dags", "pause", "no_such_dag"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no_such_dag");
    const missing = await cliAt(["dags", "pause"]);
    expect(missing.code).toBe(2);
  });
});

describe("tributary pools", () => {
  it("sets, lists, updates and deletes pools", async () => {
    const empty = parseJsonLine(await cli(["pools", "list", "--db", folder.db, "--json"]), PoolsJson);
    expect(empty.pools).toEqual([]);

    expect((await cli(["pools", "set", "warehouse", "3", "--description", "the warehouse", "--db", folder.db])).code).toBe(0);
    expect((await cli(["pools", "set", "api", "1", "--db", folder.db])).code).toBe(0);
    const listed = parseJsonLine(await cli(["pools", "list", "--db", folder.db, "--json"]), PoolsJson);
    expect([...listed.pools].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "api", slots: 1, description: null },
      { name: "warehouse", slots: 3, description: "the warehouse" },
    ]);

    expect((await cli(["pools", "set", "warehouse", "5", "--db", folder.db])).code).toBe(0);
    const updated = parseJsonLine(await cli(["pools", "list", "--db", folder.db, "--json"]), PoolsJson);
    expect(updated.pools.find((p) => p.name === "warehouse")?.slots).toBe(5);

    const deleted = await cli(["pools", "delete", "api", "--db", folder.db]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const after = parseJsonLine(await cli(["pools", "list", "--db", folder.db, "--json"]), PoolsJson);
    expect(after.pools.map((p) => p.name)).toEqual(["warehouse"]);
    const store = await folder.openStore();
    expect((await store.listPools()).map((p) => [p.name, p.slots])).toEqual([["warehouse", 5]]);
  });

  it("exits 2 for bad slots, a bad name, or deleting an unknown pool", async () => {
    const badSlots = await cli(["pools", "set", "warehouse", "1.5", "--db", folder.db]);
    expect(badSlots.code).toBe(2);
    expect(badSlots.stderr).toContain("slots");
    const negative = await cli(["pools", "set", "warehouse", "--db", folder.db, "--", "-1"]);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain("slots");
    const badName = await cli(["pools", "set", "1bad name", "2", "--db", folder.db]);
    expect(badName.code).toBe(2);
    const unknown = await cli(["pools", "delete", "nope", "--db", folder.db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("nope");
  });
});

// ---------------------------------------------------------------------------------------------
// The command line itself

describe("tributary (commands and help)", () => {
  it("exits 2 for an unknown command, printing the usage", async () => {
    const result = await cli(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain("tributary backfill");
  });

  it("exits 2 for an unknown flag", async () => {
    const result = await cliAt(["trigger", "manual_only", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bogus");
  });

  it("--help exits 0 and lists the commands", async () => {
    const result = await cli(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["start", "trigger", "backfill", "schedule", "runs list", "dags", "pools"]) {
      expect(result.stdout).toContain(`tributary ${command}`);
    }
  });

  it("help backfill and backfill --help print the backfill usage", async () => {
    const help = await cli(["help", "backfill"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^tributary backfill <dagId> --from <date> --to <date>/);
    expect(help.stdout).toContain("--reprocess skip|failed|all");
    expect(help.stdout).toContain("--dry-run");
    expect(help.stdout).not.toContain("tributary trigger");
    const flag = await cli(["backfill", "--help"]);
    expect(flag.code).toBe(0);
    expect(flag.stdout).toBe(help.stdout);
  });
});

describe("the DAG folder and the store", () => {
  it("come from tributary.config.ts in the current folder when --dags is absent", async () => {
    const dsl = pathToFileURL(join(ROOT, "src", "dsl", "index.js")).href;
    mkdirSync(join(folder.dir, "my-dags"));
    writeFileSync(
      join(folder.dir, "my-dags", "configured.ts"),
      `import { dag } from ${JSON.stringify(dsl)};\n` +
        `export default dag("configured_dag", { schedule: "@hourly", startDate: "2024-01-01" }, (d) => {\n` +
        `  d.task("only", () => null);\n});\n`,
    );
    writeFileSync(join(folder.dir, "tributary.config.ts"), `export default { dags: "./my-dags", db: "./state/configured.db" };\n`);
    mkdirSync(join(folder.dir, "state"));

    const schedule = parseJsonLine(await cli(["schedule", "configured_dag", "--count", "2", "--from", "2024-01-01", "--json"]), ScheduleJson);
    expect(schedule.intervals.map((i) => i.start)).toEqual(["2024-01-01T00:00:00.000Z", "2024-01-01T01:00:00.000Z"]);

    const triggered = parseJsonLine(await cli(["trigger", "configured_dag", "--logical-date", "2024-01-01T05:30:00Z", "--json"]), TriggerJson);
    // A manual run of an hourly DAG covers the hour that contains its logical date.
    expect(triggered.logicalDate).toBe("2024-01-01T05:00:00.000Z");
    const runs = parseJsonLine(await cli(["runs", "list", "configured_dag", "--json"]), RunsJson);
    expect(runs.runs.map((r) => r.runId)).toEqual([triggered.runId]);
    const store = await folder.openStore(join(folder.dir, "state", "configured.db"));
    expect((await store.getRun(triggered.runId))?.dagId).toBe("configured_dag");

    // The fixture folder's DAGs are not in the configured folder; --dags still wins over the config.
    const missing = await cli(["schedule", "manual_only"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("configured_dag");
    const flag = await cli(["schedule", "berlin_six_am", "--dags", FIXTURES, "--count", "1", "--from", "2024-01-01", "--json"]);
    expect(parseJsonLine(flag, ScheduleJson).intervals).toHaveLength(1);
  });

  it("default to ./dags when there is no config and no --dags", async () => {
    const result = await cli(["schedule", "anything"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(folder.dir, "dags"));
  });
});
