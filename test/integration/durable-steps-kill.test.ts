/**
 * Durable steps survive a kill -9 of the worker (issue 19, docs/durable-steps.md): a real
 * `tributary worker` (from dist: `npm run build`) runs a task of five steps, each of which writes
 * its start and end to a side-effect file; step 3 waits for a release file. The worker is killed
 * with SIGKILL during step 3; the scheduler fails its try as a zombie, a second worker retries it,
 * replays steps 1-2 from the store and runs steps 3-5. The side-effect file shows steps 1-2 once,
 * step 3 started twice but done once, and steps 4-5 once. On SQLite and PostgreSQL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStoreAt } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/index.js";
import { STORE_URL_PLACES } from "../support/store-urls.js";
import { waitFor } from "../support/wait-for.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tributary.js");
/** What the generated DAG file imports `dag` from (tsx resolves the .js specifier to the .ts source). */
const DSL = join(ROOT, "src", "dsl", "index.js");
const DAG_ID = "durable_steps";



/** Five steps; each marks its start and end; step 3 waits until the release file exists. */
function dagSource(effects: string, release: string): string {
  return `
import { appendFileSync, existsSync } from "node:fs";
import { dag } from ${JSON.stringify(DSL)};

const mark = (line: string) => appendFileSync(${JSON.stringify(effects)}, line + "\\n");

export default dag(${JSON.stringify(DAG_ID)}, { schedule: null }, (d) => {
  d.task("five_steps", async (ctx) => {
    const results: number[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      results.push(await ctx.step("step_" + n, async () => {
        mark("start " + n + " try " + ctx.tryNumber);
        while (n === 3 && !existsSync(${JSON.stringify(release)})) await new Promise((r) => setTimeout(r, 25));
        mark("done " + n + " try " + ctx.tryNumber);
        return n * 10;
      }));
    }
    return results;
  });
});
`;
}

const started: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const child of started.splice(0)) {
    try {
      // Each was started in a group of its own: its task processes go too.
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
});

function tributary(role: "scheduler" | "worker", dagsDir: string, url: string, output: string[]): ChildProcess {
  // Zombies after 4 s (heartbeats every second): a try whose worker is held up a second or two by
  // the whole suite's load must not be taken for one; the killed worker's try is, 4 s after.
  const child = spawn(process.execPath, [BIN, role, "--dags", dagsDir, "--db", url, "--zombie-after", "4", "--tick-ms", "200", "--workers", "1"], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, TRIBUTARY_DATABASE_URL: undefined },
  });
  const name = `${role} ${String(child.pid)}`;
  child.stdout?.on("data", (chunk: Buffer) => output.push(`${name}: ${chunk.toString()}`));
  child.stderr?.on("data", (chunk: Buffer) => output.push(`${name}: ${chunk.toString()}`));
  started.push(child);
  return child;
}

describe.each(STORE_URL_PLACES)("durable steps on $name", ({ create }) => {
  it("kill -9 of the worker during step 3 of 5 resumes at step 3 without running steps 1-2 again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-steps-kill-"));
    cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const place = create(dir);
    cleanups.push(place.dispose);
    const dagsDir = join(dir, "dags");
    mkdirSync(dagsDir);
    const effects = join(dir, "effects.log");
    const release = join(dir, "release");
    writeFileSync(effects, "");
    writeFileSync(join(dagsDir, "durable.ts"), dagSource(effects, release));
    const lines = () => readFileSync(effects, "utf8").split("\n").filter((line) => line !== "");
    const output: string[] = [];
    const what = (text: string) => () => `${text}; side effects: ${JSON.stringify(lines())}\n${output.join("")}`;

    // Each wait allows a slow day: a process started by the test, at the whole suite's load, once
    // took more than 20 s to get a task going (event-wait.test.ts, 2026-12-07).
    tributary("scheduler", dagsDir, place.url, output);
    const first = tributary("worker", dagsDir, place.url, output);
    const store: Store = openStoreAt(place.url);
    cleanups.push(() => store.close());
    await waitFor(async () => (await store.getDag(DAG_ID).catch(() => undefined)) !== undefined, { timeoutMs: 40_000, what: what("the scheduler to register the DAG") });
    const graph = (await store.getDag(DAG_ID))?.graph;
    if (!graph) throw new Error("the DAG disappeared");
    const now = new Date();
    const { run } = await store.createRun({
      runId: `${DAG_ID}__manual__kill9`,
      runType: "manual",
      graph,
      logicalDate: now,
      dataIntervalStart: now,
      dataIntervalEnd: now,
      params: {},
      start: true,
      now,
    });

    await waitFor(() => lines().includes("start 3 try 1"), { timeoutMs: 30_000, what: what("step 3 of try 1 to start") });
    first.kill("SIGKILL");
    await new Promise((done) => first.once("exit", done));
    tributary("worker", dagsDir, place.url, output);
    // Released only once the retry is in step 3: the killed try's task process cannot finish it.
    await waitFor(() => lines().includes("start 3 try 2"), { timeoutMs: 40_000, what: what("the retry to reach step 3") });
    writeFileSync(release, "");
    await waitFor(async () => (await store.getRun(run.runId))?.state === "success", { timeoutMs: 30_000, what: what("the run to succeed") });

    expect(lines()).toEqual([
      "start 1 try 1",
      "done 1 try 1",
      "start 2 try 1",
      "done 2 try 1",
      "start 3 try 1",
      "start 3 try 2",
      "done 3 try 2",
      "start 4 try 2",
      "done 4 try 2",
      "start 5 try 2",
      "done 5 try 2",
    ]);
    const [instance] = await store.listTaskInstances(run.runId);
    expect(instance).toMatchObject({ state: "success", tryNumber: 2, result: [10, 20, 30, 40, 50] });
    const tries = await store.listTries(instance?.id ?? -1);
    expect(tries.map((t) => [t.tryNumber, t.outcome, t.errorKind])).toEqual([[1, "failed", "zombie"], [2, "success", null]]);
    const steps = await store.steps.list(instance?.id ?? -1);
    expect(steps.map((s) => [s.number, s.name, s.tryNumber, s.resultJson])).toEqual([
      [1, "step_1", 1, "10"],
      [2, "step_2", 1, "20"],
      [3, "step_3", 2, "30"],
      [4, "step_4", 2, "40"],
      [5, "step_5", 2, "50"],
    ]);
    const { lines: log } = await store.readLogs({ runId: run.runId, taskId: "five_steps", mapIndex: null, tryNumber: 2 });
    const stepLines = log.map((line) => line.message).filter((message) => message.startsWith("step "));
    expect(stepLines).toEqual([
      'step 1 "step_1" replayed from try 1',
      'step 2 "step_2" replayed from try 1',
      expect.stringMatching(/^step 3 "step_3" done in \d+ ms$/),
      expect.stringMatching(/^step 4 "step_4" done in \d+ ms$/),
      expect.stringMatching(/^step 5 "step_5" done in \d+ ms$/),
    ]);
  }, 180_000);
});
