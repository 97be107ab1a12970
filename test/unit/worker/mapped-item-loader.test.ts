import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../src/store/sqlite/open-sqlite-store.js";
import type { SqlStore } from "../../../src/store/sql/sql-store.js";
import { MappedItemLoader } from "../../../src/worker/mapped-item-loader.js";

describe("MappedItemLoader", () => {
  let dir: string;
  let store: SqlStore;
  let statements: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "tributary-mapped-items-"));
    statements = [];
    store = openSqliteStore({ path: join(dir, "store.db"), onQuery: (sql) => statements.push(sql) });
    expect((await store.migrate()).error).toBeUndefined();
    const graph = {
      dagId: "d",
      tasks: [
        { id: "src", kind: "task" as const, upstream: [], inputs: {}, mapOver: undefined, triggerRule: "all_success" as const, retry: { retries: 0, retryDelayMs: 0, backoff: "fixed" as const, maxRetryDelayMs: undefined, jitter: 0 }, timeoutMs: undefined, pool: undefined, queue: "default", priority: 0, inputDatasets: [], outputDatasets: [], secrets: [] },
      ],
    };
    const now = new Date(Date.UTC(2024, 0, 1));
    await store.createRun({ runId: "r", runType: "manual", graph, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, params: {}, start: true, now });
    const [claim] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["d"], now });
    if (!claim) throw new Error("not claimed");
    await store.completeTry({ taskInstanceId: claim.instance.id, tryNumber: 1, outcome: "success", result: ["a", "b", "c", { d: 1 }], graph, now });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers the asks of one turn of the event loop with one read, each with its own element", async () => {
    const loader = new MappedItemLoader(store);
    statements = [];
    const items = await Promise.all([3, 0, 2, 9].map((i) => loader.load("r", "src", i)));
    expect(items).toEqual([{ value: { d: 1 } }, { value: "a" }, { value: "c" }, { value: undefined }]);
    expect(statements.filter((sql) => sql.includes('"result"'))).toHaveLength(1);
    // A later ask is a read of its own.
    expect(await loader.load("r", "src", 1)).toEqual({ value: "b" });
    expect(statements.filter((sql) => sql.includes('"result"'))).toHaveLength(2);
  });
});
