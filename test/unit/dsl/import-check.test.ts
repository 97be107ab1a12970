/**
 * DAG files that hang at import: a long top-level await, one that never settles, an endless loop,
 * a blocking wait, a process.exit. Each becomes an import error for its file, within the import
 * timeout, and the other files load.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagImportError, type TributaryError } from "../../../src/core/errors.js";
import { DagImportCheck, dagImportTimeoutMs } from "../../../src/dsl/import-check.js";
import { loadDagFolder } from "../../../src/dsl/load.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const dsl = JSON.stringify(join(repo, "src/dsl/index.js"));
const dagFile = (id: string, topLevel = "") => `import { dag } from ${dsl};\n${topLevel}\nexport default dag(${JSON.stringify(id)}, {}, (d) => { d.task("a", () => 1); });\n`;

let dir: string;

/**
 * The timeout of the folders with hanging files: a good file beside them gets the same, and
 * imports the DSL through tsx (past 2 s once under a loaded suite: hanging-dag-files.test.ts).
 */
const HANG_TIMEOUT = "4s";

/** Runs `fn` with TRIBUTARY_DAG_IMPORT_TIMEOUT set to `value`. */
async function withImportTimeout(value: string, fn: () => Promise<void>): Promise<void> {
  process.env["TRIBUTARY_DAG_IMPORT_TIMEOUT"] = value;
  try {
    await fn();
  } finally {
    delete process.env["TRIBUTARY_DAG_IMPORT_TIMEOUT"];
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tributary-import-check-"));
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await symlink(join(repo, "node_modules"), join(dir, "node_modules"));
  await writeFile(join(dir, "a-good.ts"), dagFile("good"));
  await writeFile(join(dir, "b-sleeps.ts"), dagFile("sleeps", "await new Promise((r) => setTimeout(r, 600_000));"));
  await writeFile(join(dir, "c-never.ts"), dagFile("never", "await new Promise(() => {});"));
  await writeFile(join(dir, "d-loops.ts"), dagFile("loops", "while (Date.now() > 0) { /* forever */ }"));
  await writeFile(join(dir, "e-exits.ts"), dagFile("exits", "process.exit(3);"));
  await writeFile(join(dir, "f-throws.ts"), dagFile("throws", 'throw new Error("broken on purpose");'));
  await writeFile(join(dir, "g-good.ts"), dagFile("also_good"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loading a folder with files that hang at import", () => {
  it("makes each one an import error naming its file, within the timeout, and loads the others", async () => {
    await withImportTimeout(HANG_TIMEOUT, async () => {
      const started = Date.now();
      const { dags, errors } = await loadDagFolder(dir);
      const elapsed = Date.now() - started;
      expect(dags.map((d) => d.dag.id).sort()).toEqual(["also_good", "good"]);
      const byFile = new Map(errors.map((e) => [e.location.file?.split("/").at(-1), e]));
      expect([...byFile.keys()].sort()).toEqual(["b-sleeps.ts", "c-never.ts", "d-loops.ts", "e-exits.ts", "f-throws.ts"]);
      expect(byFile.get("b-sleeps.ts")?.message).toMatch(/did not finish within 4\.00s \(TRIBUTARY_DAG_IMPORT_TIMEOUT\)/);
      expect(byFile.get("d-loops.ts")?.message).toMatch(/did not finish within/);
      // Alone, a file that awaits what nothing settles ends its thread at once ("never finished").
      // Checked beside a file that sleeps, it cannot be told apart from a slow wait until the timeout.
      expect(byFile.get("c-never.ts")?.message).toMatch(/never finished: its top-level code awaits a promise that nothing settles|did not finish within 4\.00s/);
      expect(byFile.get("e-exits.ts")?.message).toMatch(/process\.exit/);
      // A file that throws keeps its own error, from the process's own import.
      expect(byFile.get("f-throws.ts")?.message).toMatch(/broken on purpose/);
      for (const error of errors) expect(error).toBeInstanceOf(DagImportError);
      // Two timeouts, the rest quick: the process itself never waited on a hanging file (which
      // would never end). Beside three other test files on 2 cores it took 16.7 s with 1.5 s timeouts.
      expect(elapsed).toBeLessThan(45_000);
    });
  });

  it("imports files side by side, in the check's thread and in the process: a file waiting on another file's import is not stuck behind it", async () => {
    // One file at a time, a folder of 3,000 spent most of its time waiting on tsx's hooks thread.
    const sideBySide = join(dir, "side-by-side");
    await mkdir(sideBySide);
    const opened = "(globalThis as { sideBySideOpened?: boolean })";
    await writeFile(join(sideBySide, "a-waits.ts"), dagFile("waits", `await new Promise((r) => { const look = () => (${opened}.sideBySideOpened ? r(null) : setTimeout(look, 5)); look(); });`));
    await writeFile(join(sideBySide, "b-opens.ts"), dagFile("opens", `${opened}.sideBySideOpened = true;`));
    await withImportTimeout("3s", async () => {
      const { dags, errors } = await loadDagFolder(sideBySide);
      expect(errors.map((e) => e.message)).toEqual([]);
      // Recorded in the files' order, whichever import ended first.
      expect(dags.map((d) => d.dag.id)).toEqual(["waits", "opens"]);
    });
  });

  it("after a file blocks the thread, checks the files in flight with it one at a time, then the rest side by side again", async () => {
    const folder = join(dir, "after-a-block");
    await mkdir(folder);
    // Blocked without spinning (the first test's endless loop holds a core for each of its two
    // timeouts): to the check, a thread that stops beating is blocked, whatever blocks it.
    await writeFile(join(folder, "a-blocks.ts"), dagFile("blocks_first", "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);"));
    for (let i = 0; i < 40; i++) await writeFile(join(folder, `b-good-${String(i).padStart(2, "0")}.ts`), dagFile(`good_${i}`));
    // Only side by side can this pair load: the first waits for the second's import.
    const opened = "(globalThis as { afterBlockOpened?: boolean })";
    await writeFile(join(folder, "y-waits.ts"), dagFile("waits_late", `await new Promise((r) => { const look = () => (${opened}.afterBlockOpened ? r(null) : setTimeout(look, 5)); look(); });`));
    await writeFile(join(folder, "z-opens.ts"), dagFile("opens_late", `${opened}.afterBlockOpened = true;`));
    await withImportTimeout(HANG_TIMEOUT, async () => {
      const { dags, errors } = await loadDagFolder(folder);
      expect(errors.map((e) => [e.location.file?.split("/").at(-1), e.message.slice(0, 60)])).toEqual([["a-blocks.ts", "importing the file did not finish within 4.00s (TRIBUTARY_DA"]]);
      expect(dags).toHaveLength(42);
    });
  });

  it("stops at once when asked to (a process that is stopping), leaving no file half-judged", async () => {
    const controller = new AbortController();
    const check = new DagImportCheck([join(dir, "b-sleeps.ts"), join(dir, "g-good.ts")], { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const verdicts = await Promise.all([check.verdict(join(dir, "b-sleeps.ts")), check.verdict(join(dir, "g-good.ts"))]);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [sleeps, good] = verdicts.map((verdict) => verdict?.message);
    expect(sleeps).toMatch(/loading was stopped/);
    // Checked beside the sleeping file, the good one may have passed before the stop.
    if (good !== undefined) expect(good).toMatch(/loading was stopped/);
  });

  it("reads the timeout from TRIBUTARY_DAG_IMPORT_TIMEOUT, 30 s by default, and names a bad value", () => {
    expect(dagImportTimeoutMs({})).toBe(30_000);
    expect(dagImportTimeoutMs({ TRIBUTARY_DAG_IMPORT_TIMEOUT: "2m" })).toBe(120_000);
    expect(() => dagImportTimeoutMs({ TRIBUTARY_DAG_IMPORT_TIMEOUT: "soon" })).toThrow(/invalid duration "soon"/);
    try {
      dagImportTimeoutMs({ TRIBUTARY_DAG_IMPORT_TIMEOUT: "soon" });
    } catch (error) {
      expect((error as TributaryError).describe()).toMatch(/TRIBUTARY_DAG_IMPORT_TIMEOUT/);
    }
  });
});
