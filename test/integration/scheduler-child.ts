/**
 * A scheduler in another process, for the test of two schedulers racing on one SQLite file across
 * processes (not just two connections in one). It opens the store and the DAG folder and says
 * "ready"; then, for each line `tick <iso time>` on stdin, it ticks once at that time and prints
 * `{ "created": N, "errors": [...] }` as one line of JSON. It exits when stdin ends.
 *
 * Usage: node --import tsx scheduler-child.ts <db> <dagsDir>
 */
import { createInterface } from "node:readline";
import { DagRegistry } from "../../src/scheduler/dag-registry.js";
import { Scheduler } from "../../src/scheduler/scheduler.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";

const [db = "", dagsDir = ""] = process.argv.slice(2);
const store = openSqliteStore({ path: db });
const registry = new DagRegistry(dagsDir);
await registry.refresh();
let clock = new Date(0);
const errors: string[] = [];
const scheduler = new Scheduler({
  store,
  registry,
  now: () => clock,
  reloadMs: 0,
  zombieAfterMs: 24 * 3_600_000,
  onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
});
const lines = createInterface({ input: process.stdin });
process.stdout.write("ready\n");

for await (const line of lines) {
  const [command, at] = line.trim().split(" ");
  if (command !== "tick" || at === undefined) continue;
  clock = new Date(at);
  const { created } = await scheduler.tick();
  process.stdout.write(`${JSON.stringify({ created, errors: errors.splice(0) })}\n`);
}
await store.close();
