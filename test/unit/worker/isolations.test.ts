// The same tries in every isolation (process, thread, inline), through the runners the worker uses:
// the outcomes are the same; what differs is where the try runs, what it can see, and how a try that
// ignores its timeout is stopped (docs/architecture.md, "Running tasks in isolation").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Isolation } from "../../../src/core/types.js";
import { TaskRunners } from "../../../src/worker/task-runners.js";
import type { LogLine, TaskRunOutcome, TaskRunRequest } from "../../../src/worker/task-protocol.js";
import { fixture, HONOUR_GRACE_MS, logSink, request, SHELL_TIMEOUT_MS } from "./pool-helpers.js";

const TIMEOUT_MS = 200;
const GRACE_MS = HONOUR_GRACE_MS;
const FILES = ["basics.ts", "misbehaving.ts", "shell.ts", "isolation.ts"].map(fixture);
// A variable of the worker's that tasks must not see, unless they run inline in the worker's own process.
process.env["TRIBUTARY_ISOLATION_PROBE"] = "worker-only";

function failure(outcome: TaskRunOutcome): { kind: string; message: string; stack?: string } {
  if (outcome.ok) throw new Error(`expected a failed try, got ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

/** What a try that timed out after `timeout` and ignored its signal for the grace says, by isolation. */
function stopped(isolation: Isolation, timeout = "200ms"): string {
  const ignored = `timed out after ${timeout}; the task ignored its abort signal (ctx.signal) for 1s, so`;
  return {
    process: `${ignored} its process was killed`,
    thread: `${ignored} its thread was terminated`,
    inline: `${ignored} the try was abandoned: an inline task cannot be stopped, and its code may still be running in the worker process`,
  }[isolation];
}
const SHARED_EXIT = "which would end the worker process (or thread) that it shares with other work: the try failed instead";

describe.each<Isolation>(["process", "thread", "inline"])("isolation %s", (isolation) => {
  let runners: TaskRunners;
  beforeAll(async () => {
    runners = new TaskRunners({ size: 2, killGraceMs: GRACE_MS, maxResultBytes: 1_000 });
    await runners.warmUp(FILES, new Set([isolation]));
  });
  afterAll(() => runners.close());

  const run = (
    file: string,
    dagId: string,
    taskId: string,
    overrides: Partial<TaskRunRequest> = {},
    onLog: (line: LogLine) => void = () => undefined,
    signal?: AbortSignal,
  ): Promise<TaskRunOutcome> => runners.run(request(file, dagId, taskId, { ...overrides, isolation }), onLog, signal);

  it("hands inputs to the task by name and returns its JSON result", async () => {
    await expect(run("basics.ts", "basics", "add", { inputs: { a: 1, b: { n: 41 } } })).resolves.toEqual({ ok: true, result: { sum: 42 }, emitted: [] });
  });

  it("runs a sensor's poke with its sensor context, answering { done } until it is done, then { done, value }", async () => {
    const poke = (pokeNumber: number) => ({ poke: { pokeNumber, pokedAt: "2024-03-01T00:00:05.000Z", datasetUpdates: {} } });
    await expect(run("isolation.ts", "isolation", "third_poke", poke(2))).resolves.toEqual({ ok: true, result: { done: false }, emitted: [] });
    await expect(run("isolation.ts", "isolation", "third_poke", poke(3))).resolves.toEqual({
      ok: true,
      result: { done: true, value: { poke: 3, at: "2024-03-01T00:00:05.000Z" } },
      emitted: [],
    });
  });

  it("returns the result as the store keeps it: through JSON", async () => {
    await expect(run("isolation.ts", "isolation", "returns_date")).resolves.toEqual({
      ok: true,
      result: { at: "1970-01-01T00:00:00.000Z", list: [null] },
      emitted: [],
    });
  });

  it("builds ctx from the request: ds, params, run, try, secrets, a map item", async () => {
    const outcome = await run("basics.ts", "basics", "context", {
      runId: "scheduled__2024-03-01",
      tryNumber: 3,
      params: { region: "eu" },
      secrets: { API_KEY: "s3cret" },
      logicalDate: "2024-03-01T06:00:00.000Z",
      dataIntervalStart: "2024-03-01T06:00:00.000Z",
      dataIntervalEnd: "2024-03-02T06:00:00.000Z",
    });
    expect(outcome.ok && outcome.result).toMatchObject({
      runId: "scheduled__2024-03-01",
      ds: "2024-03-01",
      dsNodash: "20240301",
      logicalDate: "2024-03-01T06:00:00.000Z",
      dataInterval: ["2024-03-01T06:00:00.000Z", "2024-03-02T06:00:00.000Z"],
      params: { region: "eu" },
      tryNumber: 3,
      secrets: { API_KEY: "s3cret" },
      aborted: false,
    });
    const mapped = await run("basics.ts", "basics", "double", { mapIndex: 2, item: 4, inputs: { a: 1 } });
    expect(mapped).toEqual({ ok: true, result: { item: 4, doubled: 8, index: 2, a: 1 }, emitted: [] });
  });

  it("captures ctx.log, console and writes to stdout and stderr, in order, in the try's log", async () => {
    const sink = logSink();
    await expect(run("basics.ts", "basics", "logs", {}, sink.onLog)).resolves.toEqual({ ok: true, result: "logged", emitted: [] });
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
  });

  it("fails a try whose task throws, with the error and the datasets emitted before", async () => {
    const error = failure(await run("basics.ts", "basics", "throws"));
    expect(error.kind).toBe("error");
    expect(error.message).toBe("TypeError: boom");
    expect(error.stack).toContain("basics.ts");
    const outcome = await run("basics.ts", "basics", "throws");
    expect(outcome.emitted).toEqual([{ uri: "s3://bucket/sales", metadata: { rows: 1 } }]);
  });

  it("fails a result above the size limit, and one that is not JSON", async () => {
    const big = failure(await run("basics.ts", "basics", "returns_big"));
    expect(big.kind).toBe("result_too_large");
    expect(big.message).toMatch(/^the task's result is 4\.9 KiB of JSON, above the limit of 1000 B: /);
    expect(failure(await run("basics.ts", "basics", "returns_function"))).toEqual({
      kind: "error",
      message: `the task's result is not JSON: key "callback" is a function`,
    });
  });

  it("fails a task that honours its signal at its timeout, with what it logged", async () => {
    const sink = logSink();
    const started = Date.now();
    const outcome = await run("misbehaving.ts", "misbehaving", "honours_signal", { timeoutMs: TIMEOUT_MS }, sink.onLog);
    expect(failure(outcome)).toEqual({ kind: "timeout", message: "timed out after 200ms" });
    expect(sink.messages()).toEqual(["waiting"]);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + GRACE_MS);
  });

  it("stops a task that ignores its signal after the grace period, and runs the next try", async () => {
    const started = Date.now();
    const outcome = await run("misbehaving.ts", "misbehaving", "never_resolves", { timeoutMs: TIMEOUT_MS });
    expect(failure(outcome)).toEqual({ kind: "timeout", message: stopped(isolation) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS + GRACE_MS - 5);
    await expect(run("basics.ts", "basics", "add", { inputs: { a: 1, b: { n: 1 } } })).resolves.toMatchObject({ ok: true, result: { sum: 2 } });
  });

  it("cancels a try through its signal", async () => {
    const controller = new AbortController();
    // Cancelled once the task has started (its first line; it listens right after it: inline, the
    // line comes in before then, hence the timer). A fixed delay from the request could fall while
    // a loaded machine still starts the task, which the grace period then counts as ignoring it.
    const onLog = (line: LogLine) => {
      if (line.message === "waiting") setTimeout(() => controller.abort(new Error("cancelled by an operator")), 20);
    };
    const outcome = await run("misbehaving.ts", "misbehaving", "honours_signal", {}, onLog, controller.signal);
    expect(failure(outcome)).toEqual({ kind: "error", message: "the try was cancelled: cancelled by an operator" });
  });

  it("runs a shell task with its output in the log and its last line as the result", async () => {
    const sink = logSink();
    await expect(run("shell.ts", "shell", "echo", { params: { region: "eu" } }, sink.onLog)).resolves.toEqual({ ok: true, result: "20240301", emitted: [] });
    expect(sink.lines.filter((line) => line.stream === "stderr").map((line) => line.message)).toEqual(["region eu"]);
    // The command gets the task environment, not the worker's, whatever the isolation.
    await expect(run("isolation.ts", "isolation", "env")).resolves.toMatchObject({ ok: true, result: "hidden" });
  });

  it("kills a command that ignores SIGTERM after the grace period", async () => {
    const sink = logSink();
    const outcome = await run("shell.ts", "shell", "trap", { timeoutMs: SHELL_TIMEOUT_MS }, sink.onLog);
    const error = failure(outcome);
    expect(error.kind).toBe("timeout");
    const said = stopped(isolation, "1s");
    const expected = isolation === "inline" ? said.replace("abandoned:", "abandoned (the subprocesses it started were killed):") : said;
    expect(error.message).toBe(expected);
    expect(sink.messages()).toContain("stubborn");
  });

  it("fails a try that calls process.exit as a crash, and goes on", async () => {
    const error = failure(await run("misbehaving.ts", "misbehaving", "exits"));
    expect(error.kind).toBe("crash");
    if (isolation === "process") expect(error.message).toContain("the task called process.exit(3), which ended its task process");
    else expect(error.message).toBe(`the task called process.exit(3), ${SHARED_EXIT} (give the task isolation "process" if it must exit)`);
    // Catching what stopped the exit does not save the try.
    const caught = failure(await run("isolation.ts", "isolation", "exit_caught"));
    expect(caught.kind).toBe("crash");
    await expect(run("basics.ts", "basics", "noop")).resolves.toEqual({ ok: true, result: null, emitted: [] });
  });

  it("runs where its isolation says, seeing the environment it says", async () => {
    const outcome = await run("isolation.ts", "isolation", "where");
    const where = outcome.ok ? (outcome.result as { pid: number; mainThread: boolean; seesWorkerEnv: boolean }) : undefined;
    const expected: Record<Isolation, { samePid: boolean; mainThread: boolean; seesWorkerEnv: boolean }> = {
      process: { samePid: false, mainThread: true, seesWorkerEnv: false },
      thread: { samePid: true, mainThread: false, seesWorkerEnv: false },
      inline: { samePid: true, mainThread: true, seesWorkerEnv: true },
    };
    expect(where && { samePid: where.pid === process.pid, mainThread: where.mainThread, seesWorkerEnv: where.seesWorkerEnv }).toEqual(expected[isolation]);
  });
});

