/**
 * Result caching end to end (docs/concepts.md, "Cached results"): real runs through the worker and
 * its process pool on a SQLite store. A second run of a DAG does not run its cached task again
 * (its side effect, a line in a file, happens once) and hands the cached result downstream; once
 * the TTL has passed (the runs' clock moved on), the task runs again; `tributary cache clear`
 * (the built command line) forgets stored results; a key function that throws fails the try.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import type { Dag } from "../../src/dsl/types.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { Store, TaskInstanceRecord } from "../../src/store/index.js";
import { runBuiltCli } from "../support/built-cli.js";

const DSL = pathToFileURL(resolve(import.meta.dirname, "../../src/dsl/index.js")).href;
const T0 = Date.UTC(2024, 2, 2, 8, 0, 0);
const HOUR = 3_600_000;

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-result-cache-"));
  store = openSqliteStore({ path: join(dir, "t.db") });
  await store.migrate();
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a DAG file whose cached task appends its run id to `ran.txt` each time it really runs. */
async function cachedDag(key: string): Promise<{ dag: Dag; file: string }> {
  const file = join(dir, "cached.ts");
  writeFileSync(
    file,
    `import { appendFileSync } from "node:fs";
import { dag } from ${JSON.stringify(DSL)};
const RAN = ${JSON.stringify(join(dir, "ran.txt"))};
export default dag("cached_totals", {}, (d) => {
  const source = d.task("source", () => ({ day: "2024-03-01", rows: 3 }));
  const totals = d.task("totals", { inputs: { source }, cache: { key: ${key}, ttl: "2h" } }, (ctx, { source }) => {
    appendFileSync(RAN, ctx.runId + "\\n");
    return { day: source.day, total: source.rows * 14 };
  });
  d.task("report", { inputs: { totals } }, (ctx, { totals }) => "total " + totals.total + " for " + totals.day);
});
`,
  );
  return { dag: findDag(await loadDagFile(file), "cached_totals").dag, file };
}

async function runAt(subject: { dag: Dag; file: string }, at: number) {
  return runToCompletion({ store, dag: subject.dag, file: subject.file, logicalDate: "2024-03-01", params: {}, concurrency: 2, now: () => new Date(at) });
}

const byTask = (instances: readonly TaskInstanceRecord[]) => new Map(instances.map((ti) => [ti.taskId, ti]));
const ranIn = () => readFileSync(join(dir, "ran.txt"), "utf8").trim().split("\n");

describe("a task with a cache option", () => {
  it("runs once, serves its result to the next run within the TTL, and runs again once it expired", async () => {
    const subject = await cachedDag(`(ctx, { source }) => "totals:" + source.day`);

    const first = await runAt(subject, T0);
    expect(first.run.state).toBe("success");
    expect(ranIn()).toEqual([first.run.runId]);
    const firstTotals = byTask(first.instances).get("totals");
    expect(firstTotals?.result).toEqual({ day: "2024-03-01", total: 42 });
    expect(await store.listTries(firstTotals?.id ?? 0)).toMatchObject([{ outcome: "success", cached: false, cacheKey: "totals:2024-03-01" }]);

    // An hour later: the task does not run, its try is a cached success, and downstream gets the result.
    const second = await runAt(subject, T0 + HOUR);
    expect(second.run.state).toBe("success");
    expect(ranIn()).toEqual([first.run.runId]);
    const secondTasks = byTask(second.instances);
    expect(secondTasks.get("totals")).toMatchObject({ state: "success", result: { day: "2024-03-01", total: 42 } });
    expect(secondTasks.get("report")?.result).toBe("total 42 for 2024-03-01");
    expect(await store.listTries(secondTasks.get("totals")?.id ?? 0)).toMatchObject([{ outcome: "success", cached: true, cacheKey: "totals:2024-03-01" }]);
    const log = await store.readLogs({ runId: second.run.runId, taskId: "totals", mapIndex: null });
    expect(log.lines.map((l) => l.message).join("\n")).toContain(`cache hit for key "totals:2024-03-01": the result of run ${first.run.runId}`);

    // Past the 2-hour TTL of the first run's result: the task runs again, and its result is stored anew.
    const third = await runAt(subject, T0 + 2 * HOUR + 1);
    expect(ranIn()).toEqual([first.run.runId, third.run.runId]);
    const thirdTries = await store.listTries(byTask(third.instances).get("totals")?.id ?? 0);
    expect(thirdTries).toMatchObject([{ outcome: "success", cached: false }]);
    const fourth = await runAt(subject, T0 + 3 * HOUR);
    expect(ranIn()).toHaveLength(2);
    expect(await store.listTries(byTask(fourth.instances).get("totals")?.id ?? 0)).toMatchObject([{ cached: true }]);

    // `tributary cache clear` forgets the stored results: the next run computes again.
    const cleared = await runBuiltCli(["cache", "clear", "cached_totals", "--task", "totals", "--db", join(dir, "t.db")], dir);
    expect(cleared, cleared.stderr).toMatchObject({ code: 0, stdout: "1 cached result(s) of cached_totals.totals forgotten\n" });
    await runAt(subject, T0 + 3 * HOUR);
    expect(ranIn()).toHaveLength(3);
  });

  it("a key function that throws fails the try, and the task does not run", async () => {
    const subject = await cachedDag(`() => { throw new Error("no key today"); }`);
    const result = await runAt(subject, T0);
    expect(result.run.state).toBe("failed");
    const totals = byTask(result.instances).get("totals");
    expect(totals?.state).toBe("failed");
    expect(totals?.error).toContain("cache.key failed: no key today");
    expect(() => readFileSync(join(dir, "ran.txt"))).toThrow();
  });
});
