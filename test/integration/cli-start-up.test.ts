/**
 * What a command loads before it works: the built CLI must not load zod without a config file to
 * check, and loads kysely as the one bundled module of `npm run build` (scripts/vendor-kysely.ts),
 * not as the package's 260 files. Each of them cost every command about 0.1 s (BENCHMARKS.md).
 * Loading a DAG file that has neither params nor approvals loads no zod either: every task process
 * loads its DAG files (dsl/form-json-schema.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../bin/tributary.js");
const DSL = resolve(import.meta.dirname, "../../dist/index.js");

describe("a command's start", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tributary-start-up-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the built CLI in `dir`, and returns every module URL it loaded. */
  function modulesLoadedBy(args: readonly string[]): string[] {
    return modulesLoaded([BIN, ...args]);
  }

  /** Runs Node on these arguments in `dir`, and returns every module URL it loaded. */
  function modulesLoaded(args: readonly string[]): string[] {
    const log = join(dir, "loaded.txt");
    const hooks = join(dir, "hooks.mjs");
    writeFileSync(hooks, `import { appendFileSync } from "node:fs";\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(log)}, url + "\\n");\n  return next(url, context);\n}\n`);
    const register = join(dir, "register.mjs");
    writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const result = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, ...args], { cwd: dir, encoding: "utf8", timeout: 30_000 });
    expect(result.status, result.stderr).toBe(0);
    return readFileSync(log, "utf8").trim().split("\n");
  }

  it("opens the store with kysely's bundle, and without zod when there is no config file", () => {
    const loaded = modulesLoadedBy(["runs", "list", "some_dag"]);
    expect(loaded.some((url) => url.endsWith("/dist/vendor/kysely.js"))).toBe(true);
    expect(loaded.filter((url) => url.includes("/node_modules/kysely/"))).toEqual([]);
    expect(loaded.filter((url) => url.includes("/node_modules/zod/"))).toEqual([]);
    // It did open the store.
    expect(loaded.some((url) => url.endsWith("/dist/store/sqlite/open-sqlite-store.js"))).toBe(true);
  });

  it("defines a DAG without params or approvals without loading zod", () => {
    // What a task process does first: import a DAG file, which imports Tributary's DSL.
    const file = join(dir, "plain.mjs");
    writeFileSync(file, `import { dag } from ${JSON.stringify(pathToFileURL(DSL).href)};\nexport default dag("plain", {}, (d) => {\n  d.task("one", () => 1);\n});\n`);
    const loaded = modulesLoaded([file]);
    expect(loaded.some((url) => url.endsWith("/dist/dsl/approval-options.js"))).toBe(true);
    expect(loaded.filter((url) => url.includes("/node_modules/zod/"))).toEqual([]);
  });
});
