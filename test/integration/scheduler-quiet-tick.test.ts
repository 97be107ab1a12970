/**
 * What a scheduler tick costs when little or nothing changed, against a real SQLite store whose
 * calls are counted: unchanged DAGs are not written again (not even after a restart), a DAG with
 * nothing due is not asked for its latest logical date until its next interval can end, and only
 * DAGs with queued runs get a start-queued-runs transaction. Runs still come due on time.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { DagRegistry } from "../../src/scheduler/dag-registry.js";
import { Scheduler } from "../../src/scheduler/scheduler.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../src/store/index.js";

const DSL = resolve(import.meta.dirname, "../../src/dsl/index.js");
let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-quiet-tick-"));
  store = openSqliteStore({ path: join(dir, "t.db") });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeDag(name: string, body: string, bumpSeconds = 0): void {
  const file = join(dir, "dags", name);
  writeFileSync(file, `import { dag } from ${JSON.stringify(DSL)};\n${body}\n`);
  const later = new Date(Date.now() + bumpSeconds * 1_000);
  utimesSync(file, later, later);
}

/** The real store, with a count of the calls of each method, and of the DAGs written (`dagsWritten`, by upsertDag or upsertDags). */
function counting(target: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const add = (key: string, count: number) => calls.set(key, (calls.get(key) ?? 0) + count);
  const store = new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver) as unknown;
      if (typeof value !== "function" || typeof key !== "string") return value;
      return (...args: unknown[]) => {
        add(key, 1);
        if (key === "upsertDag") add("dagsWritten", 1);
        if (key === "upsertDags") add("dagsWritten", (args[0] as Parameters<Store["upsertDags"]>[0]).dags.length);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
  return { store, calls };
}

it("a quiet tick neither writes unchanged DAGs nor asks about DAGs with nothing due, and runs still come due on time", async () => {
  mkdirSync(join(dir, "dags"));
  writeDag("daily.ts", `export default dag("daily", { schedule: "@daily", startDate: "2024-01-01", catchup: true, maxActiveRuns: 2 }, (d) => { d.task("a", () => null); });`);
  writeDag("manual.ts", `export default dag("manual", {}, (d) => { d.task("a", () => null); });`);
  await store.migrate();
  let clock = Date.parse("2024-01-03T01:00:00Z");
  const { store: counted, calls } = counting(store);
  const errors: unknown[] = [];
  const scheduler = new Scheduler({ store: counted, registry: new DagRegistry(join(dir, "dags")), now: () => new Date(clock), reloadMs: 1, onError: (e) => errors.push(e) });

  // First tick: both DAGs written (in one transaction), the two missed days created and started.
  expect(await scheduler.tick()).toMatchObject({ created: 2, started: 2 });
  expect([calls.get("dagsWritten"), calls.get("upsertDags")]).toEqual([2, 1]);
  expect(calls.get("latestLogicalDates")).toBe(1);

  // Quiet ticks: no DAG written, no latest logical date asked, no start-queued-runs transaction.
  calls.clear();
  for (let i = 0; i < 3; i++) {
    clock += 60_000;
    expect(await scheduler.tick()).toMatchObject({ created: 0, started: 0 });
  }
  expect([calls.get("upsertDags"), calls.get("latestLogicalDates"), calls.get("startQueuedRunsOfDags")]).toEqual([undefined, undefined, undefined]);

  // One file changes: only its DAG is written again.
  writeDag("manual.ts", `export default dag("manual", {}, (d) => { d.task("a", () => null); d.task("b", () => null); });`, 5);
  clock += 60_000;
  await scheduler.tick();
  expect(calls.get("dagsWritten")).toBe(1);
  expect((await store.getDag("manual"))?.graph.tasks.map((t) => t.id)).toEqual(["a", "b"]);

  // The next day's interval ends at midnight: created then (queued behind maxActiveRuns), not before.
  calls.clear();
  clock = Date.parse("2024-01-03T23:59:59Z");
  expect(await scheduler.tick()).toMatchObject({ created: 0 });
  clock = Date.parse("2024-01-04T00:00:00Z");
  expect(await scheduler.tick()).toMatchObject({ created: 1, started: 0 });
  expect(calls.get("latestLogicalDates")).toBe(1);
  expect(calls.get("startQueuedRunsOfDags")).toBe(1);
  const runs = await store.listRuns({ dagId: "daily" });
  expect(runs.map((r) => [r.logicalDate.toISOString().slice(0, 10), r.state]).sort()).toEqual([
    ["2024-01-01", "running"],
    ["2024-01-02", "running"],
    ["2024-01-03", "queued"],
  ]);

  // A restart (a new scheduler on the same store) writes no DAG that the store already has.
  calls.clear();
  const restarted = new Scheduler({ store: counted, registry: new DagRegistry(join(dir, "dags")), now: () => new Date(clock), reloadMs: 1, onError: (e) => errors.push(e) });
  expect(await restarted.tick()).toMatchObject({ created: 0 });
  expect(calls.get("dagsWritten")).toBeUndefined();
  expect(errors).toEqual([]);
});
