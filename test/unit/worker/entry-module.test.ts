/** Which module a task process or thread starts from (runtime/entry-module.ts). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";
import { entryModule } from "../../../src/runtime/entry-module.js";

const root = mkdtempSync(join(tmpdir(), "tributary-entry-"));
for (const file of ["src/worker/pool.ts", "src/worker/task.ts", "dist/worker/pool.js", "dist/worker/task.js", "src/worker/only-source.ts"]) {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), "");
}
const url = (file: string) => pathToFileURL(join(root, file)).href;

afterAll(() => rmSync(root, { recursive: true, force: true }));

it("starts the module of the starter's own build: TypeScript beside source, JavaScript beside dist/", () => {
  expect(entryModule(url("src/worker/pool.ts"), "task", {})).toEqual({ path: join(root, "src/worker/task.ts"), typescript: true });
  expect(entryModule(url("dist/worker/pool.js"), "task", {})).toEqual({ path: join(root, "dist/worker/task.js"), typescript: false });
  expect(entryModule(url("dist/worker/pool.js"), "task", { TRIBUTARY_BUILT_ENTRIES: "1" })).toEqual({ path: join(root, "dist/worker/task.js"), typescript: false });
});

it("with TRIBUTARY_BUILT_ENTRIES=1, starts dist/'s module from source, where dist/ has it", () => {
  expect(entryModule(url("src/worker/pool.ts"), "task", { TRIBUTARY_BUILT_ENTRIES: "1" })).toEqual({ path: join(root, "dist/worker/task.js"), typescript: false });
  expect(entryModule(url("src/worker/pool.ts"), "only-source", { TRIBUTARY_BUILT_ENTRIES: "1" })).toEqual({ path: join(root, "src/worker/only-source.ts"), typescript: true });
  expect(entryModule(url("src/worker/pool.ts"), "task", { TRIBUTARY_BUILT_ENTRIES: "0" })).toEqual({ path: join(root, "src/worker/task.ts"), typescript: true });
});
