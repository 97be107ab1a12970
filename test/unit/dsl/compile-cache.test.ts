/**
 * The compiled form of a DAG file is cached on disk by content (tsx's transform cache, one entry
 * per compile), so a process that starts again compiles none of the files it compiled before, and a
 * file whose content changed is compiled again. Each load runs in a child process with a TMPDIR of
 * its own, so the cache starts empty and its entries can be counted. The DAG files sit outside a
 * `"type": "module"` package, so tsx compiles them to CommonJS: the case whose cache never hit while
 * every load used a random tsx namespace (the namespace is part of the compiled code).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const dsl = JSON.stringify(join(repo, "src/dsl/index.js"));
const dagFile = (id: string) => `import { dag } from ${dsl};\nexport default dag(${JSON.stringify(id)}, {}, (d) => { d.task("a", () => 1); });\n`;

// Loads the folder as a service does (the import check in a thread, then the process's own import).
const LOADER = `
const { loadDagFolder } = await import(${JSON.stringify(pathToFileURL(join(repo, "src/dsl/load.ts")).href)});
const result = await loadDagFolder(process.argv[2]);
process.stdout.write(JSON.stringify({ dags: result.dags.map((d) => d.dag.id).sort(), errors: result.errors.map((e) => e.message) }));
`;

let scratch: string;
let dags: string;
let cacheRoot: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tributary-compile-cache-"));
  dags = join(scratch, "dags");
  cacheRoot = join(scratch, "tmp");
  await mkdir(dags);
  await mkdir(cacheRoot);
  await writeFile(join(scratch, "loader.mjs"), LOADER);
  for (const id of ["one", "two", "three"]) await writeFile(join(dags, `${id}.ts`), dagFile(id));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Loads the DAG folder in a new process; returns what it loaded and how many compiles the cache holds afterwards. */
async function loadInNewProcess(): Promise<{ dags: string[]; errors: string[]; cached: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(scratch, "loader.mjs"), dags], {
    cwd: repo,
    env: { ...process.env, TMPDIR: cacheRoot, TSX_DISABLE_CACHE: "" },
  });
  const loaded = JSON.parse(stdout) as { dags: string[]; errors: string[] };
  return { ...loaded, cached: await countCacheEntries() };
}

async function countCacheEntries(): Promise<number> {
  let count = 0;
  for (const folder of await readdir(cacheRoot)) {
    if (folder.startsWith("tsx-")) count += (await readdir(join(cacheRoot, folder))).length;
  }
  return count;
}

describe("the DAG file compile cache", () => {
  it("compiles nothing again when a new process loads the same files", async () => {
    const first = await loadInNewProcess();
    expect(first).toMatchObject({ dags: ["one", "three", "two"], errors: [] });
    expect(first.cached).toBeGreaterThan(0);
    const second = await loadInNewProcess();
    expect(second).toMatchObject({ dags: ["one", "three", "two"], errors: [] });
    expect(second.cached).toBe(first.cached);
  }, 60_000);

  it("compiles a file again when its content changes, and loads the new version", async () => {
    const before = await loadInNewProcess();
    await writeFile(join(dags, "two.ts"), dagFile("two_changed"));
    const after = await loadInNewProcess();
    expect(after).toMatchObject({ dags: ["one", "three", "two_changed"], errors: [] });
    // The changed file alone, once: the import check's thread imports it at the URL the process's
    // load then imports it at, and tsx writes that URL into the CommonJS it compiles.
    expect(after.cached - before.cached).toBe(1);
  }, 60_000);
});
