/** Which module a task process or thread starts from (runtime/entry-module.ts). */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";
import { entryModule } from "../../../src/runtime/entry-module.js";
import { DagCodeHost } from "../../../src/scheduler/dag-code-host.js";
import { hostedCode } from "../../../src/scheduler/dag-code.js";
import { contentHash } from "../../../src/scheduler/dag-shape-cache.js";
import { TaskProcessPool } from "../../../src/worker/process-pool.js";
import { TaskThreadPool } from "../../../src/worker/thread-pool.js";
import { fixture, request } from "./pool-helpers.js";

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

// `npm test` starts them from dist/ everywhere else: this keeps the start from source (what
// `npx vitest` and `node --import tsx` run) covered.
it("without the variable, a task process, a task thread and the DAG code thread start from source through tsx, and answer", { timeout: 60_000 }, async () => {
  const saved = process.env["TRIBUTARY_BUILT_ENTRIES"];
  delete process.env["TRIBUTARY_BUILT_ENTRIES"];
  const processes = new TaskProcessPool({ size: 1 });
  const threads = new TaskThreadPool({ size: 1 });
  const host = new DagCodeHost({ timeoutMs: 30_000 });
  try {
    expect(await processes.run(request("basics.ts", "basics", "a"), () => undefined)).toMatchObject({ ok: true, result: 1 });
    expect(await threads.run(request("basics.ts", "basics", "a"), () => undefined)).toMatchObject({ ok: true, result: 1 });
    const file = fixture("basics.ts");
    expect(await hostedCode(host, file, "basics", contentHash(readFileSync(file, "utf8"))).params({}, 1)).toEqual([{}]);
  } finally {
    if (saved !== undefined) process.env["TRIBUTARY_BUILT_ENTRIES"] = saved;
    await Promise.all([processes.close(), threads.close(), host.close()]);
  }
});
