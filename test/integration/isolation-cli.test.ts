/**
 * `tributary run` (the built command line) of a DAG that mixes isolations: a DAG default of
 * `thread`, a task of its own `inline`, one back to `process`, an inline shell task. Each task says
 * where it ran; the run succeeds, results flow between isolations, and each try's log is its own.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { runBuiltCli, useCliFolder } from "../support/built-cli.js";

const TRIBUTARY = pathToFileURL(join(resolve(import.meta.dirname, "../.."), "dist", "index.js")).href;
const box = useCliFolder("tributary-isolation-");

const DAG = `import { isMainThread } from "node:worker_threads";
import { dag } from ${JSON.stringify(TRIBUTARY)};

const where = (label: string) => {
  console.log("hello from " + label);
  return { pid: process.pid, mainThread: isMainThread };
};

export default dag("mixed", { defaults: { isolation: "thread", retries: 0 } }, (d) => {
  const threaded = d.task("threaded", () => where("a thread"));
  const inline = d.task("inline", { isolation: "inline" }, (ctx) => ({ ...where("inline"), ds: ctx.ds }));
  const proc = d.task("proc", { isolation: "process" }, () => where("a process"));
  const shell = d.shell("shell_inline", { isolation: "inline" }, "echo {{ ds_nodash }}");
  d.task("compare", { inputs: { threaded, inline, proc, shell }, isolation: "inline" }, (_ctx, r: any) => ({
    workerPid: process.pid,
    threadSharesWorker: r.threaded.pid === process.pid && !r.threaded.mainThread,
    inlineIsWorker: r.inline.pid === process.pid && r.inline.mainThread,
    processIsApart: r.proc.pid !== process.pid,
    ds: r.inline.ds,
    shell: r.shell,
  }));
});
`;

it("runs thread, inline and process tasks of one DAG to success, each where it asked", async () => {
  mkdirSync(join(box.dir, "dags"));
  writeFileSync(join(box.dir, "dags", "mixed.ts"), DAG);
  const result = await runBuiltCli(["run", "dags/mixed.ts", "--db", box.db, "--json", "--logical-date", "2024-03-01"], box.dir);
  expect(result.code, result.stderr).toBe(0);
  const run = JSON.parse(result.stdout) as { runId: string; state: string; tasks: { taskId: string; state: string }[] };
  expect(run.state).toBe("success");
  expect(run.tasks.map((task) => [task.taskId, task.state])).toEqual([
    ["threaded", "success"],
    ["inline", "success"],
    ["proc", "success"],
    ["shell_inline", "success"],
    ["compare", "success"],
  ]);

  const store = await box.openStore();
  const results = await store.getTaskResults(run.runId, ["compare"]);
  expect(results.get("compare")).toMatchObject({
    threadSharesWorker: true,
    inlineIsWorker: true,
    processIsApart: true,
    ds: "2024-03-01",
    shell: "20240301",
  });
  const logOf = async (taskId: string) =>
    (await store.readLogs({ runId: run.runId, taskId, mapIndex: null })).lines.map((line) => line.message);
  expect(await logOf("threaded")).toEqual(["hello from a thread"]);
  expect(await logOf("inline")).toEqual(["hello from inline"]);
  expect(await logOf("proc")).toEqual(["hello from a process"]);
  expect(await logOf("shell_inline")).toEqual(["20240301"]);
});
