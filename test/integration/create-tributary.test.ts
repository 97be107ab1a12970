import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { createTributary } from "../../src/index.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import { waitForValue } from "../support/wait-for.js";

const DSL = resolve(import.meta.dirname, "../../src/dsl/index.js");
let dir: string | undefined;

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("createTributary embeds the scheduler and a worker: an every-1s DAG runs, then stops cleanly", async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-embed-"));
  mkdirSync(join(dir, "dags"));
  writeFileSync(
    join(dir, "dags", "tick.ts"),
    `import { dag } from ${JSON.stringify(DSL)};
export default dag("embedded_tick", { schedule: { every: "1s" } }, (d) => {
  d.task("hello", async (ctx) => ctx.runId);
});
`,
  );
  writeFileSync(join(dir, "dags", "broken.ts"), "export default dag(;\n");
  const db = join(dir, "t.db");
  const tributary = await createTributary({ dags: join(dir, "dags"), db, concurrency: 1 });
  await tributary.start();
  expect(tributary.status().dags).toEqual(["embedded_tick"]);
  expect(tributary.status().importErrors).toHaveLength(1);
  const store = openSqliteStore({ path: db });
  try {
    const succeeded = await waitForValue(
      async () => (await store.listRuns({ dagId: "embedded_tick", states: ["success"] })).length,
      (n) => n >= 1,
      { timeoutMs: 45_000, intervalMs: 200, what: "successful runs of embedded_tick" },
    );
    expect(succeeded).toBeGreaterThanOrEqual(1);
  } finally {
    await tributary.stop(5_000);
    await store.close();
  }
});
