// The pool's processes: reuse, concurrency, queueing, reloading changed DAG files, closing.
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { TaskProcessPool } from "../../../src/worker/process-pool.js";
import type { TaskRunOutcome } from "../../../src/worker/task-protocol.js";
import { fixture, request } from "./pool-helpers.js";
import { waitFor } from "../../support/wait-for.js";

const pools: TaskProcessPool[] = [];
function newPool(size: number): TaskProcessPool {
  const pool = new TaskProcessPool({ size, killGraceMs: 200 });
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function resultOf(outcome: TaskRunOutcome): unknown {
  if (!outcome.ok) throw new Error(`${outcome.error.kind}: ${outcome.error.message}`);
  return outcome.result;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("TaskProcessPool: lifecycle", () => {
  it("forks lazily and reuses its processes", async () => {
    const pool = newPool(2);
    expect(pool.idle).toBe(2);
    const first = resultOf(await pool.run(request("basics.ts", "basics", "pid"), () => undefined));
    const second = resultOf(await pool.run(request("basics.ts", "basics", "pid"), () => undefined));
    expect(second).toBe(first);
    expect(pool.idle).toBe(2);
  });

  it("runs tries in parallel up to its size and queues the rest", async () => {
    const pool = newPool(2);
    await pool.warmUp([fixture("basics.ts")]);
    const outcomes = await Promise.all([
      pool.run(request("basics.ts", "basics", "sleep300_window"), () => undefined),
      pool.run(request("basics.ts", "basics", "sleep300_window"), () => undefined),
    ]);
    const [a, b] = outcomes.map((outcome) => resultOf(outcome) as { pid: number; start: number; end: number });
    expect(a?.pid).not.toBe(b?.pid);
    // Their sleeps overlapped: read from the tries' own clocks, not from how long the test waited,
    // which a loaded machine stretches.
    expect(a && b && a.start < b.end && b.start < a.end).toBe(true);

    const queuedStart = Date.now();
    const three = [1, 2, 3].map(() => pool.run(request("basics.ts", "basics", "sleep300"), () => undefined));
    expect(pool.idle).toBe(0);
    await Promise.all(three);
    expect(Date.now() - queuedStart).toBeGreaterThanOrEqual(595);
  });

  it("starts more processes when tries need them, while the tries go to a started process that frees up first", async () => {
    const pool = new TaskProcessPool({ size: 2, processes: 2, warmProcesses: 1, killGraceMs: 200 });
    pools.push(pool);
    await pool.warmUp([fixture("basics.ts")]);
    const warm = resultOf(await pool.run(request("basics.ts", "basics", "pid"), () => undefined));
    // The second try would otherwise wait for a new process to start (Node, then the DAG file):
    // the warm process is free again long before.
    const both = await Promise.all([1, 2].map(() => pool.run(request("basics.ts", "basics", "pid"), () => undefined)));
    expect(both.map(resultOf)).toEqual([warm, warm]);
    // The second process was started meanwhile, and takes tries from then on.
    await waitFor(async () => new Set((await Promise.all([1, 2].map(() => pool.run(request("basics.ts", "basics", "sleep300"), () => undefined)))).map(resultOf)).size === 2, {
      timeoutMs: 15_000,
      what: "two tries at once in two processes",
    });
  });

  it("ends the processes started beyond the warm ones once they have been idle for idleProcessMs, and starts them again when tries need them", async () => {
    const pool = new TaskProcessPool({ size: 2, processes: 2, warmProcesses: 1, idleProcessMs: 1_000, killGraceMs: 200 });
    pools.push(pool);
    await pool.warmUp([fixture("basics.ts")]);
    const twoAtOnce = async () => new Set((await Promise.all([1, 2].map(() => pool.run(request("basics.ts", "basics", "sleep300"), () => undefined)))).map(resultOf)).size === 2;
    // Two pids at once prove two processes. (Not counted after: under load the second starts a
    // second or more after the first, whose process may be idle for idleProcessMs by then and end.)
    await waitFor(twoAtOnce, { timeoutMs: 15_000, what: "two tries at once in two processes" });
    // Idle for longer than idleProcessMs: back to the one warm process, which stays.
    await waitFor(async () => pool.startedProcesses === 1, { timeoutMs: 5_000, what: "the second process ended" });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(pool.startedProcesses).toBe(1);
    // A burst later starts the second process again.
    await waitFor(twoAtOnce, { timeoutMs: 15_000, what: "two tries at once in two processes, again" });
  });

  it("reloads a DAG file that changed since it was loaded", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tributary-pool-"));
    try {
      const dsl = fileURLToPath(new URL("../../../src/dsl/index.js", import.meta.url));
      const file = join(dir, "changing.ts");
      const write = async (value: string, mtime: Date) => {
        await writeFile(file, `import { dag } from ${JSON.stringify(dsl)};\nexport default dag("changing", { schedule: null }, (d) => { d.task("value", () => ${JSON.stringify(value)}); });\n`);
        await utimes(file, mtime, mtime);
      };
      const pool = newPool(1);
      await write("first", new Date("2024-01-01T00:00:00Z"));
      const run = () => pool.run({ ...request("basics.ts", "changing", "value"), file }, () => undefined);
      expect(resultOf(await run())).toBe("first");
      await write("second", new Date("2024-01-02T00:00:00Z"));
      expect(resultOf(await run())).toBe("second");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("close() ends every process and resolves waiting and running tries as lost", async () => {
    const pool = newPool(1);
    const pid = resultOf(await pool.run(request("basics.ts", "basics", "pid"), () => undefined)) as number;
    let sleeping = false;
    const running = pool.run(request("basics.ts", "basics", "sleep300"), (line) => {
      if (line.message === "sleeping") sleeping = true;
    });
    const waiting = pool.run(request("basics.ts", "basics", "noop"), () => undefined);
    await waitFor(() => sleeping, { timeoutMs: 10_000, what: "the first try to run" });
    await pool.close();
    expect(isAlive(pid)).toBe(false);
    for (const outcome of await Promise.all([running, waiting])) {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.kind).toBe("lost");
        expect(outcome.error.message).toContain("pool was closed");
      }
    }
    const late = await pool.run(request("basics.ts", "basics", "noop"), () => undefined);
    expect(late.ok).toBe(false);
  });
});
