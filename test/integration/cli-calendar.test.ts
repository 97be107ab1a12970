/**
 * DAG calendars through the real command line (`node bin/tributary.js`, built by `npm run build`):
 * `tributary schedule` shows the calendar and marks excluded days, `backfill --dry-run` lists them
 * as excluded, a backfill creates runs for allowed days only, and a bad calendar is refused when
 * the DAG loads, naming the DAG and the field.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runBuiltCli, useCliFolder, type CliResult } from "../support/built-cli.js";

const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURES = resolve(import.meta.dirname, "../fixtures/calendar-dags");
const folder = useCliFolder("tributary-cli-calendar-");

function cli(args: readonly string[]): Promise<CliResult> {
  return runBuiltCli([...args, "--dags", FIXTURES], folder.dir);
}

function json<T>(result: CliResult, schema: z.ZodType<T>): T {
  expect(result.code, `exit code; stderr:\n${result.stderr}`).toBe(0);
  return schema.parse(JSON.parse(result.stdout.trim()));
}

const Excluded = z.object({ ds: z.string(), reason: z.enum(["listed", "not a business day"]), shiftedTo: z.string().nullable() });
const ScheduleJson = z.object({
  calendar: z.object({ exclude: z.array(z.string()), businessDays: z.string().optional(), onExcluded: z.enum(["skip", "shift"]) }),
  intervals: z.array(z.object({ ds: z.string(), start: z.string(), end: z.string() })),
  excluded: z.array(Excluded.extend({ tick: z.string(), action: z.enum(["skip", "shift"]) })),
});
const DryRunJson = z.object({
  total: z.number(),
  intervals: z.array(z.object({ ds: z.string(), start: z.string(), end: z.string(), action: z.string() })),
  excluded: z.array(Excluded.extend({ tick: z.string(), action: z.literal("excluded") })),
});

describe("tributary schedule with a calendar", () => {
  it("lists the runs of allowed days and marks the excluded ones (skip)", async () => {
    const out = json(await cli(["schedule", "holiday_report", "--from", "2024-12-20", "--count", "4", "--json"]), ScheduleJson);
    expect(out.calendar).toEqual({ exclude: ["2024-12-25", "2024-12-26"], businessDays: "Mon-Fri", onExcluded: "skip" });
    expect(out.intervals.map((i) => i.ds)).toEqual(["2024-12-20", "2024-12-23", "2024-12-24", "2024-12-27"]);
    // Skipping keeps each run's own interval: Friday's ends on Saturday, not on Monday.
    expect(out.intervals[0]).toMatchObject({ start: "2024-12-20T05:00:00.000Z", end: "2024-12-21T05:00:00.000Z" });
    expect(out.excluded.map((e) => [e.ds, e.reason, e.action])).toEqual([
      ["2024-12-21", "not a business day", "skip"],
      ["2024-12-22", "not a business day", "skip"],
      ["2024-12-25", "listed", "skip"],
      ["2024-12-26", "listed", "skip"],
    ]);

    const text = await cli(["schedule", "holiday_report", "--from", "2024-12-20", "--count", "4"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("holiday_report: 0 6 * * * (Europe/Berlin)\ncalendar: Mon-Fri, except 2024-12-25, 2024-12-26 (excluded days are skipped)");
    expect(text.stdout).toMatch(/2024-12-25 +2024-12-25 06:00:00 \+01:00 +- +- +excluded \(listed\): no run/);
    expect(text.stdout).toMatch(/2024-12-21 +2024-12-21 06:00:00 \+01:00 +- +- +excluded \(not a business day\): no run/);
  });

  it("shows where shifted ticks go, and the intervals still tile time (shift)", async () => {
    const out = json(await cli(["schedule", "month_start_report", "--from", "2024-08-01", "--count", "3", "--json"]), ScheduleJson);
    expect(out.intervals.map((i) => [i.start, i.end])).toEqual([
      ["2024-08-01T06:00:00.000Z", "2024-09-02T06:00:00.000Z"],
      ["2024-09-02T06:00:00.000Z", "2024-10-01T06:00:00.000Z"],
      ["2024-10-01T06:00:00.000Z", "2024-11-01T06:00:00.000Z"],
    ]);
    expect(out.excluded).toEqual([
      { tick: "2024-09-01T06:00:00.000Z", ds: "2024-09-01", reason: "not a business day", action: "shift", shiftedTo: "2024-09-02T06:00:00.000Z" },
    ]);
    const text = await cli(["schedule", "month_start_report", "--from", "2024-08-01", "--count", "3"]);
    expect(text.stdout).toMatch(/excluded \(not a business day\): shifted to 2024-09-02 06:00:00 \+00:00/);
    expect(text.stdout).toMatch(/2024-09-02 .*includes ticks shifted from 2024-09-01/);
  });
});

describe("tributary backfill with a calendar", () => {
  it("--dry-run lists the excluded days, and the backfill creates runs for the allowed days only", async () => {
    const range = ["--from", "2024-12-23", "--to", "2024-12-27"];
    const plan = json(await cli(["backfill", "holiday_report", ...range, "--dry-run", "--json", "--db", folder.db]), DryRunJson);
    expect(plan.total).toBe(3);
    expect(plan.intervals.map((i) => [i.ds, i.action])).toEqual([["2024-12-23", "create"], ["2024-12-24", "create"], ["2024-12-27", "create"]]);
    expect(plan.excluded.map((e) => [e.ds, e.reason])).toEqual([["2024-12-25", "listed"], ["2024-12-26", "listed"]]);

    const text = await cli(["backfill", "holiday_report", ...range, "--dry-run", "--db", folder.db]);
    expect(text.stdout).toMatch(/2024-12-25 .*excluded \(listed\)/);
    expect(text.stdout).toContain("3 interval(s), 2 schedule tick(s) excluded by the calendar; nothing was created (dry run)");

    const run = await cli(["backfill", "holiday_report", ...range, "--json", "--db", folder.db]);
    expect(run.code, run.stderr).toBe(0);
    const store = await folder.openStore();
    const runs = await store.listRuns({ dagId: "holiday_report", limit: 100 });
    expect(runs.map((r) => r.logicalDate.toISOString()).sort()).toEqual([
      "2024-12-23T05:00:00.000Z",
      "2024-12-24T05:00:00.000Z",
      "2024-12-27T05:00:00.000Z",
    ]);
    expect(runs.every((r) => r.state === "success" && r.runType === "backfill")).toBe(true);
  });
});

describe("a bad calendar", () => {
  it("is an error when the DAG loads, naming the DAG and the field", async () => {
    const dags = join(folder.dir, "dags");
    mkdirSync(dags);
    const dsl = pathToFileURL(join(ROOT, "src", "dsl", "index.js")).href;
    writeFileSync(
      join(dags, "bad.ts"),
      `import { dag } from ${JSON.stringify(dsl)};\n` +
        `export default dag("bad_calendar", { schedule: "@daily", calendar: { exclude: ["2024-12-25", "2024-12-32"] } }, (d) => {\n` +
        `  d.task("t", () => null);\n});\n`,
    );
    const result = await runBuiltCli(["dags", "check", "--dags", dags], folder.dir);
    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain('bad.ts, DAG "bad_calendar", field "calendar.exclude[1]": calendar.exclude[1] is not a date: "2024-12-32"');
  });
});
