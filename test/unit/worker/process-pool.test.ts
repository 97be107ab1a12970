// The process pool running ordinary tries in real task processes: results, context, logs, datasets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskProcessPool } from "../../../src/worker/process-pool.js";
import { fixture, logSink, request } from "./pool-helpers.js";

describe("TaskProcessPool: running tries", () => {
  let pool: TaskProcessPool;
  beforeAll(async () => {
    pool = new TaskProcessPool({ size: 2, killGraceMs: 200, maxResultBytes: 1_000 });
    await pool.warmUp([fixture("basics.ts"), fixture("shell.ts"), fixture("misbehaving.ts"), fixture("branching.ts")]);
  });
  afterAll(() => pool.close());

  it("hands inputs to the task by name and returns its JSON result", async () => {
    const outcome = await pool.run(request("basics.ts", "basics", "add", { inputs: { a: 1, b: { n: 41 } } }), () => undefined);
    expect(outcome).toEqual({ ok: true, result: { sum: 42 }, emitted: [] });
  });

  it("fills in dataset inputs from the definition", async () => {
    const outcome = await pool.run(request("basics.ts", "basics", "read_dataset", { inputs: { a: 7 } }), () => undefined);
    expect(outcome).toEqual({ ok: true, result: { a: 7, uri: "s3://bucket/sales" }, emitted: [] });
  });

  it("builds the task context from the request", async () => {
    const outcome = await pool.run(
      request("basics.ts", "basics", "context", {
        runId: "scheduled__2024-03-01",
        tryNumber: 3,
        params: { region: "eu" },
        secrets: { API_KEY: "s3cret" },
        logicalDate: "2024-03-01T06:00:00.000Z",
        dataIntervalStart: "2024-03-01T06:00:00.000Z",
        dataIntervalEnd: "2024-03-02T06:00:00.000Z",
      }),
      () => undefined,
    );
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.result).toMatchObject({
      dagId: "basics",
      taskId: "context",
      runId: "scheduled__2024-03-01",
      mapIndex: null,
      ds: "2024-03-01",
      dsNodash: "20240301",
      logicalDate: "2024-03-01T06:00:00.000Z",
      dataInterval: ["2024-03-01T06:00:00.000Z", "2024-03-02T06:00:00.000Z"],
      params: { region: "eu" },
      tryNumber: 3,
      secrets: { API_KEY: "s3cret" },
      aborted: false,
    });
    expect((outcome.result as { pid: number }).pid).not.toBe(process.pid);
  });

  it("captures ctx.log, console and raw writes to stdout and stderr, in order, per try", async () => {
    const sink = logSink();
    const outcome = await pool.run(request("basics.ts", "basics", "logs"), sink.onLog);
    expect(outcome).toEqual({ ok: true, result: "logged", emitted: [] });
    expect(sink.lines.map(({ stream, level, message }) => ({ stream, level, message }))).toEqual([
      { stream: "log", level: "info", message: "one 1" },
      { stream: "stdout", level: "info", message: "two" },
      { stream: "stdout", level: "info", message: "three" },
      { stream: "stdout", level: "info", message: "four" },
      { stream: "stderr", level: "warn", message: "five" },
      { stream: "log", level: "warn", message: "six { k: 'v' }" },
      { stream: "log", level: "debug", message: "seven" },
      { stream: "log", level: "error", message: "eight" },
    ]);
    for (const line of sink.lines) expect(Number.isNaN(Date.parse(line.at))).toBe(false);

    // The next try on the same processes starts with a clean log.
    const next = logSink();
    await pool.run(request("basics.ts", "basics", "noop"), next.onLog);
    expect(next.lines).toEqual([]);
  });

  it("reports the datasets a try emitted", async () => {
    const outcome = await pool.run(request("basics.ts", "basics", "emits"), () => undefined);
    expect(outcome).toEqual({
      ok: true,
      result: null,
      emitted: [
        { uri: "s3://bucket/sales", metadata: { rows: 3, partial: false, note: null } },
        { uri: "file:///tmp/report.csv", metadata: {} },
      ],
    });
  });

  it("turns undefined into null", async () => {
    const outcome = await pool.run(request("basics.ts", "basics", "returns_undefined"), () => undefined);
    expect(outcome).toEqual({ ok: true, result: null, emitted: [] });
  });

  it("reports a thrown error with its message and stack, keeping what was emitted", async () => {
    const outcome = await pool.run(request("basics.ts", "basics", "throws"), () => undefined);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).toBe("error");
    expect(outcome.error.message).toBe("TypeError: boom");
    expect(outcome.error.stack).toContain("basics.ts");
    expect(outcome.error.stack).not.toContain("src/worker/");
    expect(outcome.emitted).toEqual([{ uri: "s3://bucket/sales", metadata: { rows: 1 } }]);
  });

  it.each([
    ["returns_function", /key "callback" is a function/],
    ["returns_bigint", /the result is a bigint/],
    ["returns_cycle", /circular/i],
  ])("fails a try whose result is not JSON (%s)", async (taskId, message) => {
    const outcome = await pool.run(request("basics.ts", "basics", taskId), () => undefined);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).toBe("error");
    expect(outcome.error.message).toMatch(/^the task's result is not JSON: /);
    expect(outcome.error.message).toMatch(message);
  });

  it("refuses a result above maxResultBytes and says where large data belongs", async () => {
    const outcome = await pool.run(request("basics.ts", "basics", "returns_big"), () => undefined);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).toBe("result_too_large");
    expect(outcome.error.message).toContain("above the limit of 1000 B");
    expect(outcome.error.message).toContain("write large data to your own storage");
  });

  it("runs a map task instance on its item, with its map index and inputs", async () => {
    const outcome = await pool.run(
      request("basics.ts", "basics", "double", { mapIndex: 1, item: 20, inputs: { a: 1 } }),
      () => undefined,
    );
    expect(outcome).toEqual({ ok: true, result: { item: 20, doubled: 40, index: 1, a: 1 }, emitted: [] });
  });

  it.each([
    ["id", ["left"]],
    ["ref", ["left"]],
    ["list", ["left", "right"]],
    ["none", []],
  ])("normalises a branch's choice (%s) to a list of task ids", async (shape, expected) => {
    const outcome = await pool.run(request("branching.ts", "branching", "choose", { params: { shape } }), () => undefined);
    expect(outcome).toEqual({ ok: true, result: expected, emitted: [] });
  });

  it("fails a branch that answers with something other than task ids", async () => {
    const outcome = await pool.run(request("branching.ts", "branching", "choose", { params: { shape: "bad" } }), () => undefined);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toContain("a branch must return task ids or task refs");
  });

  it("names the DAG and task it cannot find", async () => {
    const noDag = await pool.run(request("basics.ts", "nope", "add"), () => undefined);
    expect(noDag.ok).toBe(false);
    if (!noDag.ok) {
      expect(noDag.error.kind).toBe("error");
      expect(noDag.error.message).toContain('DAG "nope" is not in');
      expect(noDag.error.message).toContain("DAGs found: basics");
    }
    const noTask = await pool.run(request("basics.ts", "basics", "nope"), () => undefined);
    expect(noTask.ok).toBe(false);
    if (!noTask.ok) expect(noTask.error.message).toContain('task "nope" is not in DAG "basics"');
    const noFile = await pool.run(request("missing.ts", "basics", "add"), () => undefined);
    expect(noFile.ok).toBe(false);
    if (!noFile.ok) expect(noFile.error.message).toContain("cannot read DAG file");
  });
});
