/**
 * The engine end to end in one process: a real fixture.store, the in-process worker, the retry timer and
 * the process pool, driving runs to completion with real time.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDagFile, findDag } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import { sqliteStorePerTest } from "../support/sqlite-store-per-test.js";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/engine-dags/retries.ts");

const fixture = sqliteStorePerTest("engine");

async function run(dagId: string, killGraceMs?: number) {
  const loaded = findDag(await loadDagFile(FIXTURE), dagId);
  return runToCompletion({ store: fixture.store, dag: loaded.dag, file: loaded.file, params: {}, concurrency: 1, killGraceMs, logicalDate: "2024-03-01" });
}

describe("retries with exponential backoff", () => {
  it("waits 1x, 2x, 4x the retry delay between tries, then dead-letters", async () => {
    const { run: finished, instances } = await run("always_fails");
    expect(finished.state).toBe("failed");
    const doomed = instances.find((ti) => ti.taskId === "doomed");
    expect(doomed).toMatchObject({ state: "failed", tryNumber: 4 });
    expect(instances.find((ti) => ti.taskId === "downstream")?.state).toBe("upstream_failed");

    const tries = await fixture.store.listTries(doomed?.id ?? -1);
    expect(tries.map((t) => t.outcome)).toEqual(["failed", "failed", "failed", "failed"]);
    const waits = tries.slice(1).map((t, i) => t.startedAt.getTime() - (tries[i]?.endedAt?.getTime() ?? 0));
    // Each wait is at least its delay (150, 300, 600 ms: 1x, 2x, 4x) and not far above it.
    for (const [i, expected] of [150, 300, 600].entries()) {
      expect(waits[i]).toBeGreaterThanOrEqual(expected);
      // Generous: a retry's start waits for its claim and a task process, on a machine the whole
      // suite keeps busy (a wait twice too long would be 150-600 ms over, which this does not
      // catch; the delays themselves are checked exactly in test/unit/core/retry-delay.test.ts).
      expect(waits[i]).toBeLessThan(expected + 4_000);
    }

    const deadLetters = await fixture.store.listDeadLetters({ open: true });
    expect(deadLetters).toMatchObject([{ taskId: "doomed", tryNumber: 4, error: "try 4 failed on purpose" }]);
    const log = await fixture.store.readLogs({ runId: finished.runId, taskId: "doomed", mapIndex: null, tryNumber: 2 });
    expect(log.lines.at(-1)?.message).toContain("try 2 failed on purpose");
  });
});

describe("isolation", () => {
  it("a task that calls process.exit fails only that try; the retry succeeds and hands on its result", async () => {
    const { run: finished, instances } = await run("crashes_once");
    expect(finished.state).toBe("success");
    const crash = instances.find((ti) => ti.taskId === "crash");
    expect(crash).toMatchObject({ state: "success", tryNumber: 2, result: { survived: 2 } });
    const tries = await fixture.store.listTries(crash?.id ?? -1);
    expect(tries[0]).toMatchObject({ outcome: "failed", errorKind: "crash" });
    expect(tries[0]?.error).toMatch(/exit/i);
    expect(instances.find((ti) => ti.taskId === "after_crash")?.result).toBe(20);
  });

  it("a task that ignores its timeout is killed after the grace period and the run ends", async () => {
    const started = Date.now();
    const { run: finished, instances } = await run("hangs", 300);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(finished.state).toBe("failed");
    const stuck = instances.find((ti) => ti.taskId === "stuck");
    expect(stuck?.state).toBe("failed");
    expect(stuck?.error).toMatch(/timed out after 300ms|timed out/);
    const tries = await fixture.store.listTries(stuck?.id ?? -1);
    expect(tries[0]?.errorKind).toBe("timeout");
    expect((tries[0]?.endedAt?.getTime() ?? 0) - (tries[0]?.startedAt.getTime() ?? 0)).toBeLessThan(5_000);
  });
});

describe("warm task processes", () => {
  it("with warmProcesses, every process is started before the first try is claimed, so no try waits for Node to start", async () => {
    const loaded = findDag(await loadDagFile(resolve(import.meta.dirname, "../fixtures/engine-dags/process-start.ts")), "process_start");
    const { run: finished, instances } = await runToCompletion({
      store: fixture.store,
      dag: loaded.dag,
      file: loaded.file,
      params: {},
      concurrency: 2,
      warmProcesses: 2,
      logicalDate: "2024-03-01",
    });
    expect(finished.state).toBe("success");
    const tries = instances.map((ti) => ({ claimedAt: ti.startedAt?.getTime() ?? 0, ...(ti.result as { pid: number; startedAt: number }) }));
    expect(new Set(tries.map((t) => t.pid)).size).toBe(2);
    for (const t of tries) expect(t.startedAt).toBeLessThan(t.claimedAt);
  });
});

