import { sql, type Kysely, type Migration } from "kysely";

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
 * A partial index serves only statements whose text implies its predicate, so those lookups name
 * their state as a literal (sql/shared/state-literal.ts). (The retry and wake-up indexes are by
 * state too, not by `next_retry_at is not null`: PostgreSQL preferred reading the whole index of
 * a run's instances by state to one whose predicate it had to prove from a comparison.)
 * test/integration/task-instance-indexes.test.ts explains each of them on both dialects.
 */
export const partialStateIndexes = (): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    for (const name of ["task_instances_claim_order", "task_instances_claim_by_queue", "task_instances_retry_at", "task_instances_wake_at"]) {
      await db.schema.dropIndex(name).execute();
    }
    await sql`create index task_instances_claim_order on task_instances (priority desc, queued_at, id) where state = 'queued'`.execute(db);
    await sql`create index task_instances_claim_by_queue on task_instances (queue, priority desc, queued_at, id) where state = 'queued'`.execute(db);
    await sql`create index task_instances_running on task_instances (dag_id, pool) where state = 'running'`.execute(db);
    await sql`create index task_instances_deferred on task_instances (wait_reason, waiting_since) where state = 'deferred'`.execute(db);
    await sql`create index task_instances_retry_at on task_instances (next_retry_at) where state = 'retrying'`.execute(db);
    await sql`create index task_instances_wake_at on task_instances (wake_at) where state = 'deferred'`.execute(db);
  },
});
