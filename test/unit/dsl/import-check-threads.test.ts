/**
 * The import check's threads are kept for the next check of the process: a thread's start (tsx's
 * hooks, dag-shape.ts) is most of a small check's cost. A kept thread must still give each check
 * what a new thread would: the files and the modules they import as they are now, the process's
 * environment as it is now, and no blame for what an earlier check's file left running.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { evaluateDagFiles } from "../../../src/dsl/evaluate-dag-files.js";
import { checkThreadsStarted } from "../../../src/dsl/import-check.js";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../../../");
const DSL = JSON.stringify(join(repo, "src/dsl/index.js"));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-check-threads-"));
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new folder `name` with `files` (name: content); `esm`: it is an ES module package. */
function folder(name: string, files: Record<string, string>, esm = true): string {
  const path = join(dir, name);
  mkdirSync(path);
  writeInto(path, { ...(esm ? { "package.json": '{ "type": "module" }\n' } : {}), ...files });
  return path;
}

function writeInto(path: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
}

async function dagIds(file: string): Promise<string[]> {
  const result = (await evaluateDagFiles([file])).get(file);
  expect(result?.errors.map((error) => error.message)).toEqual([]);
  return result?.dags.map((entry) => entry.dag.id) ?? [];
}

it("runs checks one after another in one thread", async () => {
  const path = folder("reuse", { "one.ts": `import { dag } from ${DSL};\nexport default dag("one", {}, (d) => { d.task("a", async () => 1); });\n` });
  const file = join(path, "one.ts");
  await dagIds(file);
  const before = checkThreadsStarted();
  for (let i = 0; i < 3; i++) expect(await dagIds(file)).toEqual(["one"]);
  expect(checkThreadsStarted() - before).toBe(0);
});

it("gives a kept thread's check the new version of a file and of the ES module it imports", async () => {
  const path = folder("esm-helper", {
    "helper.ts": `export const version = 1;\n`,
    "dag.ts": `import { dag } from ${DSL};\nimport { version } from "./helper.js";\nexport default dag("v" + version, {}, (d) => { d.task("a", async () => 1); });\n`,
  });
  const file = join(path, "dag.ts");
  expect(await dagIds(file)).toEqual(["v1"]);
  writeInto(path, { "helper.ts": `export const version = 2;\n` });
  expect(await dagIds(file)).toEqual(["v2"]);
});

it("gives a kept thread's check the new version of a CommonJS helper", async () => {
  const path = folder(
    "cjs-helper",
    {
      "helper.ts": `export const version = 1;\n`,
      "dag.ts": `import { dag } from ${DSL};\nimport { version } from "./helper";\nexport default dag("c" + version, {}, (d) => { d.task("a", async () => 1); });\n`,
    },
    false,
  );
  const file = join(path, "dag.ts");
  expect(await dagIds(file)).toEqual(["c1"]);
  writeInto(path, { "helper.ts": `export const version = 2;\n` });
  expect(await dagIds(file)).toEqual(["c2"]);
});

it("gives a kept thread's check the process's environment as it is at the check", async () => {
  const path = folder("env", { "dag.ts": `import { dag } from ${DSL};\nexport default dag("env_" + (process.env["TRIBUTARY_TEST_REGION"] ?? "none"), {}, (d) => { d.task("a", async () => 1); });\n` });
  const file = join(path, "dag.ts");
  try {
    process.env["TRIBUTARY_TEST_REGION"] = "eu";
    expect(await dagIds(file)).toEqual(["env_eu"]);
    process.env["TRIBUTARY_TEST_REGION"] = "us";
    expect(await dagIds(file)).toEqual(["env_us"]);
    delete process.env["TRIBUTARY_TEST_REGION"];
    expect(await dagIds(file)).toEqual(["env_none"]);
  } finally {
    delete process.env["TRIBUTARY_TEST_REGION"];
  }
});

it("does not blame a later check's file for a timer an earlier check's file left, which ends its thread", async () => {
  const path = folder("leftover", {
    // Imports fine, and ends its thread half a second later.
    "leaves.ts": `import { dag } from ${DSL};\nsetTimeout(() => process.exit(4), 500);\nexport default dag("leaves", {}, (d) => { d.task("a", async () => 1); });\n`,
    "slow.ts": `import { dag } from ${DSL};\nawait new Promise((r) => setTimeout(r, 1_500));\nexport default dag("slow", {}, (d) => { d.task("a", async () => 1); });\n`,
  });
  expect(await dagIds(join(path, "leaves.ts"))).toEqual(["leaves"]);
  expect(await dagIds(join(path, "slow.ts"))).toEqual(["slow"]);
});

it("prints a file's output once a load (passed on from a check that evaluates it, dropped from one the process's import follows), and a kept thread lets the process exit", async () => {
  const path = folder("output", { "dag.ts": `import { dag } from ${DSL};\nconsole.log("printed at import");\nexport default dag("prints", {}, (d) => { d.task("a", async () => 1); });\n` });
  const file = JSON.stringify(join(path, "dag.ts"));
  const script = `
    const { evaluateDagFiles } = await import(${JSON.stringify(join(repo, "src/dsl/evaluate-dag-files.js"))});
    const { loadDagFolder } = await import(${JSON.stringify(join(repo, "src/dsl/load.js"))});
    await evaluateDagFiles([${file}]);
    console.log("--");
    await loadDagFolder(${JSON.stringify(path)});
    console.log("--");
    await evaluateDagFiles([${file}]);`;
  writeFileSync(join(dir, "load.mts"), script);
  const started = Date.now();
  const { stdout } = await run(process.execPath, ["--import", "tsx", join(dir, "load.mts")], { cwd: repo });
  // A thread kept for 10 s would hold the process that long.
  expect(Date.now() - started).toBeLessThan(8_000);
  expect(stdout).toBe("printed at import\n--\nprinted at import\n--\nprinted at import\n");
});
