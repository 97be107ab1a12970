import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { DagRegistry } from "../../../src/scheduler/dag-registry.js";

const DSL = resolve(import.meta.dirname, "../../../src/dsl/index.js");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-registry-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a DAG file and moves its mtime forward, so a reload sees a change even within one second. */
function write(name: string, body: string, bump = 0): void {
  const file = join(dir, name);
  writeFileSync(file, `import { dag } from ${JSON.stringify(DSL)};\n${body}\n`);
  const later = new Date(Date.now() + bump * 1_000);
  utimesSync(file, later, later);
}

it("reloads changed, added and removed files; a broken file keeps its last good DAGs and reports its error", async () => {
  write("a.ts", `export default dag("a", { schedule: "@daily" }, (d) => { d.task("one", async () => 1); });`);
  const registry = new DagRegistry(dir);
  expect(await registry.refresh()).toBe(true);
  expect([...registry.all().keys()]).toEqual(["a"]);
  expect(registry.get("a")?.schedule.kind).toBe("cron");
  expect(await registry.refresh()).toBe(false);

  // Changed: the new version replaces the old one.
  write("a.ts", `export default dag("a", { schedule: { every: "1m" } }, (d) => { d.task("one", async () => 1); d.task("two", async () => 2); });`, 5);
  write("b.ts", `export default dag("b", {}, (d) => { d.task("x", async () => 0); });`, 5);
  expect(await registry.refresh()).toBe(true);
  expect(registry.get("a")?.dag.graph.tasks.map((t) => t.id)).toEqual(["one", "two"]);
  expect(registry.get("a")?.schedule.kind).toBe("interval");
  expect([...registry.all().keys()].sort()).toEqual(["a", "b"]);

  // Broken: the last good version keeps running, and the error names the file.
  write("a.ts", `export default dag("a", {}, (d) => { d.task("one", { after: ["missing"] }, async () => 1); });`, 10);
  await registry.refresh();
  expect(registry.get("a")?.dag.graph.tasks.map((t) => t.id)).toEqual(["one", "two"]);
  expect(registry.importErrors()).toHaveLength(1);
  expect(registry.importErrors()[0]?.location.file).toBe(join(dir, "a.ts"));
  expect(registry.importErrors()[0]?.message).toMatch(/missing/);

  // Removed: its DAGs are gone.
  unlinkSync(join(dir, "b.ts"));
  await registry.refresh();
  expect(registry.get("b")).toBeUndefined();
});

it("loads the files of one refresh together, yet one broken file neither stops the others nor loses its last good version", async () => {
  write("a.ts", `export default dag("a", {}, (d) => { d.task("one", async () => 1); });`);
  write("b.ts", `export default dag("b", {}, (d) => { d.task("one", async () => 1); });`);
  const registry = new DagRegistry(dir);
  await registry.refresh();
  expect([...registry.all().keys()].sort()).toEqual(["a", "b"]);

  // Three files change in one refresh: a breaks, b gets a new version, c is added.
  write("a.ts", `throw new Error("a is broken");`, 5);
  write("b.ts", `export default dag("b", {}, (d) => { d.task("one", async () => 1); d.task("two", async () => 2); });`, 5);
  write("c.ts", `export default dag("c", {}, (d) => { d.task("x", async () => 0); });`, 5);
  expect(await registry.refresh()).toBe(true);
  expect(registry.get("a")?.dag.graph.tasks.map((t) => t.id)).toEqual(["one"]);
  expect(registry.get("b")?.dag.graph.tasks.map((t) => t.id)).toEqual(["one", "two"]);
  expect(registry.get("c")?.dag.graph.tasks.map((t) => t.id)).toEqual(["x"]);
  expect(registry.importErrors().map((e) => [e.location.file, e.message.includes("a is broken")])).toEqual([[join(dir, "a.ts"), true]]);

  // Fixed: the error is gone and the new version runs.
  write("a.ts", `export default dag("a", {}, (d) => { d.task("fixed", async () => 1); });`, 10);
  await registry.refresh();
  expect(registry.get("a")?.dag.graph.tasks.map((t) => t.id)).toEqual(["fixed"]);
  expect(registry.importErrors()).toEqual([]);
});

it("never runs a DAG file in this thread: a params schema runs in the DAG code thread, its defaults once for each run", async () => {
  const ZOD = JSON.stringify(import.meta.resolve("zod"));
  const ran = (name: string) => `(globalThis as Record<string, unknown>)["${name}"] = true;`;
  write("plain.ts", `${ran("registryPlainRan")}\nexport default dag("plain", {}, (d) => { d.task("one", async () => 1); });`);
  write(
    "with_params.ts",
    `import { z } from ${ZOD};\n${ran("registryParamsRan")}\nlet runs = 0;
export default dag("with_params", { params: z.object({ n: z.coerce.number().default(1), run: z.number().default(() => ++runs) }) }, (d) => { d.task("one", async () => 1); });`,
  );
  const registry = new DagRegistry(dir, { cache: false });
  try {
    await registry.refresh();
    const entry = registry.get("with_params");
    expect(await entry?.code.params({ n: "5" }, 3)).toEqual([
      { n: 5, run: 1 },
      { n: 5, run: 2 },
      { n: 5, run: 3 },
    ]);
    await expect(entry?.code.params({ n: "x" }, 1)).rejects.toMatchObject({ name: "ParamsError", location: { dagId: "with_params", field: "n" } });
    const globals = globalThis as Record<string, unknown>;
    expect(globals["registryPlainRan"]).toBeUndefined();
    expect(globals["registryParamsRan"]).toBeUndefined();
  } finally {
    await registry.close();
  }
});

it("imports a file's code once for all of its DAGs, however many ask", async () => {
  const ZOD = JSON.stringify(import.meta.resolve("zod"));
  // Each import of the file counts itself; a param's default says how many there were.
  const counter = `const g = globalThis as Record<string, number>;\ng["registryTwoDagImports"] = (g["registryTwoDagImports"] ?? 0) + 1;`;
  write(
    "two.ts",
    `import { z } from ${ZOD};\n${counter}
const params = z.object({ imports: z.number().default(() => g["registryTwoDagImports"] ?? 0) });
export const first = dag("first", { params }, (d) => { d.task("one", async () => 1); });
export const second = dag("second", { params }, (d) => { d.task("one", async () => 1); });`,
  );
  const registry = new DagRegistry(dir, { cache: false });
  try {
    await registry.refresh();
    const [first, second] = await Promise.all([registry.get("first")?.code.params({}, 1), registry.get("second")?.code.params({}, 1)]);
    // Asked again later, in another turn: still the same load.
    const again = await new Promise((resolve) => setTimeout(() => resolve(registry.get("second")?.code.params({}, 1)), 50));
    expect([first, second, again]).toEqual([[{ imports: 1 }], [{ imports: 1 }], [{ imports: 1 }]]);
    // Registered again (the file was touched, its text is the same): still the same load.
    const later = new Date(Date.now() + 10_000);
    utimesSync(join(dir, "two.ts"), later, later);
    expect(await registry.refresh()).toBe(true);
    expect(await registry.get("first")?.code.params({}, 1)).toEqual([{ imports: 1 }]);
    expect((globalThis as Record<string, unknown>)["registryTwoDagImports"]).toBeUndefined();
  } finally {
    await registry.close();
  }
});
