// What a task process tells the pool in time: a line logged before code that never yields, an
// outcome beside a neighbour that then holds the process, and a timeout counted from the task's
// start when its first part blocks the process. (A task process writes each message as it comes;
// holding a turn's messages for one write lost the first two: docs/architecture.md.)
import { describe, expect, it } from "vitest";
import { TaskProcessPool, type TaskProcessPoolOptions } from "../../../src/worker/process-pool.js";
import { fixture, request } from "./pool-helpers.js";

/** Runs `use` with a pool whose processes have started and loaded turns.ts (its tries run their code at once), then closes it. */
async function withWarmPool<T>(options: TaskProcessPoolOptions, use: (pool: TaskProcessPool) => Promise<T>): Promise<T> {
  const pool = new TaskProcessPool(options);
  try {
    await pool.warmUp([fixture("turns.ts")]);
    return await use(pool);
  } finally {
    await pool.close();
  }
}

describe("what a task process tells in time", () => {
  const grace = { killGraceMs: 500 };

  it("a line logged before code that never yields reaches the try's log", async () => {
    await withWarmPool({ size: 1, ...grace }, async (pool) => {
      const lines: string[] = [];
      const outcome = await pool.run(request("turns.ts", "turns", "logs_then_spins", { timeoutMs: 1_000 }), (line) => lines.push(line.message));
      expect(outcome).toMatchObject({ ok: false, error: { kind: "timeout" } });
      expect(lines).toContain("about to spin");
    });
  });

  it("a try that ends is recorded though the try beside it then holds the process for good", async () => {
    // One process, two tries whose timers fire in the same turn: the first returns, the second's
    // code then never yields, and its process is killed.
    await withWarmPool({ size: 2, processes: 1, ...grace }, async (pool) => {
      const [returned, spun] = await Promise.all([
        pool.run(request("turns.ts", "turns", "returns_after_100ms", { timeoutMs: 5_000 }), () => undefined),
        pool.run(request("turns.ts", "turns", "spins_after_100ms", { timeoutMs: 1_000 }), () => undefined),
      ]);
      expect(returned).toEqual({ ok: true, result: "returned", emitted: [] });
      expect(spun).toMatchObject({ ok: false, error: { kind: "timeout" } });
    });
  });

  it("times a try out from its start when its first part blocks its process", async () => {
    // The try's first part blocks its process for 1 s, then it waits 1.3 s: its timeout (2 s)
    // ends it while it waits, 2 s after it was sent at the earliest.
    await withWarmPool({ size: 1 }, async (pool) => {
      const sent = Date.now();
      const outcome = await pool.run(request("turns.ts", "turns", "blocks_then_waits", { timeoutMs: 2_000 }), () => undefined);
      expect(outcome).toMatchObject({ ok: false, error: { kind: "timeout", message: "timed out after 2s" } });
      expect(Date.now() - sent).toBeGreaterThanOrEqual(2_000 - 5);
    });
  });
});
