import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import module from "node:module";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DagDefinitionError, DagImportError, DagNotFoundError, InvalidInputError, ParamsError, type TributaryError } from "../../../src/core/errors.js";
import { findDag, loadDagFile, loadDagFilesSeparately, loadDagFolder, type LoadResult } from "../../../src/dsl/load.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = join(repo, "test/fixtures/dags-load");
const dslUrl = pathToFileURL(join(repo, "src/dsl/index.ts")).href;
/** The DSL as a `.js` path, the way a DAG file names it (a CommonJS `require` cannot take a URL). */
const dslPath = join(repo, "src/dsl/index.js");

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tributary-dsl-load-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/**
 * A copy of the fixture folder plus the files that cannot live in the repository (they would
 * break `tsc`, `eslint` or vitest's test discovery): a TypeScript syntax error and files the loader
 * must skip. The copies import the DSL by absolute URL, since they no longer sit in the repository.
 */
async function materialise(name: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(fixtures, dir, { recursive: true });
  for (const entry of await readdir(dir, { recursive: true })) {
    if (!/\.[jt]s$/.test(entry)) continue;
    const file = join(dir, entry);
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace(/"(?:\.\.\/)+src\/dsl\/index\.js"/g, JSON.stringify(dslUrl)));
  }
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await symlink(join(repo, "node_modules"), join(dir, "node_modules"));
  const throwing = 'throw new Error("this file must not be loaded");\n';
  await writeFile(join(dir, "broken-syntax.ts"), `import { dag } from ${JSON.stringify(dslUrl)};\nexport default dag("broken", {}, (d) => {\n  d.task("a", () => { return 1 +; });\n});\n`);
  await writeFile(join(dir, "helpers.test.ts"), throwing);
  await writeFile(join(dir, "types.d.ts"), "export declare const x: number;\n");
  await writeFile(join(dir, ".hidden.ts"), throwing);
  await mkdir(join(dir, ".cache"));
  await writeFile(join(dir, ".cache", "stale.ts"), throwing);
  await writeFile(join(dir, "notes.md"), "# not a DAG file\n");
  return dir;
}

function errorFor(result: LoadResult, dir: string, file: string): TributaryError[] {
  return result.errors.filter((error) => error.location.file === join(dir, file));
}

describe("loadDagFolder", () => {
  let dir: string;
  let result: LoadResult;

  beforeAll(async () => {
    dir = await materialise("mixed");
    result = await loadDagFolder(dir);
  });

  it("loads the DAGs of the good files, sorted by file, default export first", () => {
    const loaded = result.dags.map(({ dag, file, exportName }) => [dag.id, relative(dir, file), exportName]);
    expect(loaded).toEqual([
      ["good_default", "good.ts", "default"],
      // Of two names for one DAG, the first in the module namespace's (alphabetical) order.
      ["good_second", "good.ts", "alias"],
      ["js_first", "named.js", "js_first"],
      ["js_second", "named.js", "js_second"],
      ["nested_deep", "nested/deep.ts", "default"],
      ["z_unique", "z-duplicate-id.ts", "unique"],
    ]);
    expect(result.dags.every(({ file }) => file.startsWith(dir))).toBe(true);
  });

  it("reports exactly one error per bad file, naming the file", () => {
    const files = result.errors.map((error) => relative(dir, error.location.file ?? ""));
    expect(files).toEqual(["broken-syntax.ts", "cycle.ts", "throws.ts", "z-duplicate-id.ts"]);
  });

  it("reports a file that does not compile as an import error", () => {
    const [error] = errorFor(result, dir, "broken-syntax.ts");
    expect(error).toBeInstanceOf(DagImportError);
    expect(error?.code).toBe("DAG_IMPORT_FAILED");
    expect(error?.message).toMatch(/Unexpected|Expected/);
  });

  it("reports a file that throws with the thrown message", () => {
    const [error] = errorFor(result, dir, "throws.ts");
    expect(error).toBeInstanceOf(DagImportError);
    expect(error?.message).toBe("cannot reach the warehouse");
    expect(error?.describe()).toBe(`${join(dir, "throws.ts")}: cannot reach the warehouse`);
  });

  it("keeps a definition error's class and location, adding the file", () => {
    const [error] = errorFor(result, dir, "cycle.ts");
    expect(error).toBeInstanceOf(DagDefinitionError);
    expect(error?.message).toBe("cycle: a -> b -> c -> a");
    expect(error?.location).toEqual({ file: join(dir, "cycle.ts"), dagId: "cyclic", taskId: "a", field: "after" });
  });

  it("reports a DAG id defined by an earlier file as an error of the later file", () => {
    const [error] = errorFor(result, dir, "z-duplicate-id.ts");
    expect(error).toBeInstanceOf(DagDefinitionError);
    expect(error?.message).toBe(`DAG id "good_default" is already defined in ${join(dir, "good.ts")}`);
    expect(error?.location.dagId).toBe("good_default");
  });

  it("hands out DAGs whose params errors are this copy's classes", () => {
    const { dag } = findDag(result, "good_default");
    expect(dag.parseParams({})).toEqual({ region: "eu" });
    expect(() => dag.parseParams({ regoin: "us" })).toThrow(ParamsError);
    expect(() => dag.parseParams({ regoin: "us" })).toThrow('unknown param "regoin"; known params: region');
  });

  it("finds a DAG by id, or lists the known ids", () => {
    expect(findDag(result, "js_second").exportName).toBe("js_second");
    expect(() => findDag(result, "nope")).toThrow(DagNotFoundError);
    expect(() => findDag(result, "nope")).toThrow(
      'no DAG "nope"; known DAGs: good_default, good_second, js_first, js_second, nested_deep, z_unique',
    );
  });
});

