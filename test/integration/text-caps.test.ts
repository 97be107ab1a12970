/**
 * Issue 15: error messages and log lines were stored whole (a 5 MB error went in as is). The
 * store caps both at a documented length and marks what it cut, on every store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_STORED_ERROR_CHARS, MAX_STORED_LOG_LINE_CHARS } from "../../src/store/index.js";
import type { Store } from "../../src/store/index.js";
import { graph } from "../conformance/fixtures.js";
import { STORES, type StorePlace } from "../conformance/stores.js";

const HUGE = 5 * 1024 * 1024;

describe.each(STORES)("stored text caps on $name", (factory) => {
  let place: StorePlace;
  let store: Store;
  beforeAll(async () => {
    place = await factory.create();
    store = factory.open(place.address);
    const report = await store.migrate();
    if (report.error) throw report.error;
  });
  afterAll(async () => {
    await store?.close();
    await place?.dispose();
  });

  it("cuts a 5 MB error and a 5 MB log line, saying how much was cut", async () => {
    const g = graph("caps", [{ id: "t" }]);
    const now = new Date("2024-03-01T00:00:00Z");
    await store.upsertDag({ dagId: "caps", file: "caps.ts", graph: g, now });
    await store.createRun({ runId: "caps_1", runType: "manual", graph: g, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, params: {}, start: true, now });
    const [claimed] = await store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["caps"], now });
    if (!claimed) throw new Error("nothing claimed");
    await store.appendLogs(claimed.tryId, [{ at: now, stream: "log", level: "error", message: `L${"x".repeat(HUGE)}` }]);
    await store.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: claimed.tryNumber, outcome: "failed", error: `E${"y".repeat(HUGE)}`, errorKind: "error", graph: g, now });

    const [line] = (await store.readLogs({ runId: "caps_1", taskId: "t", mapIndex: null })).lines;
    expect(line?.message.length).toBeLessThanOrEqual(MAX_STORED_LOG_LINE_CHARS + 100);
    expect(line?.message.startsWith("Lxxx")).toBe(true);
    expect(line?.message).toMatch(/… \(\d+ more characters cut\)$/);

    const [tried] = await store.listTries(claimed.instance.id);
    expect(tried?.error?.length).toBeLessThanOrEqual(MAX_STORED_ERROR_CHARS + 100);
    expect(tried?.error).toMatch(/^Eyyy[\s\S]*… \(\d+ more characters cut\)$/);
    const [instance] = await store.listTaskInstances("caps_1");
    expect(instance?.error?.length).toBeLessThanOrEqual(MAX_STORED_ERROR_CHARS + 100);
  });
});
