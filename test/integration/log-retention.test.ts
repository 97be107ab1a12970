/**
 * The log retention loop (`--log-retention`) against a real store: it deletes the logs of tries
 * that ended longer ago than the retention, keeps the others, and says what it deleted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.js";
import { countCalls } from "../support/call-counter.js";
import { createLogRetentionLoop } from "../../src/logging/log-retention.js";
import type { LogFields } from "../../src/logging/log-fields.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import { RunDriver } from "../conformance/driver.js";
import { graph } from "../conformance/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-log-retention-"));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("deletes task logs of tries older than the retention, periodically", async () => {
  const store = openSqliteStore({ path: join(dir, "t.db") });
  await store.migrate();
  const DAY = 86_400_000;
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  try {
    const run = await RunDriver.start(store, graph("kept", [{ id: "old" }, { id: "fresh" }]), { now: ago(40) });
    await run.claim(ago(40));
    for (const key of ["old", "fresh"]) {
      await store.appendLogs(run.claimOf(key).tryId, [{ at: ago(40), stream: "log", level: "info", message: `${key} says hi` }]);
    }
    await run.succeed("old", undefined, ago(31));
    await run.succeed("fresh", undefined, ago(29));

    const said: { message: string; fields: LogFields | undefined }[] = [];
    const errors: unknown[] = [];
    // Each pass of the loop deletes once: counting the deletes counts the passes.
    const passes = countCalls(store, ["deleteTaskLogsBefore"]);
    const loop = createLogRetentionLoop({
      store: passes.target,
      retentionMs: 30 * DAY,
      intervalMs: 50,
      log: (message, fields) => said.push({ message, fields }),
      onError: (error) => errors.push(error),
    });
    loop.start();
    await waitFor(() => said.length > 0, { timeoutMs: 10_000, intervalMs: 20, what: "the retention loop's report" });
    // A few more passes of the loop: nothing more to delete, nothing more said.
    const passed = passes.calls("deleteTaskLogsBefore");
    await waitFor(() => passes.calls("deleteTaskLogsBefore") > passed + 3, { timeoutMs: 10_000, intervalMs: 20, what: "3 more passes of the loop" });
    await loop.stop();

    expect(errors).toEqual([]);
    expect(said).toHaveLength(1);
    expect(said[0]?.message).toMatch(/^log retention: deleted 1 task log line\(s\) of tries that ended before /);
    expect(said[0]?.fields).toMatchObject({ deletedLines: 1 });
    const read = async (taskId: string) => (await store.readLogs({ runId: run.runId, taskId, mapIndex: null })).lines.map((l) => l.message);
    expect(await read("old")).toEqual([]);
    expect(await read("fresh")).toEqual(["fresh says hi"]);
  } finally {
    await store.close();
  }
});
