// Tries that time out or take their process down fail alone; the pool goes on with new processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskProcessPool } from "../../../src/worker/process-pool.js";
import type { TaskRunOutcome } from "../../../src/worker/task-protocol.js";
import { fixture, HONOUR_GRACE_MS, logSink, request } from "./pool-helpers.js";

const TIMEOUT_MS = 200;
const GRACE_MS = HONOUR_GRACE_MS;

function failure(outcome: TaskRunOutcome): { kind: string; message: string; stack?: string } {
  if (outcome.ok) throw new Error(`expected a failed try, got ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

describe("TaskProcessPool: timeouts and crashes", () => {
  let pool: TaskProcessPool;
  beforeAll(async () => {
    pool = new TaskProcessPool({ size: 2, killGraceMs: GRACE_MS });
    await pool.warmUp([fixture("basics.ts"), fixture("shell.ts"), fixture("misbehaving.ts"), fixture("branching.ts")]);
  });
  afterAll(() => pool.close());

  const pidOfNextTry = async (): Promise<number> => {
    const outcome = await pool.run(request("basics.ts", "basics", "pid"), () => undefined);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.result as number;
  };

  it("fails a task that honours its signal with a timeout, and keeps its process", async () => {
    const sink = logSink();
    const started = Date.now();
    const outcome = await pool.run(request("misbehaving.ts", "misbehaving", "honours_signal", { timeoutMs: TIMEOUT_MS }), sink.onLog);
    const elapsed = Date.now() - started;
    expect(failure(outcome)).toEqual({ kind: "timeout", message: "timed out after 200ms" });
    expect(sink.messages()).toEqual(["waiting"]);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + GRACE_MS);
  });

  it.each(["busy_loop", "never_resolves"])("kills the process of a task that ignores its signal (%s)", async (taskId) => {
    const started = Date.now();
    const outcome = await pool.run(request("misbehaving.ts", "misbehaving", taskId, { timeoutMs: TIMEOUT_MS }), () => undefined);
    const elapsed = Date.now() - started;
    const error = failure(outcome);
    expect(error.kind).toBe("timeout");
    expect(error.message).toBe(
      "timed out after 200ms; the task ignored its abort signal (ctx.signal) for 1s, so its process was killed",
    );
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS + GRACE_MS - 5);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + GRACE_MS + 2_000);
    await expect(pidOfNextTry()).resolves.toBeGreaterThan(0);
  });

  it("reports process.exit as a crash with the exit code and the last stderr lines, then runs the next try", async () => {
    const outcome = await pool.run(request("misbehaving.ts", "misbehaving", "exits"), () => undefined);
    const error = failure(outcome);
    expect(error.kind).toBe("crash");
    expect(error.message).toContain("the task called process.exit(3), which ended its task process");
    expect(error.message).toContain("going down");
    const after = await pool.run(request("basics.ts", "basics", "add", { inputs: { a: 1, b: { n: 1 } } }), () => undefined);
    expect(after).toEqual({ ok: true, result: { sum: 2 }, emitted: [] });
  });

  it("reports an asynchronous uncaught exception as a crash naming the error", async () => {
    const error = failure(await pool.run(request("misbehaving.ts", "misbehaving", "async_throw"), () => undefined));
    expect(error.kind).toBe("crash");
    expect(error.message).toMatch(/^uncaught exception: async boom \(the task process exited with code \d+/);
    expect(error.stack).toContain("misbehaving.ts");
  });

  it("fails a try that leaves a promise rejection unhandled", async () => {
    const error = failure(await pool.run(request("misbehaving.ts", "misbehaving", "unhandled_rejection"), () => undefined));
    expect(error.kind).toBe("error");
    expect(error.message).toBe("unhandled promise rejection: forgot to await");
  });

  it("keeps other tries running while one crashes", async () => {
    const [slow, crashed] = await Promise.all([
      pool.run(request("basics.ts", "basics", "sleep300"), () => undefined),
      pool.run(request("misbehaving.ts", "misbehaving", "exits"), () => undefined),
    ]);
    expect(slow.ok).toBe(true);
    expect(failure(crashed).kind).toBe("crash");
  });

  it("cancels a try through the signal passed to run()", async () => {
    // A pool of its own with a long grace: the task honours its signal, and on a loaded machine the
    // round trip (abort message in, rejection out) can outlast the second the other tests give.
    const patient = new TaskProcessPool({ size: 1, killGraceMs: 10_000 });
    try {
      const controller = new AbortController();
      // Cancelled once it runs (it logs "waiting" as it starts), not after a guess at how long that takes.
      const outcome = await patient.run(
        request("misbehaving.ts", "misbehaving", "honours_signal"),
        (line) => {
          if (line.message === "waiting") controller.abort("worker shutting down");
        },
        controller.signal,
      );
      expect(failure(outcome)).toEqual({ kind: "error", message: "the try was cancelled: worker shutting down" });
    } finally {
      await patient.close();
    }
  });
});
