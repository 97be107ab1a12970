/**
 * SQLite's wake-ups (sqlite/in-process-notifier.ts) reach every store object on the same file in
 * this process, however its path was spelled (relative, through a symbolic link), and no store on
 * another database: they are keyed as the file's write lock is (sqlite/per-database.ts).
 */
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Store } from "../../../src/store/index.js";
import { openSqliteStore } from "../../../src/store/sqlite/open-sqlite-store.js";
import { at, runInput } from "../../conformance/driver.js";
import { graph } from "../../conformance/fixtures.js";

const G = graph("wake", [{ id: "a" }, { id: "b", upstream: ["a"] }, { id: "c", upstream: ["a"] }]);

let dir = "";
const opened: Store[] = [];
const open = (path: string): Store => {
  const store = openSqliteStore({ path });
  opened.push(store);
  return store;
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tributary-wake-"));
});

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Counts the wake-ups `listener` hears while `writer` records a's success, which queues b and c and claims only b. */
async function wakeUpsHeard(writer: Store, listener: Store): Promise<number> {
  await writer.migrate();
  await writer.createRun(runInput(G, { runId: "r", now: at(0) }));
  const [a] = await writer.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["wake"], now: at(1) });
  if (!a) throw new Error("a not claimed");
  let heard = 0;
  const stop = await listener.onTasksQueued(() => heard++);
  const claim = { workerId: "w", limit: 1, dagIds: ["wake"], now: at(2) };
  await writer.completeTries([{ taskInstanceId: a.instance.id, taskId: "a", tryNumber: a.tryNumber, outcome: "success", result: 1, graph: G, now: at(2) }], claim);
  await stop();
  return heard;
}

it("a step that queues work it does not claim wakes a store that names the same file differently", async () => {
  const path = join(dir, "store.db");
  expect(await wakeUpsHeard(open(path), open(relative(process.cwd(), path)))).toBe(1);
});

it("and one that reaches the file through a symbolic link to its directory", async () => {
  const path = join(dir, "store.db");
  await symlink(dir, `${dir}-link`);
  try {
    expect(await wakeUpsHeard(open(path), open(join(`${dir}-link`, "store.db")))).toBe(1);
  } finally {
    await rm(`${dir}-link`, { force: true });
  }
});

it("still wakes a store after another store on the same file has closed", async () => {
  const path = join(dir, "store.db");
  const first = open(path);
  await first.migrate();
  const listener = open(path);
  await first.close();
  opened.splice(opened.indexOf(first), 1);
  expect(await wakeUpsHeard(open(path), listener)).toBe(1);
});

it("wakes no store on another database, :memory: ones included", async () => {
  expect(await wakeUpsHeard(open(join(dir, "one.db")), open(join(dir, "other.db")))).toBe(0);
  expect(await wakeUpsHeard(open(":memory:"), open(":memory:"))).toBe(0);
});
