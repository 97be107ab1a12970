// Tries sharing task processes (a pool with fewer processes than slots): they really run side by
// side in one process, keep their own logs and unhandled rejections, and when one of them takes
// the process down, its neighbours fail as crashed with a message naming the culprit.
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultProcessCount, TaskProcessPool } from "../../../src/worker/process-pool.js";
import type { LogLine, TaskRunOutcome, TaskRunRequest } from "../../../src/worker/task-protocol.js";
import { logSink, request } from "./pool-helpers.js";

const SHARING = fileURLToPath(new URL("./fixtures/sharing.ts", import.meta.url));
const CULPRITS = fileURLToPath(new URL("./fixtures/culprits.ts", import.meta.url));
const GRACE_MS = 200;

function sharing(taskId: string, overrides: Partial<TaskRunRequest> = {}): TaskRunRequest {
  return request("sharing.ts", "sharing", taskId, { file: SHARING, ...overrides });
}

function culprit(taskId: string, overrides: Partial<TaskRunRequest> = {}): TaskRunRequest {
  return request("culprits.ts", "culprits", taskId, { file: CULPRITS, ...overrides });
}

function failure(outcome: TaskRunOutcome): { kind: string; message: string; stack?: string } {
  if (outcome.ok) throw new Error(`expected a failed try, got ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

interface Waited {
  readonly pid: number;
  readonly start: number;
  readonly end: number;
}

function waited(outcome: TaskRunOutcome): Waited {
  if (!outcome.ok) throw new Error(`expected a successful try, got ${outcome.error.kind}: ${outcome.error.message}`);
  return outcome.result as Waited;
}

describe("TaskProcessPool: tries sharing one process", () => {
  let pool: TaskProcessPool;
  beforeAll(async () => {
    pool = new TaskProcessPool({ size: 4, processes: 1, killGraceMs: GRACE_MS });
    await pool.warmUp([SHARING, CULPRITS]);
  });
  afterAll(() => pool.close());

  /** The pid of the (single) task process, from a try that returns at once. */
  const currentPid = async (): Promise<number> => waited(await pool.run(sharing("wait", { params: { ms: 0 } }), () => undefined)).pid;

  it("runs several tries at once in one process", async () => {
    expect(pool.processCount).toBe(1);
    const running = [1, 2, 3, 4].map((tryNumber) => pool.run(sharing("wait", { tryNumber, params: { ms: 300 } }), () => undefined));
    expect(pool.idle).toBe(0);
    const results = (await Promise.all(running)).map(waited);

    const pids = new Set(results.map((result) => result.pid));
    expect(pids.size).toBe(1);
    expect(pids.has(process.pid)).toBe(false);
    // Every try started before any of them ended: they overlapped, rather than queued. (Read from
    // the tries' own clocks: the test's wall time, which a loaded machine stretches, proves nothing.)
    expect(Math.max(...results.map((result) => result.start))).toBeLessThan(Math.min(...results.map((result) => result.end)));
    expect(pool.idle).toBe(4);
  });

  it("gives each try only its own console, ctx.log and stdout lines, in order", async () => {
    const sinks = { A: logSink(), B: logSink() };
    const outcomes = await Promise.all(
      (["A", "B"] as const).map((name) => pool.run(sharing("chatter", { params: { name, pause: 15 } }), sinks[name].onLog)),
    );
    expect(outcomes).toEqual([
      { ok: true, result: "A", emitted: [] },
      { ok: true, result: "B", emitted: [] },
    ]);
    const expected = (name: string) =>
      [1, 2, 3].flatMap((round) => [
        { stream: "stdout", message: `${name} console ${round}` },
        { stream: "log", message: `${name} ctx.log ${round}` },
        { stream: "stdout", message: `${name} partial ${name} write ${round}` },
      ]);
    const streamsAndMessages = (lines: LogLine[]) => lines.map(({ stream, message }) => ({ stream, message }));
    expect(streamsAndMessages(sinks.A.lines)).toEqual(expected("A"));
    expect(streamsAndMessages(sinks.B.lines)).toEqual(expected("B"));
    // The two tries wrote at the same time (so the test would see lines charged to the wrong try).
    const times = (lines: LogLine[]) => lines.map((line) => line.at).sort();
    expect(times(sinks.A.lines)[0]! <= times(sinks.B.lines).at(-1)!).toBe(true);
    expect(times(sinks.B.lines)[0]! <= times(sinks.A.lines).at(-1)!).toBe(true);
  });

  it("fails only the try that leaves a promise rejection unhandled", async () => {
    const pid = await currentPid();
    const rejecterLog = logSink();
    const neighbourLog = logSink();
    const [rejecter, neighbour] = await Promise.all([
      pool.run(sharing("rejects_later"), rejecterLog.onLog),
      pool.run(sharing("wait", { params: { ms: 300 } }), neighbourLog.onLog),
    ]);
    expect(failure(rejecter)).toMatchObject({ kind: "error", message: "unhandled promise rejection: late rejection" });
    expect(waited(neighbour).pid).toBe(pid);
    expect(neighbourLog.messages()).toEqual([]);
    expect(rejecterLog.messages()).toEqual([]);
    // The process survived.
    expect(await currentPid()).toBe(pid);
  });

  it("cancels one try through its signal and leaves its neighbour running", async () => {
    const pid = await currentPid();
    const controller = new AbortController();
    const ended: string[] = [];
    // Cancelled once it runs (it logs "waiting" as it starts), while its neighbour still waits.
    const cancelOnceRunning = (line: LogLine) => {
      if (line.message === "waiting") controller.abort("stop this one");
    };
    const [cancelled, neighbour] = await Promise.all([
      pool.run(sharing("honours_signal"), cancelOnceRunning, controller.signal).finally(() => ended.push("cancelled")),
      pool.run(sharing("wait", { params: { ms: 300 } }), () => undefined).finally(() => ended.push("neighbour")),
    ]);
    expect(failure(cancelled)).toEqual({ kind: "error", message: "the try was cancelled: stop this one" });
    expect(waited(neighbour).pid).toBe(pid);
    // The cancelled try ended when cancelled, not when its process had nothing else to do.
    expect(ended).toEqual(["cancelled", "neighbour"]);
  });

  it("fails every try of a process that an uncaught exception took down, naming the culprit, then starts another", async () => {
    const pid = await currentPid();
    const [thrower, neighbour] = await Promise.all([
      pool.run(sharing("throws_later", { tryNumber: 2 }), () => undefined),
      pool.run(sharing("wait", { params: { ms: 3_000 } }), () => undefined),
    ]);
    const thrown = failure(thrower);
    expect(thrown.kind).toBe("crash");
    expect(thrown.message).toMatch(/^uncaught exception: boom \(the task process exited with code \d+/);
    expect(thrown.message).not.toContain("did nothing wrong");
    const collateral = failure(neighbour);
    expect(collateral.kind).toBe("lost");
    expect(collateral.message).toContain("sharing.throws_later try 2");
    expect(collateral.message).toContain("boom");
    expect(collateral.message).toContain("did nothing wrong");

    const replacement = await currentPid();
    expect(replacement).not.toBe(pid);
    expect(pool.processCount).toBe(1);
  });

  it("kills a shared process whose try ignores its timeout, and tells its neighbour why", async () => {
    const started = Date.now();
    const [ignorer, neighbour] = await Promise.all([
      pool.run(sharing("ignores_signal", { timeoutMs: 150 }), () => undefined),
      pool.run(sharing("wait", { params: { ms: 3_000 } }), () => undefined),
    ]);
    const elapsed = Date.now() - started;
    expect(failure(ignorer)).toEqual({
      kind: "timeout",
      message: "timed out after 150ms; the task ignored its abort signal (ctx.signal) for 200ms, so its process was killed",
    });
    const collateral = failure(neighbour);
    expect(collateral.kind).toBe("lost");
    expect(collateral.message).toContain("sharing.ignores_signal try 1 ignored its abort signal");
    expect(collateral.message).toContain("did nothing wrong");
    expect(elapsed).toBeGreaterThanOrEqual(150 + GRACE_MS - 5);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe("TaskProcessPool: blame among tries of two DAGs sharing one process", () => {
  let pool: TaskProcessPool;
  beforeAll(async () => {
    // A grace of three seconds: the spinner below starts after its neighbour, later still on a
    // loaded machine, and must time out before the neighbour's grace ends. With 200 ms, and then
    // with 1 s, it came too late under the whole suite's load on 2 cores (the spinner was then
    // killed for blocking before its own timeout: "crash", 2026-12-07 CI).
    pool = new TaskProcessPool({ size: 3, processes: 1, killGraceMs: 3_000 });
    await pool.warmUp([SHARING, CULPRITS]);
  });
  afterAll(() => pool.close());

  it("process.exit in one try: that try says it exited the process, its neighbours were lost to it", async () => {
    const [exiter, first, second] = await Promise.all([
      pool.run(culprit("exits", { tryNumber: 2 }), () => undefined),
      pool.run(sharing("wait", { params: { ms: 3_000 } }), () => undefined),
      pool.run(sharing("honours_signal", { timeoutMs: 5_000 }), () => undefined),
    ]);
    expect(failure(exiter)).toMatchObject({ kind: "crash" });
    expect(failure(exiter).message).toMatch(/^the task called process\.exit\(1\), which ended its task process/);
    for (const neighbour of [first, second]) {
      expect(failure(neighbour).kind).toBe("lost");
      expect(failure(neighbour).message).toMatch(/^the task process it shared was ended by process\.exit\(1\) in culprits\.exits try 2; this try did nothing wrong/);
    }
  });

  it("a CPU-bound try that ignores its timeout is blamed for the kill, not the neighbour whose timeout came first", async () => {
    // A process that has loaded both DAG files, so that both tries start at once.
    await pool.warmUp([SHARING, CULPRITS]);
    // The neighbour times out first and would honour its signal, but the spinning try keeps the
    // process from reading it. Ordered by construction, not by timing: the spinner's start message
    // is sent once the neighbour runs, before the neighbour's abort message (one ordered IPC
    // channel) unless the machine stalls the test for 2 s, and the spinner blocks the process from
    // its first line. The spinner times out too (2,100 ms after its start) before the neighbour's
    // grace is over (2,000 + 3,000 ms after the neighbour's) and the kill comes.
    let neighbourRunning!: () => void;
    const running = new Promise<void>((resolve) => (neighbourRunning = resolve));
    const neighbour = pool.run(sharing("honours_signal", { timeoutMs: 2_000 }), (line) => {
      if (line.message === "waiting") neighbourRunning();
    });
    await running;
    const spinner = await pool.run(culprit("spins", { timeoutMs: 2_100 }), () => undefined);
    const blamed = failure(spinner);
    expect(blamed.kind).toBe("timeout");
    expect(blamed.message).toMatch(/^timed out after 2.10s; the task ignored its abort signal \(ctx\.signal\) and kept the task process busy, so its process was killed/);
    const innocent = failure(await neighbour);
    expect(innocent.kind).toBe("lost");
    expect(innocent.message).toContain("culprits.spins try 1");
    expect(innocent.message).toContain("did nothing wrong");
  });
});

describe("TaskProcessPool: one try per process", () => {
  let pool: TaskProcessPool;
  beforeAll(async () => {
    pool = new TaskProcessPool({ size: 2, processes: 2, killGraceMs: GRACE_MS });
    await pool.warmUp([SHARING]);
  });
  afterAll(() => pool.close());

  it("runs concurrent tries in separate processes, so a crash fails only its own try", async () => {
    expect(pool.processCount).toBe(2);
    const pair = await Promise.all([1, 2].map(() => pool.run(sharing("wait", { params: { ms: 100 } }), () => undefined)));
    expect(new Set(pair.map((outcome) => waited(outcome).pid)).size).toBe(2);

    const [thrower, neighbour] = await Promise.all([
      pool.run(sharing("throws_later"), () => undefined),
      pool.run(sharing("wait", { params: { ms: 300 } }), () => undefined),
    ]);
    expect(failure(thrower).kind).toBe("crash");
    expect(failure(thrower).message).toMatch(/^uncaught exception: boom/);
    expect(neighbour.ok).toBe(true);
  });
});

describe("defaultProcessCount", () => {
  it("takes TRIBUTARY_TASK_PROCESSES, up to the pool's size", () => {
    expect(defaultProcessCount(10, { TRIBUTARY_TASK_PROCESSES: "3" })).toBe(3);
    expect(defaultProcessCount(2, { TRIBUTARY_TASK_PROCESSES: "3" })).toBe(2);
    expect(defaultProcessCount(10, { TRIBUTARY_TASK_PROCESSES: "1" })).toBe(1);
  });

  it.each(["0", "x", "-2", "1.5"])("rejects TRIBUTARY_TASK_PROCESSES=%j", (value) => {
    expect(() => defaultProcessCount(4, { TRIBUTARY_TASK_PROCESSES: value })).toThrow(RangeError);
    expect(() => defaultProcessCount(4, { TRIBUTARY_TASK_PROCESSES: value })).toThrow(/TRIBUTARY_TASK_PROCESSES/);
  });

  it("defaults to the size, up to twice the cores and at least 2", () => {
    const cap = Math.max(2, 2 * availableParallelism());
    expect(defaultProcessCount(1, {})).toBe(1);
    expect(defaultProcessCount(2, {})).toBe(2);
    expect(defaultProcessCount(1_000, {})).toBe(cap);
    expect(defaultProcessCount(1_000, { TRIBUTARY_TASK_PROCESSES: "" })).toBe(cap);
  });

  it("caps a pool's processes at its size", () => {
    expect(new TaskProcessPool({ size: 4, processes: 8 }).processCount).toBe(4);
    expect(new TaskProcessPool({ size: 4, processes: 1 }).processCount).toBe(1);
    expect(() => new TaskProcessPool({ size: 4, processes: 0 })).toThrow(RangeError);
  });
});