describe("loadDagFilesSeparately", () => {
  it("loads files in one namespace, each with its own result: a broken file and a duplicate id elsewhere do not touch the others", async () => {
    const dir = await mkdtemp(join(scratch, "separately-"));
    await writeFile(join(dir, "package.json"), '{ "type": "module" }');
    await writeFile(join(dir, "helper.ts"), `export const TASK = "shared";\n`);
    const dagFile = (id: string) => `import { dag } from ${JSON.stringify(dslUrl)};\nimport { TASK } from "./helper.js";\nexport default dag(${JSON.stringify(id)}, {}, (d) => { d.task(TASK, () => 1); });\n`;
    await writeFile(join(dir, "a.ts"), dagFile("a"));
    await writeFile(join(dir, "broken.ts"), `import { dag } from ${JSON.stringify(dslUrl)};\nthrow new Error("broken on purpose");\n`);
    // The same id as a.ts: each file is judged alone (which file wins is the caller's choice).
    await writeFile(join(dir, "also-a.ts"), dagFile("a"));
    await writeFile(join(dir, "c.ts"), dagFile("c"));
    const files = ["a.ts", "broken.ts", "also-a.ts", "c.ts", "missing.ts"].map((name) => join(dir, name));

    const results = await loadDagFilesSeparately(files);
    expect([...results.keys()]).toEqual(files);
    const summary = (name: string) => {
      const result = results.get(join(dir, name));
      return { dags: result?.dags.map((d) => [d.dag.id, d.file, d.dag.graph.tasks[0]?.id]), errors: result?.errors.map((e) => e.location.file) };
    };
    expect(summary("a.ts")).toEqual({ dags: [["a", join(dir, "a.ts"), "shared"]], errors: [] });
    expect(summary("also-a.ts")).toEqual({ dags: [["a", join(dir, "also-a.ts"), "shared"]], errors: [] });
    expect(summary("c.ts")).toEqual({ dags: [["c", join(dir, "c.ts"), "shared"]], errors: [] });
    expect(summary("broken.ts")).toEqual({ dags: [], errors: [join(dir, "broken.ts")] });
    expect(results.get(join(dir, "broken.ts"))?.errors[0]?.message).toMatch(/broken on purpose/);
    expect(summary("missing.ts")).toEqual({ dags: [], errors: [join(dir, "missing.ts")] });
  });
});

