/**
 * `ctx.sleep` with a real worker (issue 19, docs/durable-steps.md): `tributary run` (from dist:
 * `npm run build`) with concurrency 1 runs task A, which does a step then sleeps 2 s, and task B,
 * independent of A. A's sleep gives the only slot back: B runs and finishes during it; A resumes
 * about 2 s after it fell asleep, replays its step (whose side effect happened once) and succeeds.
 * On SQLite and PostgreSQL.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStoreAt } from "../../src/store/open-store.js";
import { STORE_URL_PLACES } from "../support/store-urls.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tributary.js");
/** What the generated DAG file imports `dag` from (tsx resolves the .js specifier to the .ts source). */
const DSL = join(ROOT, "src", "dsl", "index.js");
// Four seconds: B must be claimed and run within A's sleep, and A must wake within a few seconds
// of its time, both at the whole suite's load on 2 cores (a cold start there once took 20 s).
const SLEEP_MS = 4_000;



function dagSource(effects: string): string {
  return `
import { appendFileSync } from "node:fs";
import { dag } from ${JSON.stringify(DSL)};

const mark = (what: string) => appendFileSync(${JSON.stringify(effects)}, JSON.stringify({ what, at: Date.now() }) + "\\n");

export default dag("durable_sleep", { schedule: null }, (d) => {
  // Highest priority: A takes the only slot first, so B can only run once A gives it back.
  d.task("a", { priority: 10 }, async (ctx) => {
    const before = await ctx.step("before", () => { mark("a before"); return 1; });
    await ctx.sleep(${SLEEP_MS});
    mark("a after");
    return before + 1;
  });
  d.task("b", () => { mark("b"); return "b done"; });
});
`;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function run(args: readonly string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TRIBUTARY_DATABASE_URL: undefined } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", fail);
    child.once("exit", (code) => done({ code, stdout, stderr }));
  });
}

describe.each(STORE_URL_PLACES)("ctx.sleep with a real worker on $name", ({ create }) => {
  it("frees the only slot for 4 s: B runs meanwhile, A resumes on time without redoing its step", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-sleep-"));
    cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const place = create(dir);
    cleanups.push(place.dispose);
    const effects = join(dir, "effects.log");
    writeFileSync(effects, "");
    const file = join(dir, "sleepy.ts");
    writeFileSync(file, dagSource(effects));
    const db = place.url;

    const started = Date.now();
    const result = await run(["run", file, "--db", db, "--concurrency", "1"]);
    const elapsed = Date.now() - started;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/wait a \(try 1\): suspended until \S+Z/);

    const marks = readFileSync(effects, "utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as { what: string; at: number });
    expect(marks.map((m) => m.what)).toEqual(["a before", "b", "a after"]);
    const [before, b, after] = marks.map((m) => m.at) as [number, number, number];
    // B ran during A's sleep; A woke no sooner than its wake-up time and not much later.
    expect(b).toBeLessThan(before + SLEEP_MS);
    expect(after - before).toBeGreaterThanOrEqual(SLEEP_MS);
    expect(after - before).toBeLessThan(SLEEP_MS + 5_000);
    expect(elapsed).toBeLessThan(60_000);

    const store = openStoreAt(db);
    try {
      const [latest] = await store.listRuns({ dagId: "durable_sleep" });
      expect(latest?.state).toBe("success");
      const instances = await store.listTaskInstances(latest?.runId ?? "");
      const a = instances.find((i) => i.taskId === "a");
      expect(a).toMatchObject({ state: "success", result: 2, tryNumber: 1, waitReason: null });
      const tries = await store.listTries(a?.id ?? -1);
      expect(tries.map((t) => [t.tryNumber, t.outcome])).toEqual([[1, "success"]]);
      const steps = await store.steps.list(a?.id ?? -1);
      expect(steps.map((s) => [s.number, s.name, s.kind, s.tryNumber])).toEqual([
        [1, "before", "run", 1],
        [2, "sleep", "sleep", 1],
      ]);
      const { lines } = await store.readLogs({ runId: latest?.runId ?? "", taskId: "a", mapIndex: null, tryNumber: 1 });
      expect(lines.map((l) => l.message).filter((m) => m.startsWith("step "))).toEqual([
        expect.stringMatching(/^step 1 "before" done in \d+ ms$/),
        expect.stringMatching(/^step 2 "sleep" for 4\.00s: the try waits until \S+ without a worker slot$/),
        'step 1 "before" replayed from try 1',
        expect.stringMatching(/^step 2 "sleep" done: woke at \S+$/),
      ]);
    } finally {
      await store.close();
    }
  }, 90_000);
});
