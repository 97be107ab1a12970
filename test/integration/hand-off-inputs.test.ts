/**
 * A successor claimed in the transaction that recorded its upstream's success gets that result
 * from the worker, not from a read of the store (issue 17: a round trip less at every step of a
 * chain on PostgreSQL). What the task sees must be exactly what a read would give.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import { sqliteStorePerTest } from "../support/sqlite-store-per-test.js";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/hand-off-dags/hand-off.ts");
/** The worker's read of upstream results (store getTaskResultsOfRuns). */
const RESULTS_READ = /^select "run_id", "task_id", "map_index", "result" from "task_instances"/;

describe("inputs handed on by the worker", () => {
  let reads: string[] = [];
  const fixture = sqliteStorePerTest("hand-off", { onQuery: (sql) => void (RESULTS_READ.test(sql) && reads.push(sql)) });

  it("a successor claimed with its upstream's outcome reads nothing; a join reads only the input recorded earlier", async () => {
    const { dag, file } = findDag(await loadDagFile(FIXTURE), "hand_off");
    reads = [];
    const { run, instances } = await runToCompletion({ store: fixture.store, dag, file, params: {}, concurrency: 1 });
    expect(run.state).toBe("success");
    const result = (taskId: string) => instances.find((ti) => ti.taskId === taskId)?.result;
    // As JSON gives it back: the date a string, the undefined property gone.
    expect(result("b")).toEqual({ n: 2, seen: { n: 1, at: "1970-01-01T00:00:00.000Z" } });
    expect(result("c")).toBe(12);
    expect(result("d")).toEqual({ b: result("b"), c: 12 });
    // One slot: a, then b, c and d each claimed with the outcome before them (a chain a, b, c,
    // and d joining b and c). d's input b was recorded a transaction earlier: read, alone.
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/"task_id" in \(\?\)/);
  });
});
