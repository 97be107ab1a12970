/**
 * Reading stored backfills (store/contract/backfills.ts): a backfill with its progress, lists of
 * them, and one backfill's intervals with their runs. Progress is counted from the intervals and
 * the current state of their runs, so it is right the moment a run finishes, before any driver
 * has noted it.
 */
import { sql, type Selectable } from "kysely";
import type {
  BackfillAction,
  BackfillIntervalRecord,
  BackfillProgressCounts,
  BackfillRecord,
  BackfillState,
  ReprocessMode,
} from "../../contract/backfills.js";
import type { BackfillTable } from "../schema.js";
import { chunks } from "../shared/transitions.js";
import { toDate, toDateOrNull } from "../shared/rows.js";
import type { Tx } from "../shared/tx.js";
import type { RowLocks } from "../shared/locks.js";

/** Ids are positive integers; anything else (NaN from a bad URL, say) names no backfill. */
export const isId = (id: number): boolean => Number.isSafeInteger(id) && id > 0;

export async function readBackfill(db: Tx, id: number): Promise<BackfillRecord | undefined> {
  if (!isId(id)) return undefined;
  const row = await db.selectFrom("backfills").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const progress = await progressOf(db, [id]);
  return backfillFromRow(row, progress.get(id));
}

export async function listBackfills(db: Tx, filter: { dagId?: string; states?: readonly BackfillState[] }): Promise<BackfillRecord[]> {
  let query = db.selectFrom("backfills").selectAll();
  if (filter.dagId !== undefined) query = query.where("dag_id", "=", filter.dagId);
  if (filter.states !== undefined && filter.states.length > 0) query = query.where("state", "in", [...filter.states]);
  const rows = await query.orderBy("id", "desc").execute();
  const progress = await progressOf(db, rows.map((r) => Number(r.id)));
  return rows.map((row) => backfillFromRow(row, progress.get(Number(row.id))));
}

export async function listBackfillIntervals(db: Tx, id: number): Promise<BackfillIntervalRecord[]> {
  if (!isId(id)) return [];
  const rows = await db
    .selectFrom("backfill_intervals as bi")
    .leftJoin("dag_runs as r", "r.run_id", "bi.run_id")
    .select(["bi.interval_start", "bi.interval_end", "bi.action", "bi.run_id", "r.state as run_state"])
    .where("bi.backfill_id", "=", id)
    .orderBy("bi.logical_date")
    .execute();
  return rows.map((row) => ({
    start: toDate(row.interval_start),
    end: toDate(row.interval_end),
    action: row.action as BackfillAction,
    runId: row.run_id,
    runState: row.run_state ?? null,
  }));
}

/** The backfill's row, locked for the rest of the transaction where the dialect has row locks. */
export async function lockBackfill(tx: Tx, id: number, rowLocks: RowLocks): Promise<Selectable<BackfillTable> | undefined> {
  if (!isId(id)) return undefined;
  const query = tx.selectFrom("backfills").selectAll().where("id", "=", id);
  return (rowLocks ? query.forUpdate() : query).executeTakeFirst();
}

/** Progress from the intervals and the current state of their runs, one query for many backfills. */
async function progressOf(db: Tx, ids: readonly number[]): Promise<Map<number, BackfillProgressCounts>> {
  const out = new Map<number, { total: number; done: number; succeeded: number; failed: number; skipped: number; running: number }>();
  if (ids.length === 0) return out;
  const started = sql<number>`case when bi.started_at is null then 0 else 1 end`;
  for (const batch of chunks(ids, 500)) {
    const rows = await db
      .selectFrom("backfill_intervals as bi")
      .leftJoin("dag_runs as r", "r.run_id", "bi.run_id")
      .select(["bi.backfill_id", "bi.action", "bi.done", started.as("started"), "r.state as run_state", sql<number>`count(*)`.as("n")])
      .where("bi.backfill_id", "in", batch)
      .groupBy(["bi.backfill_id", "bi.action", "bi.done", started, "r.state"])
      .execute();
    for (const row of rows) {
      const id = Number(row.backfill_id);
      const p = out.get(id) ?? { total: 0, done: 0, succeeded: 0, failed: 0, skipped: 0, running: 0 };
      const n = Number(row.n);
      const finished = row.run_state === "success" || row.run_state === "failed";
      const done = Number(row.done) === 1 || finished;
      p.total += n;
      if (row.action === "skip") p.skipped += n;
      if (done) {
        p.done += n;
        if (row.run_state === "success") p.succeeded += n;
        if (row.run_state === "failed") p.failed += n;
      } else if (Number(row.started) === 1) {
        p.running += n;
      }
      out.set(id, p);
    }
  }
  return out;
}

function backfillFromRow(row: Selectable<BackfillTable>, progress: BackfillProgressCounts | undefined): BackfillRecord {
  return {
    id: Number(row.id),
    dagId: row.dag_id,
    from: toDate(row.from_date),
    to: toDate(row.to_date),
    reprocess: row.reprocess as ReprocessMode,
    maxActiveRuns: row.max_active_runs,
    state: row.state,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    endedAt: toDateOrNull(row.ended_at),
    progress: progress ?? { total: 0, done: 0, succeeded: 0, failed: 0, skipped: 0, running: 0 },
  };
}
