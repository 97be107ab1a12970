/**
 * A try's last log lines are stored in the transaction that records its outcome (issue 17: one
 * transaction per state change). Before, every try that logged paid a transaction of its own for
 * them at its end: a commit (an fsync on SQLite) and, on PostgreSQL, three round trips.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import { countCalls } from "../support/call-counter.js";
import { sqliteStorePerTest } from "../support/sqlite-store-per-test.js";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/log-dags/logs.ts");

describe("a try's log lines and its outcome", () => {
  const fixture = sqliteStorePerTest("logs-with-outcome");

  it("are stored in one transaction when the try ends before its lines are flushed", async () => {
    const { dag, file } = findDag(await loadDagFile(FIXTURE), "logs_with_outcome");
    const counted = countCalls(fixture.store, ["appendLogs"]);
    const { run } = await runToCompletion({ store: counted.target, dag, file, params: {}, concurrency: 1 });
    expect(run.state).toBe("failed");
    expect(counted.calls("appendLogs")).toBe(0);
    const messages = async (taskId: string) => (await fixture.store.readLogs({ runId: run.runId, taskId, mapIndex: null })).lines.map((line) => line.message);
    expect(await messages("a")).toEqual(expect.arrayContaining(["a starts", "a prints"]));
    const b = await messages("b");
    expect(b).toEqual(expect.arrayContaining(["b is about to fail"]));
    // The line the worker adds for a failed try, last.
    expect(b.at(-1)).toMatch(/^try 1 failed \(error\): Error: b fails on purpose/);
  });
});
