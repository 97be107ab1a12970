/**
 * PostgreSQL's step function names the worker's lists of DAGs (every DAG it serves, and those whose
 * due waits it wakes) by the key they were registered under (postgres/served-dag-sets.ts), instead
 * of taking both lists in every call: a list is registered once, by the first step that claims for
 * it; a list deleted as unused is registered again after the step that found it gone; lists no
 * store touched for a week are deleted when another is registered.
 */
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ClaimedTask, ClaimRequest, CompleteTryInput, Store } from "../../src/store/index.js";
import { registerServedDagSet, SERVED_DAG_SET_KEPT_MS, servedDagLists } from "../../src/store/postgres/served-dag-sets.js";
import type { Database } from "../../src/store/sql/schema.js";
import { at, runInput } from "../conformance/driver.js";
import { graph } from "../conformance/fixtures.js";
import { STORES, type StorePlace } from "../conformance/stores.js";

const factory = STORES.find((candidate) => candidate.name === "postgres");
if (factory === undefined) throw new Error("no PostgreSQL store factory");

const G = graph("chain", [{ id: "a" }, { id: "b", upstream: ["a"] }, { id: "c", upstream: ["b"] }, { id: "d", upstream: ["c"] }]);
const request = (seconds: number): ClaimRequest => ({ workerId: "w1", limit: 1, dagIds: [G.dagId, "x", "y"], wakeDagIds: [G.dagId, "y"], now: at(seconds) });

let place: StorePlace;
let store: Store;
let db: Kysely<Database>;

beforeAll(async () => {
  place = await factory.create();
  store = factory.open(place.address);
  const report = await store.migrate();
  if (report.error) throw report.error;
  const { url, schema } = JSON.parse(place.address) as { url: string; schema: string };
  db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 1 }) }) });
});

afterAll(async () => {
  await db.destroy();
  await store.close();
  await place.dispose();
});

function success(claim: ClaimedTask | undefined, seconds: number): CompleteTryInput {
  if (claim === undefined) throw new Error("nothing claimed to complete");
  return { taskInstanceId: claim.instance.id, taskId: claim.instance.taskId, tryNumber: claim.tryNumber, outcome: "success", result: null, graph: G, now: at(seconds) };
}

async function members(): Promise<{ set_key: string; dag_id: string; wakes: boolean }[]> {
  return db.selectFrom("served_dag_set_members").select(["set_key", "dag_id", "wakes"]).orderBy("set_key").orderBy("dag_id").execute();
}

function writes(path: string, reason: string): number {
  return store.outcomeWrites().find((write) => write.path === path && write.reason === reason)?.count ?? 0;
}

it("registers a worker's lists once, names them by key, and registers them again once deleted", async () => {
  await store.createRun(runInput(G, { runId: "r1", now: at(0) }));
  const [a] = await store.claimNextTasks(request(1));

  // The first step registers the lists: each DAG served, and whether its waits are woken.
  const [b] = (await store.completeTries([success(a, 2)], request(2))).claimed;
  expect(b?.instance.taskId).toBe("b");
  const { key } = servedDagLists(["y", "x", G.dagId, "x"], ["y", G.dagId]);
  expect(await members()).toEqual([
    { set_key: key, dag_id: "chain", wakes: true },
    { set_key: key, dag_id: "x", wakes: false },
    { set_key: key, dag_id: "y", wakes: true },
  ]);
  expect(writes("one_call", "")).toBe(1);

  // Deleted (as a list unused for a week would be): the next step finds the key unknown and is
  // recorded through the statements, its claim made; the one after registers the list again.
  await db.deleteFrom("served_dag_sets").execute();
  expect(await members()).toEqual([]);
  const [c] = (await store.completeTries([success(b, 3)], request(3))).claimed;
  expect(c?.instance.taskId).toBe("c");
  expect(writes("statements", "an unknown DAG set")).toBe(1);
  const [d] = (await store.completeTries([success(c, 4)], request(4))).claimed;
  expect(d?.instance.taskId).toBe("d");
  expect(writes("one_call", "")).toBe(2);
  expect((await members()).map((member) => member.dag_id)).toEqual(["chain", "x", "y"]);
  await store.completeTries([success(d, 5)]);
  expect((await store.getRun("r1"))?.state).toBe("success");
});

it("deletes the lists no store touched for a week when another is registered, by the database's clock", async () => {
  const [old, recent, fresh] = [servedDagLists(["p"], []), servedDagLists(["q"], ["q"]), servedDagLists(["r"], [])];
  await registerServedDagSet(db, old);
  await registerServedDagSet(db, recent);
  const age = (key: string, ms: number) => db.updateTable("served_dag_sets").set((eb) => ({ registered_at: eb("registered_at", "-", ms) })).where("set_key", "=", key).execute();
  await age(old.key, SERVED_DAG_SET_KEPT_MS + 60_000);
  await age(recent.key, SERVED_DAG_SET_KEPT_MS - 60_000);
  await registerServedDagSet(db, fresh);
  const kept = await db.selectFrom("served_dag_sets").select("set_key").where("set_key", "in", [old.key, recent.key, fresh.key]).execute();
  expect(new Set(kept.map((row) => row.set_key))).toEqual(new Set([recent.key, fresh.key]));
  expect((await members()).filter((member) => member.dag_id === "p")).toEqual([]);
});

it("keys a list by its content: the same DAGs in another order, or repeated, share a key", () => {
  expect(servedDagLists(["b", "a", "a"], ["a"]).key).toBe(servedDagLists(["a", "b"], ["a"]).key);
  expect(servedDagLists(["a", "b"], ["a"]).key).not.toBe(servedDagLists(["a", "b"], ["b"]).key);
  expect(servedDagLists(["a", "b"], []).key).not.toBe(servedDagLists(["a", "b", "c"], []).key);
});
