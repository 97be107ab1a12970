import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
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
const importsOf = (name: string): number => imports().filter((line) => line === name).length;
const registry = (env: NodeJS.ProcessEnv = {}) => new DagRegistry(dir, { cache: new DagShapeCache(dir, cacheDir, env) });

it("registers an unchanged file from the cache at a restart, then imports it again in the background", async () => {
  // The schedule comes from a module outside the DAG folder, which the cache cannot watch.
  const outside = mkdtempSync(join(tmpdir(), "tributary-shape-cache-outside-"));
  const settings = join(outside, "settings.cjs");
  try {
    writeFileSync(settings, `exports.schedule = "@daily";\n`);
    write("a.ts", `import { schedule } from ${JSON.stringify(settings)};\nexport default dag("a", { schedule }, (d) => { d.task("one", async () => 1); });`);
    const first = registry();
    await first.refresh();
    expect(imports()).toEqual(["a.ts"]);

    // A restart: the DAG is there before its file is imported again.
    writeFileSync(settings, `exports.schedule = "@hourly";\n`);
    const second = registry();
    expect(await second.refresh()).toBe(true);
    expect(second.get("a")?.dag.options.schedule).toBe("@daily");
    expect(imports()).toEqual(["a.ts"]);

    // The background import saw the change, and a refresh applies it.
    await second.revalidated();
    expect(imports()).toEqual(["a.ts", "a.ts"]);
    expect(await second.refresh()).toBe(true);
    expect(second.get("a")?.dag.options.schedule).toBe("@hourly");
    expect(await second.refresh()).toBe(false);

    // The cache now holds what that import gave.
    const third = registry();
    await third.refresh();
    expect(third.get("a")?.dag.options.schedule).toBe("@hourly");
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});

it("is not used when the environment differs, or a module of the folder that defines no DAG changed", async () => {
  write("settings.ts", `export const schedule = "@daily";`);
  write("a.ts", `import { schedule } from "./settings.ts";\nexport default dag("a", { schedule }, (d) => { d.task("one", async () => 1); });`);
  await registry({ STAGE: "staging" }).refresh();
  expect(importsOf("a.ts")).toBe(1);

  // Another environment: every file is imported before the refresh returns.
  const production = registry({ STAGE: "production" });
  await production.refresh();
  expect(importsOf("a.ts")).toBe(2);

  // The helper changed: a.ts's own text did not, yet it is imported again at once.
  write("settings.ts", `export const schedule = "@hourly";`, 5);
  const changed = registry({ STAGE: "production" });
  await changed.refresh();
  expect(importsOf("a.ts")).toBe(3);
  expect(changed.get("a")?.dag.options.schedule).toBe("@hourly");
});

it("takes a damaged cache file for no cache", async () => {
  write("a.ts", `export default dag("a", {}, (d) => { d.task("one", async () => 1); });`);
  await registry().refresh();
  const [file] = readdirSync(cacheDir).filter((name) => name.endsWith(".json"));
  const path = join(cacheDir, file ?? "");
  const stored = JSON.parse(readFileSync(path, "utf8")) as { files: Record<string, { dags: unknown[] }> };
  for (const entry of Object.values(stored.files)) entry.dags = [{ exportName: "default", dag: { id: 1 } }];
  writeFileSync(path, JSON.stringify(stored));
  const second = registry();
  await second.refresh();
  expect(second.get("a")?.dag.graph.tasks.map((task) => task.id)).toEqual(["one"]);
  expect(imports()).toEqual(["a.ts", "a.ts"]);
  writeFileSync(path, "{ not json");
  const third = registry();
  await third.refresh();
  expect(third.get("a")).toBeDefined();
});

it("a background import that finds the same DAGs changes nothing; the registered DAG's code is imported on demand", async () => {
  write("a.ts", `export default dag("a", {}, (d) => { d.task("one", async () => 1); });`);
  await registry().refresh();
  const second = registry();
  await second.refresh();
  await second.revalidated();
  expect(await second.refresh()).toBe(false);
  // A DAG without params takes them as given, in the DAG code thread too.
  expect(await second.get("a")?.code.params({}, 1)).toEqual([{}]);
  await second.close();
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
  expect(dagShapeCache(dir, { TRIBUTARY_DAG_CACHE: "false" })).toBeUndefined();
  expect(dagShapeCache(dir, {})).toBeInstanceOf(DagShapeCache);
});
