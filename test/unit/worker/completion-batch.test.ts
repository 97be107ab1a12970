// Group commit of try outcomes (worker/completion-batch.ts), against a real SQLite store.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../../src/store/index.js";
import { openSqliteStore } from "../../../src/store/sqlite/open-sqlite-store.js";
import { CompletionBatcher } from "../../../src/worker/completion-batch.js";
import { runInput } from "../../conformance/driver.js";
import { wideGraph } from "../../conformance/fixtures.js";

describe("CompletionBatcher", () => {
  let dir: string;
  let store: Store;
  let transactions: number;
  /** The store, counting the batches it is asked to record. */
  let counted: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "tributary-completion-batch-"));
    store = openSqliteStore({ path: join(dir, "store.db") });
    expect((await store.migrate()).error).toBeUndefined();
    transactions = 0;
    counted = new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (key !== "completeTries" || typeof value !== "function") return value;
        return (...args: unknown[]) => {
          transactions++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("records outcomes that arrive in the same turn of the event loop in one transaction", async () => {
    // Task processes' messages read in one poll arrive one after another with nothing in
    // between; on SQLite a transaction started by the first never yields to let the others join.
    const graph = wideGraph("w", 3);
    const now = new Date(Date.UTC(2024, 0, 1));
    await store.createRun(runInput(graph, { runId: "r", now }));
    const claims = await store.claimNextTasks({ workerId: "w", limit: 3, dagIds: ["w"], now });
    expect(claims).toHaveLength(3);
    const batcher = new CompletionBatcher(counted);
    const results = await Promise.all(
      claims.map((claim) => batcher.complete({ taskInstanceId: claim.instance.id, tryNumber: claim.tryNumber, outcome: "success", result: 1, graph, now })),
    );
    expect(results.map((r) => [r.applied, r.state])).toEqual([
      [true, "success"],
      [true, "success"],
      [true, "success"],
    ]);
    expect(transactions).toBe(1);
    expect((await store.getRun("r"))?.state).toBe("success");
  });
});
