/**
 * A stored backfill's state changes made by people (store/contract/backfills.ts): cancel (final),
 * pause (an interrupted `tributary backfill`: no runs are started until it is resumed) and resume.
 * The drivers complete a backfill themselves (backfills.ts). Each change is made with the
 * backfill's row locked, so it never crosses a driver deciding what to start.
 */
import { ConflictError, InvalidInputError, NotFoundError } from "../../../core/errors.js";
import type { BackfillRecord, BackfillState } from "../../contract/backfills.js";
import type { Tx } from "../shared/tx.js";
import type { RowLocks } from "../shared/locks.js";
import { lockBackfill, readBackfill } from "./backfill-reads.js";

/** Stops a running or paused backfill for good; the runs it started finish as usual. */
export async function cancelBackfill(tx: Tx, id: number, now: Date, rowLocks: RowLocks): Promise<BackfillRecord> {
  await lockInState(tx, id, ["running", "paused"], "there is nothing to cancel", rowLocks);
  const at = now.getTime();
  await tx.updateTable("backfills").set({ state: "cancelled", ended_at: at, updated_at: at }).where("id", "=", id).execute();
  return (await readBackfill(tx, id)) as BackfillRecord;
}

/** Stops a running backfill from starting more runs until it is resumed; runs in flight go on. */
export async function pauseBackfill(tx: Tx, id: number, now: Date, rowLocks: RowLocks): Promise<BackfillRecord> {
  await lockInState(tx, id, ["running"], "only a running backfill can be paused", rowLocks);
  await tx.updateTable("backfills").set({ state: "paused", updated_at: now.getTime() }).where("id", "=", id).execute();
  return (await readBackfill(tx, id)) as BackfillRecord;
}

/** Lets a paused (or running) backfill start runs again, with a new maxActiveRuns if given. */
export async function resumeBackfill(tx: Tx, input: { id: number; maxActiveRuns?: number; now: Date }, rowLocks: RowLocks): Promise<BackfillRecord> {
  const { id, maxActiveRuns } = input;
  if (maxActiveRuns !== undefined && (!Number.isInteger(maxActiveRuns) || maxActiveRuns < 1)) {
    throw new InvalidInputError(`maxActiveRuns must be a whole number from 1; got ${String(maxActiveRuns)}`, { field: "maxActiveRuns" });
  }
  await lockInState(tx, id, ["running", "paused"], "it cannot be resumed: start a new backfill of the range instead", rowLocks);
  await tx
    .updateTable("backfills")
    .set({ state: "running", updated_at: input.now.getTime(), ...(maxActiveRuns === undefined ? {} : { max_active_runs: maxActiveRuns }) })
    .where("id", "=", id)
    .execute();
  return (await readBackfill(tx, id)) as BackfillRecord;
}

async function lockInState(tx: Tx, id: number, states: readonly BackfillState[], otherwise: string, rowLocks: RowLocks): Promise<void> {
  const row = await lockBackfill(tx, id, rowLocks);
  if (!row) throw new NotFoundError(`backfill ${id} not found`, { field: "id" });
  if (!states.includes(row.state)) throw new ConflictError(`backfill ${id} is ${row.state}: ${otherwise}`, { dagId: row.dag_id });
}
