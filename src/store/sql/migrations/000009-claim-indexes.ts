import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Indexes for the hot path. The claim reads queued instances in the order `priority desc,
 * queued_at, id`: with an index in that order it reads the first rows instead of sorting every
 * queued instance on each claim. A run's instances by state and task serve readiness (what waits,
 * the upstream counts) and the completion check, whatever the run's size. The older claim index
 * `(state, priority, queued_at)` is replaced by the first: every state change updates each index
 * on `state`, so an index no query needs any more is a cost on every write.
 */
export const claimIndexes = (_dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex("task_instances_claim_order")
      .on("task_instances")
      .columns(["state", "priority desc", "queued_at", "id"])
      .execute();
    await db.schema.createIndex("task_instances_by_run_state").on("task_instances").columns(["run_id", "state", "task_id"]).execute();
    await db.schema.dropIndex("task_instances_claim").execute();
  },
});
