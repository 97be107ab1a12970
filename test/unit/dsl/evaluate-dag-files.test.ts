import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { DagDefinitionError, DagImportError } from "../../../src/core/errors.js";
import { evaluateDagFiles } from "../../../src/dsl/evaluate-dag-files.js";

const DSL = resolve(import.meta.dirname, "../../../src/dsl/index.js");
// The files sit in a temporary folder, outside this package's node_modules.
const ZOD = import.meta.resolve("zod");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-evaluate-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `import { dag } from ${JSON.stringify(DSL)};\nimport { z } from ${JSON.stringify(ZOD)};\n${body}\n`);
  return file;
}

it("gives each file's DAGs as data, made in the import check's thread: this thread never runs the file", async () => {
  const file = write(
    "sales.ts",
    `(globalThis as Record<string, unknown>).salesFileRan = true;
export default dag("sales", { schedule: "@daily", startDate: "2026-01-01", params: z.object({ region: z.string().default("eu"), limit: z.number().default(10) }) }, (d) => {
  const extract = d.task("extract", async () => 1);
  d.task("load", { inputs: { extract }, retries: 2 }, async () => null);
});
export const other = dag("other", {}, (d) => { d.task("one", async () => 1); });`,
  );
  const results = await evaluateDagFiles([file]);
  const result = results.get(file);
  expect(result?.errors).toEqual([]);
  expect(result?.dags.map((entry) => [entry.dag.id, entry.exportName, entry.file])).toEqual([
    ["sales", "default", file],
    ["other", "other", file],
  ]);
  const sales = result?.dags[0]?.dag;
  expect(sales?.options.schedule).toBe("@daily");
  expect(sales?.graph.tasks.map((task) => [task.id, task.upstream])).toEqual([
    ["extract", []],
    ["load", ["extract"]],
  ]);
  expect(sales?.graph.tasks[1]?.retry.retries).toBe(2);
  // The trigger form's schema, without the zod schema itself.
  expect(sales?.declaresParams).toBe(true);
  expect(result?.dags[1]?.dag.declaresParams).toBe(false);
  expect(sales?.paramsJsonSchema).toMatchObject({ type: "object", properties: { region: { type: "string", default: "eu" } } });
  expect((globalThis as Record<string, unknown>)["salesFileRan"]).toBeUndefined();
});

it("reports each file's errors as this copy's classes, with the file, and goes on with the others", async () => {
  const good = write("good.ts", `export default dag("good", {}, (d) => { d.task("one", async () => 1); });`);
  const cycle = write("cycle.ts", `export default dag("cycle", {}, (d) => { d.task("a", { after: ["b"] }, async () => 1); d.task("b", { after: ["a"] }, async () => 1); });`);
  const throws = write("throws.ts", `throw new Error("no database at import");`);
  const twice = write("twice.ts", `export const a = dag("same", {}, (d) => { d.task("one", async () => 1); });\nexport const b = dag("same", {}, (d) => { d.task("two", async () => 1); });`);
  const results = await evaluateDagFiles([good, cycle, throws, twice]);

  expect(results.get(good)?.dags.map((entry) => entry.dag.id)).toEqual(["good"]);
  const cycleError = results.get(cycle)?.errors[0];
  expect(cycleError).toBeInstanceOf(DagDefinitionError);
  expect(cycleError?.location).toMatchObject({ file: cycle, dagId: "cycle", field: "after" });
  const thrown = results.get(throws)?.errors[0];
  expect(thrown).toBeInstanceOf(DagImportError);
  expect(thrown?.message).toMatch(/no database at import/);
  expect(thrown?.location.file).toBe(throws);
  // The first DAG with an id stays; the second is an error of the file.
  expect(results.get(twice)?.dags.map((entry) => entry.dag.graph.tasks[0]?.id)).toEqual(["one"]);
  expect(results.get(twice)?.errors[0]?.message).toMatch(/DAG id "same" is already defined by another export of this file/);
});

it("imports a file that throws only off the main thread in the process instead, and reports its errors as before", async () => {
  const mainOnly = write(
    "main_only.ts",
    `import { isMainThread } from "node:worker_threads";
if (!isMainThread) throw new Error("this library runs on the main thread only");
export default dag("main_only", {}, (d) => { d.task("one", async () => 1); });`,
  );
  const broken = write("broken.ts", `throw new TypeError("no table named orders");`);
  const results = await evaluateDagFiles([mainOnly, broken]);
  expect(results.get(mainOnly)?.errors).toEqual([]);
  expect(results.get(mainOnly)?.dags.map((entry) => entry.dag.graph.tasks.map((task) => task.id))).toEqual([["one"]]);
  const error = results.get(broken)?.errors[0];
  expect(error).toBeInstanceOf(DagImportError);
  expect(error?.message).toMatch(/no table named orders/);
  expect((error?.cause as Error | undefined)?.name).toBe("TypeError");
});