describe("loadDagFile", () => {
  it("loads a file in place, with its relative imports", async () => {
    const result = await loadDagFile(join(fixtures, "good.ts"));
    expect(result.errors).toEqual([]);
    expect(result.dags.map((d) => [d.dag.id, d.exportName])).toEqual([
      ["good_default", "default"],
      ["good_second", "alias"],
    ]);
    expect(result.dags[0]?.file).toBe(join(fixtures, "good.ts"));
    expect(result.dags[0]?.dag.graph.tasks.map((t) => t.id)).toEqual(["extract", "load"]);
  });

  it("registers module hooks once per thread, however many loads follow", async () => {
    // Node 20 keeps every registered hook for good and runs each import through all of them: a
    // registration per load made the 200th load of a long-lived process cost twice the first.
    const file = join(fixtures, "good.ts");
    await loadDagFile(file, { hangs: "none" });
    const register = vi.spyOn(module, "register");
    try {
      for (let i = 0; i < 3; i++) expect((await loadDagFile(file, { hangs: "none" })).dags).toHaveLength(2);
      expect(register).not.toHaveBeenCalled();
    } finally {
      register.mockRestore();
    }
  });

  it("resolves a relative path to an absolute one", async () => {
    const result = await loadDagFile(relative(process.cwd(), join(fixtures, "named.js")));
    expect(result.dags.map((d) => d.file)).toEqual([join(fixtures, "named.js"), join(fixtures, "named.js")]);
  });

  it("returns nothing, and no error, for a file without DAGs", async () => {
    expect(await loadDagFile(join(fixtures, "no-dag.ts"))).toEqual({ dags: [], errors: [] });
  });

  it("reports a missing file as an import error", async () => {
    const result = await loadDagFile(join(fixtures, "missing.ts"));
    expect(result.dags).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toBeInstanceOf(DagImportError);
    expect(result.errors[0]?.location.file).toBe(join(fixtures, "missing.ts"));
  });

  it("reports two DAGs of one file with the same id", async () => {
    const file = join(scratch, "twice.mts");
    await writeFile(
      file,
      `import { dag } from ${JSON.stringify(dslUrl)};\nexport const a = dag("same", {}, () => undefined);\nexport const b = dag("same", {}, () => undefined);\n`,
    );
    const result = await loadDagFile(file);
    expect(result.dags.map((d) => d.exportName)).toEqual(["a"]);
    expect(result.errors.map((e) => e.message)).toEqual(['DAG id "same" is already defined by another export of this file']);
  });

  it("gives the new version of a file that changed since the last load", async () => {
    const file = join(scratch, "changing.mts");
    const write = (taskId: string) =>
      writeFile(file, `import { dag } from ${JSON.stringify(dslUrl)};\nexport default dag("changing", {}, (d) => { d.task(${JSON.stringify(taskId)}, () => 1); });\n`);

    await write("first");
    const before = await loadDagFile(file);
    await write("second");
    const after = await loadDagFile(file);
    expect(before.dags[0]?.dag.graph.tasks.map((t) => t.id)).toEqual(["first"]);
    expect(after.dags[0]?.dag.graph.tasks.map((t) => t.id)).toEqual(["second"]);
  });

  it.each([
    ["an ES module package", '{ "type": "module" }'],
    ["a CommonJS package", "{}"],
  ])("gives the new version of a module the file imports, in %s", async (_kind, packageJson) => {
    const dir = await mkdtemp(join(scratch, "with-helper-"));
    await writeFile(join(dir, "package.json"), packageJson);
    await writeFile(join(dir, "helper.ts"), `export const TASK = "v1";\n`);
    const file = join(dir, "uses-helper.ts");
    await writeFile(
      file,
      `import { dag } from ${JSON.stringify(dslPath)};\nimport { TASK } from "./helper.js";\nexport default dag("uses_helper", {}, (d) => { d.task(TASK, () => 1); });\n`,
    );
    const first = await loadDagFile(file);
    await writeFile(join(dir, "helper.ts"), `export const TASK = "v2";\n`);
    const second = await loadDagFile(file);
    expect(first.errors).toEqual([]);
    expect(first.dags[0]?.dag.graph.tasks[0]?.id).toBe("v1");
    expect(second.dags[0]?.dag.graph.tasks[0]?.id).toBe("v2");
  });

  it("loads a TypeScript file outside an ES module package (compiled to CommonJS)", async () => {
    const dir = join(scratch, "commonjs");
    await mkdir(dir);
    await writeFile(join(dir, "package.json"), "{}\n");
    const file = join(dir, "legacy.ts");
    await writeFile(
      file,
      `import { dag } from ${JSON.stringify(dslPath)};\nexport default dag("legacy", {}, (d) => { d.task("t", () => 1); });\nexport const other = dag("legacy_other", {}, () => undefined);\n`,
    );
    const result = await loadDagFile(file);
    expect(result.errors).toEqual([]);
    expect(result.dags.map((d) => [d.dag.id, d.exportName])).toEqual([
      ["legacy", "default"],
      ["legacy_other", "other"],
    ]);
  });
});

describe("loadDagFolder with a DAG file that imports another", () => {
  it("gives the imported file one module instance in the load: its DAG once, with no duplicate id", async () => {
    const dir = await mkdtemp(join(scratch, "reexport-"));
    await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
    await writeFile(join(dir, "base.ts"), `import { dag } from ${JSON.stringify(dslUrl)};\nexport const base = dag("base", {}, (d) => { d.task("t", () => 1); });\n`);
    await writeFile(join(dir, "more.ts"), `export { base } from "./base.js";\n`);
    const result = await loadDagFolder(dir, { hangs: "none" });
    expect(result.errors.map((e) => e.message)).toEqual([]);
    expect(result.dags.map((d) => [d.dag.id, d.file])).toEqual([["base", join(dir, "base.ts")]]);
  });
});

describe("loadDagFolder on a folder that cannot be read", () => {
  it("throws an input error naming the folder", async () => {
    const missing = join(fixtures, "no-such-folder");
    await expect(loadDagFolder(missing)).rejects.toThrow(InvalidInputError);
    await expect(loadDagFolder(missing)).rejects.toThrow(`cannot read the DAG folder ${missing}`);
  });
});
