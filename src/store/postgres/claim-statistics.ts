/**
 * Keeps PostgreSQL's statistics of `task_instances` in step with a fan-out. A claim reads queued
 * instances in priority order through the claim index and stops at its limit, but the planner
 * takes that plan only when its statistics know that many instances are queued: on a table never
 * analysed, or right after a mapped task queued thousands of instances, it reads every queued row
 * and sorts them, at every claim (0.9 ms instead of 0.05 ms a claim at 2,500 queued, growing with
 * the queue). Autovacuum analyses the table only a minute or more later, when a fan-out of
 * thousands is drained already. So the store analyses the table itself once a transaction that
 * queued many instances has committed (sql-store.ts `MANY_QUEUED`), or one that created a run of
 * that many tasks: readiness reads a run's instances by (run_id, state, task_id), and on
 * statistics that know nothing of the run the cached plans of postgres/step-function.ts's
 * function read all of them at every step (BENCHMARKS.md).
 *
 * ANALYZE reads a fixed-size sample (not the whole table) and takes a lock that conflicts with no
 * reader or writer, only with another ANALYZE or VACUUM of the table: one at a time per store,
 * and a request arriving meanwhile runs once more after it, so the last fan-out is counted. Only
 * the table's owner may analyse it: for another role PostgreSQL skips it with a warning, and the
 * claims wait for autovacuum's statistics as before.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../sql/schema.js";

export function claimStatisticsRefresher(db: Kysely<Database>): { readonly refresh: () => void; readonly settled: () => Promise<void> } {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      // Its lock conflicts with VACUUM's: waiting for an autovacuum for longer than
      // deadlock_timeout would cancel that vacuum, and a wait behind a manual VACUUM or a
      // migration would hold up the store's close, so it gives up after 200 ms. A failure (that,
      // the store closing, the server away) costs only the better plan: the next fan-out, or
      // autovacuum, analyses the table again.
      await db
        .transaction()
        .execute(async (tx) => {
          await sql`set local lock_timeout = '200ms'`.execute(tx);
          await sql`analyze task_instances`.execute(tx);
        })
        .catch(() => undefined);
    } while (again);
    running = undefined;
  };
  return {
    refresh: () => {
      if (running) again = true;
      else running = run();
    },
    /** Resolves once no analysis is running (the store waits for it before closing). */
    settled: async () => {
      await running;
    },
  };
}
