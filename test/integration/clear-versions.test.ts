/**
 * DAG versions through the command line: a run records its version; after the DAG file changed,
 * `tributary clear` says which version the run will use now, and which tasks were removed and added.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, expect, it } from "vitest";
import { dagVersion } from "../../src/core/dag-version.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tributary.js");
const TRIBUTARY = pathToFileURL(join(ROOT, "dist", "index.js")).href;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-clear-"));
  mkdirSync(join(dir, "dags"));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function writeDag(tasks: readonly string[], failing: string | null): string {
  const body = tasks
    .map((id, i) => `  d.task(${JSON.stringify(id)}, ${i === 0 ? "{}" : `{ after: [${JSON.stringify(tasks[i - 1])}] }`}, () => { ${id === failing ? `throw new Error("boom");` : `return 1;`} });`)
    .join("\n");
  const source = `import { dag } from ${JSON.stringify(TRIBUTARY)};\n\nexport default dag("versions", {}, (d) => {\n${body}\n});\n`;
  writeFileSync(join(dir, "dags", "versions.ts"), source);
  return source;
}

it("a run records its DAG version; clear reports the version it will run with and the tasks removed and added", async () => {
  const v1 = writeDag(["extract", "legacy"], "legacy");
  const db = join(dir, "t.db");
  const ran = await cli(["run", "dags/versions.ts", "--db", db, "--json"]);
  expect(ran.code, ran.stderr).toBe(1);
  const { runId } = JSON.parse(ran.stdout) as { runId: string };

  const store = openSqliteStore({ path: db });
  try {
    const run = await store.getRun(runId);
    const firstVersion = run?.dagVersion ?? "";
    const kept = await store.getDagVersion("versions", firstVersion);
    expect(kept?.source).toBe(v1);
    expect(kept?.graph.tasks.map((t) => t.id)).toEqual(["extract", "legacy"]);
    expect(firstVersion).toBe(dagVersion(kept!.graph, v1));

    writeDag(["extract", "load"], null);
    const cleared = await cli(["clear", runId, "--dags", "dags", "--db", db, "--json"]);
    expect(cleared.code, cleared.stderr).toBe(0);
    const report = JSON.parse(cleared.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ runId, state: "queued", previousVersion: firstVersion, removedTasks: ["legacy"], addedTasks: ["load"] });
    expect(report["version"]).not.toBe(firstVersion);
    expect((await store.getRun(runId))?.dagVersion).toBe(report["version"]);
    // The old version's graph is still there, with the task removed since.
    expect((await store.getDagVersion("versions", firstVersion))?.graph.tasks.map((t) => t.id)).toEqual(["extract", "legacy"]);

    const text = await cli(["clear", runId, "--dags", "dags", "--db", db]);
    expect(text.stdout).toMatch(/is queued: nothing was cleared/);
  } finally {
    await store.close();
  }
}, 60_000);
