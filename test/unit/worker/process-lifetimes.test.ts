// Nothing a try started outlives it: a task process dies with the process that owns its pool (even
// while its task is CPU-bound), and the subprocesses a function task spawns end with the try on
// timeout, cancellation and a pool closed by a shutdown.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskProcessPool } from "../../../src/worker/process-pool.js";
import type { LogLine, TaskRunOutcome, TaskRunRequest } from "../../../src/worker/task-protocol.js";
import { request } from "./pool-helpers.js";
import { waitFor } from "../../support/wait-for.js";

const LIFETIMES = fileURLToPath(new URL("./fixtures/lifetimes.ts", import.meta.url));
const PARENT = fileURLToPath(new URL("./fixtures/pool-parent.ts", import.meta.url));
const TSX = createRequire(import.meta.url).resolve("tsx");
const GRACE_MS = 200;

function lifetimes(taskId: string, overrides: Partial<TaskRunRequest> = {}): TaskRunRequest {
  return request("lifetimes.ts", "lifetimes", taskId, { file: LIFETIMES, ...overrides });
}

/** Whether a process exists and is not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Collects the pids a try logs as `<word> <pid>`. */
function pidSink(word: string): { onLog: (line: LogLine) => void; pid: () => Promise<number> } {
  let found: number | undefined;
  return {
    onLog: (line) => {
      const match = new RegExp(`^${word} (\\d+)$`).exec(line.message);
      if (match) found = Number(match[1]);
    },
    pid: async () => {
      await waitFor(() => found !== undefined, { timeoutMs: 5_000, what: `a "${word} <pid>" log line` });
      return found ?? 0;
    },
  };
}

function failed(outcome: TaskRunOutcome): { kind: string; message: string } {
  if (outcome.ok) throw new Error("expected a failed try");
  return outcome.error;
}

describe("task processes and the parent that owns their pool", () => {
  it("a task process running a CPU-bound task exits within seconds of a kill -9 of its parent", async () => {
    const parent = spawn(process.execPath, ["--import", TSX, PARENT, "spin"], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    parent.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    await waitFor(() => /pid \d+/.test(output), { timeoutMs: 15_000, what: "the task process's pid" });
    const taskPid = Number(/pid (\d+)/.exec(output)?.[1]);
    // Let the task become CPU-bound (it spins 50 ms after logging its pid).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(running(taskPid)).toBe(true);
    parent.kill("SIGKILL");
    const killedAt = Date.now();
    await waitFor(() => !running(taskPid), { timeoutMs: 5_000, what: "the orphaned task process to exit" });
    expect(Date.now() - killedAt).toBeLessThan(2_500);
  });

  it("a subprocess of a function task dies with the task process when the parent is killed", async () => {
    const parent = spawn(process.execPath, ["--import", TSX, PARENT, "sleep_ignoring_signal", "shell"], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    parent.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    await waitFor(() => /sleep \d+/.test(output), { timeoutMs: 15_000, what: "the sleep's pid" });
    const sleepPid = Number(/sleep (\d+)/.exec(output)?.[1]);
    expect(running(sleepPid)).toBe(true);
    parent.kill("SIGKILL");
    await waitFor(() => !running(sleepPid), { timeoutMs: 5_000, what: "the sleep to end" });
  });
});

describe("subprocesses a function task spawns end with its try", () => {
  let pool: TaskProcessPool;
  beforeAll(async () => {
    pool = new TaskProcessPool({ size: 2, killGraceMs: GRACE_MS });
    await pool.warmUp([LIFETIMES]);
  });
  afterAll(() => pool.close());

  it.each([
    ["sleep_honouring_signal", false],
    ["sleep_ignoring_signal", false],
    ["sleep_honouring_signal", true],
    ["sleep_ignoring_signal", true],
  ])("on timeout (%s, through a shell: %s)", async (taskId, shell) => {
    const sink = pidSink("sleep");
    // 1.5 s: the sleep's pid must come through sh, the task process and its log before the try ends
    // (at the whole suite's load, a few hundred milliseconds can go to starting the shell alone).
    const outcome = pool.run(lifetimes(taskId, { timeoutMs: 1_500, params: { shell } }), sink.onLog);
    const sleepPid = await sink.pid();
    expect(running(sleepPid)).toBe(true);
    expect(failed(await outcome).kind).toBe("timeout");
    await waitFor(() => !running(sleepPid), { timeoutMs: 10_000, what: "the sleep to end with its try" });
  });

  it.each(["sleep_honouring_signal", "sleep_ignoring_signal"])("on cancel (%s)", async (taskId) => {
    const sink = pidSink("sleep");
    const controller = new AbortController();
    const outcome = pool.run(lifetimes(taskId, { params: { shell: true } }), sink.onLog, controller.signal);
    const sleepPid = await sink.pid();
    controller.abort("operator");
    expect(failed(await outcome).message).toContain("cancelled");
    await waitFor(() => !running(sleepPid), { timeoutMs: 10_000, what: "the sleep to end with its try" });
  });

  it("on a shutdown that closes the pool past its grace", async () => {
    const own = new TaskProcessPool({ size: 1, killGraceMs: GRACE_MS });
    const sink = pidSink("sleep");
    const outcome = own.run(lifetimes("sleep_ignoring_signal", { params: { shell: true } }), sink.onLog);
    const sleepPid = await sink.pid();
    await own.close();
    expect(failed(await outcome).message).toContain("pool was closed");
    await waitFor(() => !running(sleepPid), { timeoutMs: 2_000, what: "the sleep to end with the pool" });
  });
});
