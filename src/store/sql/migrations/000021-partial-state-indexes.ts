import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Indexes by state that hold an instance only while it is in that state. Every PostgreSQL update
 * that changes `state` writes a new entry into every index of `task_instances` (the update is never
 * "HOT"); SQLite moves the entry in every index that holds `state`. The claim indexes, led by
 * `state`, held every instance ever run and had its entries moved at each of its changes, though
 * they serve only the queued ones; the retry and wake-up indexes held an entry, null, for every
 * instance. A partial index gets an entry only for rows its predicate holds for: an instance now
 * has claim-index entries only while queued, one in `task_instances_running` only while running,
 * retry and wake-up entries only while retrying or waiting, and none in any of them once done.
 *
 * The running and deferred indexes serve the lookups across runs that the claim index served
 * while it held every state: the zombie sweep, running counts per pool and DAG, approvals waiting.
 * A partial index serves only statements whose text implies its predicate, so comparisons of the
 * state name it as a literal (sql/shared/state-literal.ts). (The retry and wake-up indexes are by
 * state too, not by `next_retry_at is not null`: PostgreSQL preferred reading the whole index of
 * a run's instances by state to one whose predicate it had to prove from a comparison.)
 * test/integration/task-instance-indexes.test.ts explains each lookup on both dialects.
 */
const INDEXES: readonly (readonly [name: string, definition: string])[] = [
  ["task_instances_claim_order", "(priority desc, queued_at, id) where state = 'queued'"],
  ["task_instances_claim_by_queue", "(queue, priority desc, queued_at, id) where state = 'queued'"],
  ["task_instances_retry_at", "(next_retry_at) where state = 'retrying'"],
  ["task_instances_wake_at", "(wake_at) where state = 'deferred'"],
  ["task_instances_running", "(dag_id, pool) where state = 'running'"],
  // By reason alone: `waiting_since` is also set on a running sensor between its pokes, and an
  // update of an indexed column is never HOT.
  ["task_instances_deferred", "(wait_reason) where state = 'deferred'"],
];
const REPLACED = new Set(["task_instances_claim_order", "task_instances_claim_by_queue", "task_instances_retry_at", "task_instances_wake_at"]);

export const partialStateIndexes = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    // PostgreSQL: the new indexes are built under names of their own first, and the old ones
    // dropped and the new ones renamed last. CREATE INDEX holds the table's writes while it
    // builds; DROP INDEX holds its reads too, until the migrations commit, so it comes last.
    // (SQLite's write transaction holds the whole file's writes anyway; readers keep their snapshot.)
    const building = (name: string) => (dialect === "postgres" && REPLACED.has(name) ? `${name}_partial` : name);
    if (dialect !== "postgres") for (const name of REPLACED) await db.schema.dropIndex(name).execute();
    for (const [name, definition] of INDEXES) await sql`create index ${sql.id(building(name))} on task_instances ${sql.raw(definition)}`.execute(db);
    if (dialect === "postgres") {
      for (const name of REPLACED) await db.schema.dropIndex(name).execute();
      for (const name of REPLACED) await sql`alter index ${sql.id(building(name))} rename to ${sql.id(name)}`.execute(db);
    }
  },
});
