import { sql } from "kysely";
import type { DagGraph } from "../../../core/types.js";
import type { DagRunRecord } from "../../contract/store.js";
import { startRun } from "./create-run.js";
import { lockDag, type RowLocks } from "../shared/locks.js";
import type { Tx } from "../shared/tx.js";

/**
 * Starts a DAG's queued runs, oldest logical date first, as long as fewer than `maxActiveRuns`
 * of its runs are running. Counting and starting happen in one write transaction, so two
 * schedulers cannot both start the last free slot.
 */
export async function startQueuedRuns(
  tx: Tx,
  input: { dagId: string; graph: DagGraph; maxActiveRuns: number | undefined; now: Date },
  rowLocks: RowLocks,
): Promise<DagRunRecord[]> {
  await lockDag(tx, input.dagId, rowLocks);
  let free = Number.POSITIVE_INFINITY;
  if (input.maxActiveRuns !== undefined) {
    const row = await tx
      .selectFrom("dag_runs")
      .select(sql<number>`count(*)`.as("n"))
      .where("dag_id", "=", input.dagId)
      .where("state", "=", "running")
      .executeTakeFirstOrThrow();
    free = input.maxActiveRuns - Number(row.n);
  }
  if (free <= 0) return [];
  let query = tx
    .selectFrom("dag_runs")
    .select("run_id")
    .where("dag_id", "=", input.dagId)
    .where("state", "=", "queued")
    .orderBy("logical_date")
    .orderBy("created_at");
  if (Number.isFinite(free)) query = query.limit(free);
  const queued = await query.execute();
  const started: DagRunRecord[] = [];
  for (const { run_id } of queued) started.push(await startRun(tx, run_id, input.graph, input.now, rowLocks));
  return started;
}
