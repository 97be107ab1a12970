import type { Kysely, Migration } from "kysely";

/**
 * Lighter indexes for retries and wake-ups. Led by `state`, the retry index (state, next_retry_at)
 * and the wake-up index (state, wake_at) had every instance's entries moved on each of its state
 * changes (queued, running, success), although they serve only the few instances that wait: a
 * quarter of the pages a claim or a completion wrote on SQLite. On `next_retry_at` and `wake_at`
 * alone, set only while an instance waits, their entries change only when it starts or stops
 * waiting; the lookups read the due ones in time order from them (the column is null otherwise).
 * Instances by state are still found by the claim index, which leads with `state`.
 */
export const waitIndexes = (): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex("task_instances_retry").execute();
    await db.schema.dropIndex("task_instances_wake").execute();
    await db.schema.createIndex("task_instances_retry_at").on("task_instances").column("next_retry_at").execute();
    await db.schema.createIndex("task_instances_wake_at").on("task_instances").column("wake_at").execute();
  },
});
