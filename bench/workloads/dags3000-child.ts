/**
 * The measured side of dags3000, in a process of its own so that its resident memory is the
 * scheduler's alone: loads the DAG folder as `tributary start` does (DagRegistry, then each DAG
 * recorded in the store), then times scheduler ticks. Prints one JSON line.
 * Arguments: <dags dir> <store location> <ticks>. A DAG file whose content is unchanged since
 * the last start is registered from the cache of what it gave (scheduler/dag-shape-cache.ts) and
 * imported again in the background: `revalidatedSeconds` is when that ended.
 */
import { DagRegistry, storedDags } from "../../src/scheduler/dag-registry.js";
import { Scheduler } from "../../src/scheduler/scheduler.js";
import { openStoreAt } from "../../src/store/open-store.js";

const [dir, location, ticksArg] = process.argv.slice(2);
if (dir === undefined || location === undefined) throw new Error("usage: dags3000-child.ts <dir> <store> <ticks>");
const ticks = Number(ticksArg ?? "10");

const store = openStoreAt(location);
const report = await store.migrate();
if (report.error) throw report.error;
// Every DAG is due at the first tick: the clock stands a few hours into the day after startDate.
let clock = Date.UTC(2026, 0, 2, 3);
const now = () => new Date(clock);

const loadStarted = performance.now();
const registry = new DagRegistry(dir);
await registry.refresh();
const loaded = registry.all().size;
await store.upsertDags({ dags: storedDags(registry.all().values()), now: now() });
const loadSeconds = (performance.now() - loadStarted) / 1_000;
// A start that registered files from the cache imports them again in the background: when that ends.
const reimported = registry.revalidated().then(() => (performance.now() - loadStarted) / 1_000);
const errors = registry.importErrors().map((e) => e.message);

const errorsInTicks: string[] = [];
const scheduler = new Scheduler({ store, registry, now, reloadMs: 0, onError: (e) => errorsInTicks.push(String(e)) });
// The tick in which every DAG comes due at once: one run created and started per DAG.
let started = performance.now();
const first = await scheduler.tick();
const dueTickMs = performance.now() - started;
// Then the loop while those runs are active (nothing new due, no worker draining them): the cost
// of a tick that has nothing to create, which is most of them.
const loops: number[] = [];
for (let i = 0; i < ticks; i++) {
  clock += 1_000;
  started = performance.now();
  await scheduler.tick();
  loops.push(performance.now() - started);
}
global.gc?.();
const rssMb = process.memoryUsage().rss / 2 ** 20;
const revalidatedSeconds = await reimported;
await store.close();
process.stdout.write(
  `${JSON.stringify({ loaded, errors: errors.slice(0, 3), errorsInTicks: errorsInTicks.slice(0, 3), loadSeconds, revalidatedSeconds, dueTickMs, created: first.created, started: first.started, loops, rssMb })}\n`,
);
