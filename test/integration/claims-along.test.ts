/**
 * A busy worker's claims ride along with its outcomes (worker.ts, completion-batch.ts): the slots
 * a batch of outcomes frees are claimed in the transaction that records them, so while tries keep
 * ending the worker makes no claim of its own. Each claim of its own is a transaction more, and on
 * PostgreSQL a round trip more, that competes with the batches for the same rows.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import type { Store } from "../../src/store/index.js";
import { sqliteStorePerTest } from "../support/sqlite-store-per-test.js";

const fixture = sqliteStorePerTest("claims-along");

/** The store, counting claims of their own, with each batch of outcomes taking `stepMs` as a server's step does on PostgreSQL. */
function slowSteps(store: Store, stepMs: number): { store: Store; claims: () => number } {
  let claims = 0;
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function") return value;
      if (key === "claimNextTasks") {
        return (...args: unknown[]) => {
          claims++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      if (key === "completeTries") {
        return async (...args: unknown[]) => {
          await new Promise((done) => setTimeout(done, stepMs));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { store: wrapped, claims: () => claims };
}

describe("claims riding along with outcomes", () => {
  it("a fan-out of 400 tries in 16 slots needs no claims of the worker's own once its first tries end", async () => {
    const loaded = findDag(await loadDagFile(resolve(import.meta.dirname, "../fixtures/engine-dags/wide-fanout.ts")), "wide_fanout");
    const { store, claims } = slowSteps(fixture.store, 3);
    const { run } = await runToCompletion({ store, dag: loaded.dag, file: loaded.file, params: {}, concurrency: 16, logicalDate: "2024-03-01" });
    expect(run.state).toBe("success");
    // The first claim (the "items" task), and at most two more: one as its outcome's claim came
    // back short before the 400 instances were queued, one at the end.
    expect(claims()).toBeLessThanOrEqual(3);
  });
});
