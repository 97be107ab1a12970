import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { DagRegistry } from "../../../src/scheduler/dag-registry.js";
import { DagShapeCache, dagShapeCache } from "../../../src/scheduler/dag-shape-cache.js";

const DSL = resolve(import.meta.dirname, "../../../src/dsl/index.js");
let dir: string;
let cacheDir: string;
/** Each import of a DAG file appends a line here: how many times its code ran, in any thread. */
let importLog: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-shape-cache-"));
  cacheDir = join(dir, ".cache");
  importLog = join(dir, "imports.log");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, body: string, bump = 0): void {
  const file = join(dir, name);
  writeFileSync(
    file,
    `import { dag } from ${JSON.stringify(DSL)};\nimport { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(importLog)}, "${name}\\n");\n${body}\n`,
  );
  const later = new Date(Date.now() + bump * 1_000);
  utimesSync(file, later, later);
}

const imports = (): string[] => (existsSync(importLog) ? readFileSync(importLog, "utf8").trim().split("\n") : []);
const registry = () => new DagRegistry(dir, { cache: new DagShapeCache(dir, cacheDir) });
const SCHEDULE = `process.env["TRIBUTARY_TEST_SCHEDULE"] ?? "@daily"`;

it("registers an unchanged file from the cache at a restart, then imports it again in the background", async () => {
  write("a.ts", `export default dag("a", { schedule: ${SCHEDULE} }, (d) => { d.task("one", async () => 1); });`);
  const first = registry();
  await first.refresh();
  expect(imports()).toEqual(["a.ts"]);

  // A restart: the DAG is there before its file is imported again.
  process.env["TRIBUTARY_TEST_SCHEDULE"] = "@hourly";
  try {
    const second = registry();
    expect(await second.refresh()).toBe(true);
    expect(second.get("a")?.dag.options.schedule).toBe("@daily");
    expect(imports()).toEqual(["a.ts"]);

    // The background import saw what the cache could not (the environment changed), and a
    // refresh applies it.
    await second.revalidated();
    expect(imports()).toEqual(["a.ts", "a.ts"]);
    expect(await second.refresh()).toBe(true);
    expect(second.get("a")?.dag.options.schedule).toBe("@hourly");
    expect(second.get("a")?.schedule.kind).toBe("cron");
    expect(await second.refresh()).toBe(false);

    // The cache now holds what that import gave.
    const third = registry();
    await third.refresh();
    expect(third.get("a")?.dag.options.schedule).toBe("@hourly");
  } finally {
    delete process.env["TRIBUTARY_TEST_SCHEDULE"];
  }
});

it("a background import that finds the same DAGs changes nothing; the registered DAG's code is imported on demand", async () => {
  write("a.ts", `export default dag("a", {}, (d) => { d.task("one", async () => 1); });`);
  await registry().refresh();
  const second = registry();
  await second.refresh();
  await second.revalidated();
  expect(await second.refresh()).toBe(false);
  const code = await second.get("a")?.code();
  expect(code?.definitions.has("one")).toBe(true);
});

it("imports a changed file at once, and keeps no file that failed", async () => {
  write("a.ts", `export default dag("a", {}, (d) => { d.task("one", async () => 1); });`);
  write("b.ts", `export default dag("b", {}, (d) => { d.task("one", { after: ["missing"] }, async () => 1); });`);
  const first = registry();
  await first.refresh();
  expect(first.importErrors()).toHaveLength(1);

  write("a.ts", `export default dag("a", {}, (d) => { d.task("one", async () => 1); d.task("two", async () => 2); });`, 5);
  const second = registry();
  await second.refresh();
  // Both imported before the refresh returned: a's content is new, b failed last time.
  expect(imports().sort()).toEqual(["a.ts", "a.ts", "b.ts", "b.ts"]);
  expect(second.get("a")?.dag.graph.tasks.map((task) => task.id)).toEqual(["one", "two"]);
  expect(second.importErrors()[0]?.message).toMatch(/missing/);
});

it("is off with TRIBUTARY_DAG_CACHE=off", () => {
  expect(dagShapeCache(dir, { TRIBUTARY_DAG_CACHE: "off" })).toBeUndefined();
  expect(dagShapeCache(dir, {})).toBeInstanceOf(DagShapeCache);
});
