import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { DagRegistry } from "../../src/scheduler/dag-registry.js";
import { Scheduler } from "../../src/scheduler/scheduler.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";

const DSL = resolve(import.meta.dirname, "../../src/dsl/index.js");
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("reports, once, a task instance queued past the queued timeout because no worker serves its queue", async () => {
  dir = mkdtempSync(join(tmpdir(), "tributary-stuck-"));
  mkdirSync(join(dir, "dags"));
  writeFileSync(
    join(dir, "dags", "heavy.ts"),
    `import { dag } from ${JSON.stringify(DSL)};
export default dag("heavy_dag", { schedule: "@daily", startDate: "2024-01-01", catchup: false }, (d) => {
  d.task("crunch", { queue: "heavy" }, async () => 1);
});
`,
  );
  const store = openSqliteStore({ path: join(dir, "t.db") });
  await store.migrate();
  const registry = new DagRegistry(join(dir, "dags"));
  await registry.refresh();
  const lines: string[] = [];
  let clock = new Date("2024-01-02T00:00:01Z");
  const scheduler = new Scheduler({ store, registry, now: () => clock, reloadMs: 0, queuedTimeoutMs: 60_000, log: (l) => lines.push(l) });
  try {
    await scheduler.tick();
    expect((await store.listRuns({ dagId: "heavy_dag" }))[0]?.state).toBe("running");
    expect(lines.filter((l) => l.startsWith("warning"))).toEqual([]);
    clock = new Date(clock.getTime() + 61_000);
    await scheduler.tick();
    await scheduler.tick();
    const warnings = lines.filter((l) => l.startsWith("warning"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/heavy_dag\.crunch .* no worker claimed it: is a worker serving queue "heavy" running/);
  } finally {
    await store.close();
  }
});