describe.each<Isolation>(["process", "thread"])("isolation %s: what only a stoppable try can do", (isolation) => {
  let runners: TaskRunners;
  beforeAll(async () => {
    runners = new TaskRunners({ size: 1, killGraceMs: GRACE_MS });
    await runners.warmUp(FILES, new Set([isolation]));
  });
  afterAll(() => runners.close());

  it("stops code that never yields", async () => {
    const outcome = await runners.run(request("misbehaving.ts", "misbehaving", "busy_loop", { timeoutMs: TIMEOUT_MS, isolation }), () => undefined);
    expect(failure(outcome)).toEqual({ kind: "timeout", message: stopped(isolation) });
  });

  it("stops a try that returns as its grace runs out, and runs the next try where nothing is being stopped", async () => {
    // The task returns 500 ms after its abort (at 200 ms), within its grace (over at 1,200 ms). Holding
    // the worker's event loop from the abort until past 1,200 ms, as a loaded machine does, makes the
    // grace timer and the task's result wait for the same turn of the loop, whose timers come before
    // its messages: the grace timer stops the try first, then the result it sent before it was
    // stopped arrives. (Held from setImmediate: a timer that expires during another timer's callback
    // waits for the next turn, after the messages.) A runner of its own, warm, so that the timeout is
    // not spent loading the DAG file in a thread or process started for an earlier test's try.
    const warm = new TaskRunners({ size: 1, killGraceMs: GRACE_MS });
    try {
      await warm.warmUp(FILES, new Set([isolation]));
      let held = false;
      const onLog = (): void => {
        const loggedAt = Date.now();
        // Due with the timeout (started just before the log line), and after it: the abort is sent first.
        setTimeout(() => {
          setImmediate(() => {
            while (Date.now() - loggedAt < TIMEOUT_MS + GRACE_MS + 400) {
              // Blocks the event loop, as a loaded machine would.
            }
            held = true;
          });
        }, TIMEOUT_MS);
      };
      const late = request("misbehaving.ts", "misbehaving", "returns_late", { timeoutMs: TIMEOUT_MS, params: { ms: GRACE_MS / 2 }, isolation });
      const outcome = await warm.run(late, onLog);
      expect(held).toBe(true);
      expect(failure(outcome)).toEqual({ kind: "timeout", message: stopped(isolation) });
      await expect(warm.run(request("basics.ts", "basics", "noop", { isolation }), () => undefined)).resolves.toEqual({ ok: true, result: null, emitted: [] });
    } finally {
      await warm.close();
    }
  });

  it("fails a try whose code throws from a callback as a crash, and goes on", async () => {
    const error = failure(await runners.run(request("misbehaving.ts", "misbehaving", "async_throw", { isolation }), () => undefined));
    expect(error.kind).toBe("crash");
    expect(error.message).toContain("uncaught exception");
    expect(error.message).toContain("async boom");
    await expect(runners.run(request("basics.ts", "basics", "noop", { isolation }), () => undefined)).resolves.toMatchObject({ ok: true });
  });

  it("fails a try that leaves an unhandled rejection", async () => {
    const outcome = await runners.run(request("misbehaving.ts", "misbehaving", "unhandled_rejection", { isolation }), () => undefined);
    const error = failure(outcome);
    expect(error.kind).toBe("error");
    expect(error.message).toBe("unhandled promise rejection: forgot to await");
  });
});
