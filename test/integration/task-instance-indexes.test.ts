/**
 * What a task instance's state change writes to the indexes of `task_instances` (issue 17). Every
 * PostgreSQL update that changes `state` writes a new entry into every index of the table; SQLite
 * moves the entry of every index holding `state`. Indexes led by `state` served lookups of the few
 * instances queued, running or waiting, yet held an entry for every instance ever run, moved at
 * each of its changes. They are partial now (migration 000021): an instance has an entry in the
 * claim indexes only while queued, in the running index only while running, and none once done.
 *
 * A partial index serves only statements whose text implies its predicate: `state = 'queued'` as a
 * literal, not a parameter. So every lookup of instances by state across runs (claims, the zombie
 * and stuck-queue sweeps, retries, wake-ups, pool usage, approvals, metrics) is explained here, on
 * both dialects, from the statements the store itself sends: none may read the table whole.
 */
import SQLite from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/index.js";
import { at, RunDriver } from "../conformance/driver.js";
import { graph } from "../conformance/fixtures.js";
import { storeFactory, TEST_PG_URL, type StorePlace } from "../conformance/stores.js";

/** The partial indexes and their predicates, as each dialect prints them back. */
const PARTIAL: Record<string, RegExp> = {
  task_instances_claim_order: /state\)?::text\)? = 'queued'|state = 'queued'/,
  task_instances_claim_by_queue: /state\)?::text\)? = 'queued'|state = 'queued'/,
  task_instances_running: /state\)?::text\)? = 'running'|state = 'running'/,
  task_instances_deferred: /state\)?::text\)? = 'deferred'|state = 'deferred'/,
  task_instances_retry_at: /state\)?::text\)? = 'retrying'|state = 'retrying'/,
  task_instances_wake_at: /state\)?::text\)? = 'deferred'|state = 'deferred'/,
};

