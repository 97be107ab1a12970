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

it("never runs a DAG file in this thread to register it; the code of a DAG that takes params is imported in the background", async () => {
  const ZOD = JSON.stringify(import.meta.resolve("zod"));
  const ran = (name: string) => `(globalThis as Record<string, unknown>)["${name}"] = true;`;
  write("plain.ts", `${ran("registryPlainRan")}\nexport default dag("plain", {}, (d) => { d.task("one", async () => 1); });`);
  write(
    "with_params.ts",
    `import { z } from ${ZOD};\n${ran("registryParamsRan")}\nexport default dag("with_params", { params: z.object({ n: z.coerce.number().default(1) }) }, (d) => { d.task("one", async () => 1); });`,
  );
  const registry = new DagRegistry(dir, { cache: false });
  await registry.refresh();
  const globals = globalThis as Record<string, unknown>;
  expect(globals["registryPlainRan"]).toBeUndefined();
  // Nothing asked for it: the registry imports it so that a first trigger with params need not wait.
  await expect.poll(() => globals["registryParamsRan"], { timeout: 15_000 }).toBe(true);
  const code = await registry.get("with_params")?.code();
  expect(code?.parseParams({ n: "5" })).toEqual({ n: 5 });
  expect(globals["registryPlainRan"]).toBeUndefined();
});

it("imports a file's code into this process once for all of its DAGs, however many ask", async () => {
  const ZOD = JSON.stringify(import.meta.resolve("zod"));
  const counter = `(globalThis as Record<string, number>)["registryTwoDagImports"] = ((globalThis as Record<string, number>)["registryTwoDagImports"] ?? 0) + 1;`;
  write(
    "two.ts",
    `import { z } from ${ZOD};\n${counter}
const params = z.object({ n: z.number().default(1) });
export const first = dag("first", { params }, (d) => { d.task("one", async () => 1); });
export const second = dag("second", { params }, (d) => { d.task("one", async () => 1); });`,
  );
  const registry = new DagRegistry(dir, { cache: false });
  await registry.refresh();
  const [first, second] = await Promise.all([registry.get("first")?.code(), registry.get("second")?.code()]);
  // Asked again later, in another turn: still the same load.
  const again = await new Promise((resolve) => setTimeout(() => resolve(registry.get("second")?.code()), 50));
  expect(first?.id).toBe("first");
  expect(second?.id).toBe("second");
  expect(again).toBe(second);
  expect((globalThis as unknown as Record<string, number>)["registryTwoDagImports"]).toBe(1);
  // Registered again (the file was touched, its text is the same): still the same load.
  const later = new Date(Date.now() + 10_000);
  utimesSync(join(dir, "two.ts"), later, later);
  expect(await registry.refresh()).toBe(true);
  expect(await registry.get("first")?.code()).toBe(first);
  expect((globalThis as unknown as Record<string, number>)["registryTwoDagImports"]).toBe(1);
});
