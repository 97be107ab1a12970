/**
 * `ctx.waitForEvent` with a real worker and a real `POST /api/v1/events` (docs/durable-steps.md):
 * `tributary run` (from dist: `npm run build`) with concurrency 1 runs task A, which waits for
 * "orders.shipped" (30 s), and task B, which waits 1 s for an event nobody sends. A's wait gives
 * the only slot back, so B runs; B times out and resolves to null. An API server on the same store
 * (in this process) takes the event over HTTP: it reaches A, which resumes long before its
 * deadline with the payload. On SQLite and PostgreSQL.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateToken, hashSecret } from "../../src/access/tokens.js";
import { createApiServer } from "../../src/api/server.js";
import { DagRegistry } from "../../src/scheduler/dag-registry.js";
import { openStoreAt } from "../../src/store/open-store.js";
import { STORE_URL_PLACES } from "../support/store-urls.js";
import { waitForValue } from "../support/wait-for.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tributary.js");
/** What the generated DAG file imports `dag` from (tsx resolves the .js specifier to the .ts source). */
const DSL = join(ROOT, "src", "dsl", "index.js");


const DAG_SOURCE = `
import { dag } from ${JSON.stringify(DSL)};

export default dag("event_wait", { schedule: null }, (d) => {
  // Highest priority: A takes the only slot first, so B can only run once A gives it back.
  d.task("a", { priority: 10 }, async (ctx) => {
    const shipped = await ctx.waitForEvent("orders.shipped", { timeout: "30s" });
    return { shipped, resumedAt: Date.now() };
  });
  d.task("b", async (ctx) => ({ got: await ctx.waitForEvent("never.sent", { timeout: 1000 }) }));
});
`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function run(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, TRIBUTARY_DATABASE_URL: undefined } });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", fail);
    child.once("exit", (code) => done({ code, stderr }));
    cleanups.push(() => Promise.resolve(void (child.exitCode === null && child.kill("SIGKILL"))));
  });
}

describe.each(STORE_URL_PLACES)("ctx.waitForEvent with a real worker and POST /api/v1/events on $name", ({ create }) => {
  it("the event posted over HTTP reaches the waiting task, which resumes with its payload; a wait nobody answers resolves to null", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-event-"));
    cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const place = create(dir);
    cleanups.push(place.dispose);
    const file = join(dir, "event-wait.ts");
    writeFileSync(file, DAG_SOURCE);
    mkdirSync(join(dir, "no-dags"));

    const finished = run(["run", file, "--db", place.url, "--concurrency", "1"]);
    const store = openStoreAt(place.url);
    cleanups.push(() => store.close());
    // The run migrates the store; wait until A waits in it.
    const a = await waitForValue(
      async () => {
        const [latest] = await store.listRuns({ dagId: "event_wait" }).catch(() => []);
        return latest === undefined ? undefined : (await store.listTaskInstances(latest.runId)).find((i) => i.taskId === "a");
      },
      (instance) => instance?.state === "deferred" && instance.waitReason === "event",
      // A CI run's load once kept the run from getting there in 20 s (it starts a CLI, loads
      // the file through tsx, migrates, forks a task process).
      { timeoutMs: 45_000, what: "task a waiting for its event" },
    );

    const user = await store.access.createUser({ username: "op", role: "operator", passwordHash: "x", now: new Date() });
    const token = generateToken();
    await store.access.createApiToken({ userId: user.id, name: "op-token", tokenHash: hashSecret(token), now: new Date() });
    const registry = new DagRegistry(join(dir, "no-dags"));
    await registry.refresh();
    const server = await createApiServer({ store, dags: registry });
    cleanups.push(() => server.close());
    const base = await server.listen({ port: 0, host: "127.0.0.1" });

    const posted = Date.now();
    const answer = await fetch(`${base}/api/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ event: "orders.shipped", params: { carrier: "ups" } }),
    });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ event: "orders.shipped", runs: [], delivered: 1 });

    const result = await finished;
    expect(result.code, result.stderr).toBe(0);
    const instances = await store.listTaskInstances(a?.runId ?? "");
    const aDone = instances.find((i) => i.taskId === "a");
    expect(aDone).toMatchObject({ state: "success", tryNumber: 1, waitReason: null, result: { shipped: { carrier: "ups" } } });
    // Resumed soon after the event, far from its 30 s deadline.
    expect((aDone?.result as { resumedAt: number }).resumedAt - posted).toBeLessThan(10_000);
    expect(instances.find((i) => i.taskId === "b")).toMatchObject({ state: "success", result: { got: null } });
    const steps = await store.steps.list(aDone?.id ?? -1);
    expect(steps).toMatchObject([{ number: 1, name: "orders.shipped", kind: "event", resultJson: '{"carrier":"ups"}' }]);
  }, 90_000);
});
