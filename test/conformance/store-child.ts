/**
 * A store user in another process, for tests that need a second process on the same database, not
 * just a second connection in this one. It loads, then reads its job as one line of JSON on stdin
 * (so that children.ts can start it ahead of time), opens the store, says "ready", waits for "go",
 * does its job, and prints the outcome as one line of JSON:
 *
 * - `["claim", workerId, dagId, limit]`: claims until nothing is queued (pausing between claims as
 *   a worker would) and prints the claimed task instance ids;
 * - `["migrate"]`: migrates and prints `{ applied, error }`.
 *
 * Usage: node --import tsx store-child.ts, then on stdin:
 *   {"factory": "...", "address": "...", "job": ["claim", ...]}
 *   go
 * End of input before a job: the child exits without doing anything.
 */
import { createInterface } from "node:readline";
import type { Store } from "../../src/store/index.js";
import { storeFactory } from "./stores.js";

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const first = await lines.next();
if (first.done === true) process.exit(0);
const { factory, address, job: jobLine } = JSON.parse(String(first.value)) as { factory: string; address: string; job: string[] };
const [job = "", ...args] = jobLine;
const store = storeFactory(factory).open(address);
process.stdout.write("ready\n");

async function claimAll(s: Store, workerId: string, dagId: string, limit: number): Promise<number[]> {
  const ids: number[] = [];
  for (;;) {
    const claims = await s.claimNextTasks({ workerId, limit, dagIds: [dagId], now: new Date() });
    if (claims.length === 0) return ids;
    ids.push(...claims.map((c) => c.instance.id));
    // A worker does something with what it claimed; without a pause, SQLite's busy handler lets
    // one process re-take the lock every time and the other never gets a turn. 5 ms, not 1: on a
    // loaded machine the other process may not be scheduled at all within a shorter race.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function runJob(): Promise<unknown> {
  if (job === "claim") {
    const [workerId = "", dagId = "", limit = "1"] = args;
    return claimAll(store, workerId, dagId, Number(limit));
  }
  if (job === "migrate") {
    const report = await store.migrate();
    return { applied: report.applied, error: report.error?.message ?? null };
  }
  throw new Error(`unknown job "${job}"`);
}

for (let line = await lines.next(); line.done !== true; line = await lines.next()) {
  if (String(line.value).trim() !== "go") continue;
  process.stdout.write(`${JSON.stringify(await runJob())}\n`);
  break;
}
await lines.return?.();
await store.close();
process.stdin.destroy();