/** One dialect: its store (every statement's text recorded), its index definitions, and a plan checker. */
interface Place {
  readonly store: Store;
  readonly statements: string[];
  /** Index name → its definition (CREATE INDEX text), for task_instances. */
  indexes(): Promise<Map<string, string>>;
  /** The plan's reads of task_instances that read it whole (a table scan, or a full index read of a non-partial index). */
  wholeReads(statement: string): Promise<string[]>;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A migrated store of the conformance suite's factory `name`, every statement's text recorded; removed after the file. */
async function migratedStore(name: string): Promise<{ place: StorePlace; store: Store; statements: string[] }> {
  const factory = storeFactory(name);
  const place = await factory.create();
  const statements: string[] = [];
  const store = factory.open(place.address, { onQuery: (text) => statements.push(text) });
  cleanups.push(async () => {
    await store.close();
    await place.dispose();
  });
  const report = await store.migrate();
  if (report.error) throw report.error;
  return { place, store, statements };
}

async function sqlitePlace(): Promise<Place> {
  const { place, store, statements } = await migratedStore("sqlite");
  const db = new SQLite(place.address, { readonly: true });
  cleanups.push(async () => {
    db.close();
  });
  const rows = db.prepare<[], { name: string; sql: string | null }>(`select name, sql from sqlite_master where type = 'index' and tbl_name = 'task_instances'`).all();
  const indexes = new Map(rows.map((row) => [row.name, row.sql ?? "(automatic)"]));
  return {
    store,
    statements,
    indexes: () => Promise.resolve(indexes),
    wholeReads: (statement) => {
      const bindings = Array.from({ length: (statement.match(/\?/g) ?? []).length }, () => null);
      const plan = db.prepare<unknown[], { detail: string }>(`explain query plan ${statement}`).all(...bindings);
      // The table by its name or by an alias the statement gives it (`task_instances as "ti"`).
      const names = ["task_instances", ...[...statement.matchAll(/"?task_instances"? as "?(\w+)"?/g)].map((match) => match[1] as string)];
      return Promise.resolve(
        plan
          .map((row) => row.detail)
          .filter((detail) => names.some((name) => detail === `SCAN ${name}` || detail.startsWith(`SCAN ${name} `)))
          .filter((detail) => !Object.keys(PARTIAL).some((name) => detail.endsWith(`INDEX ${name}`))),
      );
    },
  };
}

interface PlanNode {
  readonly "Node Type": string;
  readonly "Relation Name"?: string;
  readonly "Index Name"?: string;
  readonly "Index Cond"?: string;
  readonly Plans?: readonly PlanNode[];
}

async function postgresPlace(): Promise<Place> {
  const { place, store, statements } = await migratedStore("postgres");
  const { schema } = JSON.parse(place.address) as { schema: string };
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  cleanups.push(() => client.end());
  await client.query(`set search_path to ${schema}`);
  // Generic plans (what a prepared statement runs with), and a table scan only where no index can serve.
  await client.query(`set plan_cache_mode = force_generic_plan`);
  await client.query(`set enable_seqscan = off`);
  let prepared = 0;
  const { rows: definitions } = await client.query<{ indexname: string; indexdef: string }>(`select indexname, indexdef from pg_indexes where schemaname = $1 and tablename = 'task_instances'`, [schema]);
  const indexes = new Map(definitions.map((row) => [row.indexname, row.indexdef]));
  // Each index of task_instances by its first column.
  const leading = new Map(definitions.map((row) => [row.indexname, /USING btree \((\w+)/.exec(row.indexdef)?.[1] ?? ""]));
  return {
    store,
    statements,
    indexes: () => Promise.resolve(indexes),
    wholeReads: async (statement) => {
      const name = `q${prepared++}`;
      const parameters = Math.max(0, ...[...statement.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
      await client.query(`prepare ${name} as ${statement}`);
      try {
        const args = parameters === 0 ? "" : `(${Array.from({ length: parameters }, () => "null").join(", ")})`;
        const { rows } = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(`explain (format json) execute ${name}${args}`);
        const whole: string[] = [];
        const visit = (node: PlanNode): void => {
          if (node["Node Type"] === "Seq Scan" && node["Relation Name"] === "task_instances") whole.push("Seq Scan on task_instances");
          // An index of every instance is read by key only with a condition on its first column
          // (PostgreSQL also applies a condition on a later column while reading the index whole).
          const index = node["Index Name"];
          const first = index === undefined ? undefined : leading.get(index);
          if (first !== undefined && !(index as string in PARTIAL) && !new RegExp(`\\b${first}\\b`).test(node["Index Cond"] ?? "")) {
            whole.push(`${node["Node Type"]} of all of ${index as string}`);
          }
          for (const child of node.Plans ?? []) visit(child);
        };
        visit(rows[0]?.["QUERY PLAN"][0]?.Plan as PlanNode);
        return whole;
      } finally {
        await client.query(`deallocate ${name}`);
      }
    },
  };
}

const PLACES: readonly { readonly name: string; readonly open: () => Promise<Place> }[] = [
  { name: "sqlite", open: sqlitePlace },
  { name: "postgres", open: postgresPlace },
];

for (const { name, open } of PLACES) {
  describe(`task_instances indexes: ${name}`, () => {
    it("indexes instances by state only while they are queued, running or waiting", async () => {
      const place = await open();
      const indexes = await place.indexes();
      for (const [index, predicate] of Object.entries(PARTIAL)) {
        expect(indexes.get(index), index).toMatch(/ where /i);
        expect(indexes.get(index), index).toMatch(predicate);
      }
      // Every other index holds every instance: the key and the unique (run, task, map index) (SQLite's
      // own, or PostgreSQL's constraints), and the run's instances by state.
      const whole = [...indexes].filter(([, definition]) => !/ where /i.test(definition)).map(([index]) => index);
      expect(whole.filter((index) => !/^sqlite_autoindex_|_pkey$|_key$/.test(index))).toEqual(["task_instances_by_run_state"]);
    });

    it("finds instances by state across runs through an index, never reading the table whole", async () => {
      const place = await open();
      const { store } = place;
      await store.setPool({ name: "etl", slots: 2, now: at(0) });
      place.statements.length = 0;
      await store.findZombies(at(10));
      await store.findStuckQueued(at(10));
      await store.queueDueRetries(at(10));
      await store.nextRetryAt();
      await store.nextWakeAt({ dagIds: ["d"] });
      await store.nextWakeAt({ dagIds: ["d"], queues: ["q"] });
      await store.listWaitingApprovals();
      await store.listPoolUsage();
      await store.alerts.metricsSnapshot();
      await store.alerts.listAlertSources();
      // A claim that waits for its turn counts the pools' and the limited DAG's running instances first.
      await store.claimNextTasks({ workerId: "w", limit: 4, dagIds: ["d"], maxActiveTasks: new Map([["d", 2]]), wakeDagIds: ["d"], now: at(10) });
      await store.claimNextTasks({ workerId: "w", limit: 4, dagIds: ["d"], queues: ["q"], wakeDagIds: ["d"], now: at(10) });
      // (The metrics' counts of every instance by DAG and state read everything on purpose: they are
      // not lookups by state, and have no condition on it.)
      const reads = place.statements.filter((statement) => /^\s*(with|select)\b/i.test(statement) && /\btask_instances\b/.test(statement) && /\bwhere\b[\s\S]*\b(state|wake_at|next_retry_at)"?\s*(=|<=|in\b|is\b)/i.test(statement));
      expect(reads.length).toBeGreaterThanOrEqual(12);
      const whole: string[] = [];
      for (const statement of reads) for (const read of await place.wholeReads(statement)) whole.push(`${read}: ${statement}`);
      expect(whole).toEqual([]);
    });

    it("names the state of task instances in the statement's text, never as a parameter, over a run's life", async () => {
      const place = await open();
      const { store } = place;
      const g = graph("life", [{ id: "a", retries: 1, retryDelayMs: 0 }, { id: "b", upstream: ["a"] }, { id: "m", mapOver: "b" }]);
      place.statements.length = 0;
      const run = await RunDriver.start(store, g);
      expect(await run.claim(at(1))).toEqual(["a"]);
      await store.heartbeat("worker-1", [run.claimOf("a").instance.id], at(1));
      await run.fail("a", at(2));
      expect(await store.queueDueRetries(at(3))).toBe(1);
      expect(await run.claim(at(4))).toEqual(["a"]);
      await run.succeed("a", null, at(5));
      expect(await run.claim(at(6))).toEqual(["b"]);
      await run.succeed("b", [1, 2], at(7));
      expect(await run.claim(at(8))).toEqual(["m[0]", "m[1]"]);
      await run.fail("m[0]", at(9));
      await store.cancelRun({ runId: run.runId, graph: g, now: at(10) });
      const other = await RunDriver.start(store, g);
      await store.markRun({ runId: other.runId, state: "success", now: at(11) });
      // `state` compared with a parameter: through an alias of task_instances, or unqualified where
      // the table read or updated last before the comparison is task_instances. (After a `where`:
      // an update's `set "state" = ?` assigns, it does not compare.)
      const byParameter = place.statements.filter((statement) => {
        const aliases = [...statement.matchAll(/"?task_instances"? as "?(\w+)"?/g)].map((match) => match[1] as string);
        return [...statement.matchAll(/(?:"(\w+)"\.)?"state" (?:=|<>|!=|in|not in) \(?(?:\?|\$\d+)/g)].some((match) => {
          const before = statement.slice(0, match.index);
          if (!/\bwhere\b/i.test(before.slice(Math.max(before.lastIndexOf("set "), 0)))) return false;
          if (match[1] !== undefined) return match[1] === "task_instances" || aliases.includes(match[1]);
          const tables = [...before.matchAll(/\b(?:update|from|join)\s+"?(\w+)"?/gi)];
          return tables.at(-1)?.[1] === "task_instances";
        });
      });
      expect(byParameter).toEqual([]);
      expect(place.statements.length).toBeGreaterThan(20);
    });
  });
}
