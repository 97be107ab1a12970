/**
 * Stored backfills (store/contract/backfills.ts): creating one from its plan, and the two steps a
 * driver (scheduler/backfill-driver.ts) takes on each pass (reserve the next intervals to start,
 * record the runs they got). Reading them is backfill-reads.ts; pausing, resuming and cancelling,
 * backfill-states.ts. Every decision about one backfill is made with its row locked (PostgreSQL)
 * or inside SQLite's single writer, so two drivers never start the same interval twice.
 */
import { sql } from "kysely";
import type { RunState } from "../../../core/types.js";
import { isTerminalRunState } from "../../../core/state-machine.js";
import type { CreateRunInput, DagRunRecord } from "../../contract/store.js";
import { createRun, createRuns } from "../runs/create-run.js";
import { ConflictError, InvalidInputError } from "../../../core/errors.js";
import {
  BACKFILL_ACTIONS,
  REPROCESS_MODES,
  type BackfillIntervalToStart,
  type BackfillRecord,
  type CreateBackfillInput,
  type BackfillAction,
} from "../../contract/backfills.js";
import { chunks } from "../shared/transitions.js";
import { toDate } from "../shared/rows.js";
import type { Tx } from "../shared/tx.js";
import { lockDag, type RowLocks } from "../shared/locks.js";
import { lockBackfill, readBackfill } from "./backfill-reads.js";

export { listBackfillIntervals, listBackfills, readBackfill } from "./backfill-reads.js";
export { cancelBackfill, pauseBackfill, resumeBackfill } from "./backfill-states.js";

/**
 * An interval reserved by a driver that died before recording its run is handed out again after
 * this long (starting an interval is idempotent: its run is created or found by logical date).
 */
const STALE_RESERVATION_MS = 60_000;

const FINISHED_RUN_STATES: readonly RunState[] = ["success", "failed"];

export async function createBackfill(tx: Tx, input: CreateBackfillInput, rowLocks: RowLocks): Promise<BackfillRecord> {
  validate(input);
  const at = input.now.getTime();
  // Two backfills created at once over the same range must not both pass the check below.
  await lockDag(tx, input.dagId, rowLocks);
  const overlapping = await tx
    .selectFrom("backfills")
    .select(["id", "state"])
    .where("dag_id", "=", input.dagId)
    // A paused backfill holds its range too: it is resumed, not planned again.
    .where("state", "in", ["running", "paused"])
    .where("from_date", "<=", input.to.getTime())
    .where("to_date", ">=", input.from.getTime())
    .executeTakeFirst();
  if (overlapping) {
    throw new ConflictError(`backfill ${Number(overlapping.id)} of DAG "${input.dagId}" is ${overlapping.state} over an overlapping range: ${overlapping.state === "paused" ? "resume it or cancel it" : "cancel it or wait for it"}`, {
      dagId: input.dagId,
    });
  }
  const allSkipped = input.intervals.every((i) => i.action === "skip");
  const inserted = await tx
    .insertInto("backfills")
    .values({
      dag_id: input.dagId,
      from_date: input.from.getTime(),
      to_date: input.to.getTime(),
      reprocess: input.reprocess,
      max_active_runs: input.maxActiveRuns,
      // Nothing to run: finished as soon as it is made.
      state: allSkipped ? "completed" : "running",
      created_by: input.createdBy,
      created_at: at,
      updated_at: at,
      ended_at: allSkipped ? at : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const id = Number(inserted.id);
  for (const batch of chunks(input.intervals, 200)) {
    await tx
      .insertInto("backfill_intervals")
      .values(
        batch.map((i) => ({
          backfill_id: id,
          logical_date: i.start.getTime(),
          interval_start: i.start.getTime(),
          interval_end: i.end.getTime(),
          action: i.action,
          existing_run_id: i.existingRunId,
          // A skipped interval is done from the start, with the run it keeps.
          run_id: i.action === "skip" ? i.existingRunId : null,
          started_at: i.action === "skip" ? at : null,
          done: i.action === "skip" ? 1 : 0,
        })),
      )
      .execute();
  }
  return (await readBackfill(tx, id)) as BackfillRecord;
}

/**
 * The driver's first step for one backfill: marks the intervals whose run has finished as done
 * (completing the backfill once all are), then reserves the next intervals, oldest first, while
 * fewer than max_active_runs are in flight.
 */
export async function takeBackfillIntervals(
  tx: Tx,
  id: number,
  now: Date,
  rowLocks: RowLocks,
  create?: (interval: BackfillIntervalToStart) => CreateRunInput,
): Promise<BackfillIntervalToStart[]> {
  const row = await lockBackfill(tx, id, rowLocks);
  if (!row || row.state !== "running") return [];
  const at = now.getTime();
  await tx
    .updateTable("backfill_intervals")
    .set({ done: 1 })
    .where("backfill_id", "=", id)
    .where("done", "=", 0)
    // Correlated: a key lookup per open interval, however many runs the store holds.
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("dag_runs")
          .select("dag_runs.run_id")
          .whereRef("dag_runs.run_id", "=", "backfill_intervals.run_id")
          .where("dag_runs.state", "in", FINISHED_RUN_STATES),
      ),
    )
    .execute();
  await tx
    .updateTable("backfill_intervals")
    .set({ started_at: null })
    .where("backfill_id", "=", id)
    .where("done", "=", 0)
    .where("run_id", "is", null)
    .where("started_at", "<", at - STALE_RESERVATION_MS)
    .execute();
  const counts = await tx
    .selectFrom("backfill_intervals")
    .select([
      sql<number>`count(*)`.as("open"),
      sql<number>`sum(case when started_at is null then 0 else 1 end)`.as("inFlight"),
    ])
    .where("backfill_id", "=", id)
    .where("done", "=", 0)
    .executeTakeFirstOrThrow();
  if (Number(counts.open) === 0) {
    await tx.updateTable("backfills").set({ state: "completed", ended_at: at, updated_at: at }).where("id", "=", id).where("state", "=", "running").execute();
    return [];
  }
  const free = row.max_active_runs - Number(counts.inFlight ?? 0);
  if (free <= 0) return [];
  const next = await tx
    .selectFrom("backfill_intervals")
    .selectAll()
    .where("backfill_id", "=", id)
    .where("done", "=", 0)
    .where("started_at", "is", null)
    .orderBy("logical_date")
    .limit(free)
    .execute();
  if (next.length === 0) return [];
  await tx
    .updateTable("backfill_intervals")
    .set({ started_at: at })
    .where("backfill_id", "=", id)
    .where("logical_date", "in", next.map((i) => i.logical_date))
    .execute();
  await tx.updateTable("backfills").set({ updated_at: at }).where("id", "=", id).execute();
  const taken: BackfillIntervalToStart[] = next.map((i) => ({
    backfillId: id,
    dagId: row.dag_id,
    start: toDate(i.interval_start),
    end: toDate(i.interval_end),
    action: i.action as BackfillAction,
    existingRunId: i.existing_run_id,
  }));
  if (!create) return taken;
  // The runs of the intervals to create, made here in as many statements as one run takes
  // (create-run.ts); an interval whose input cannot be made (params that do not parse) is left to
  // the driver, which meets the same error for that interval alone.
  const inputs = new Map<BackfillIntervalToStart, CreateRunInput>();
  for (const interval of taken) {
    if (interval.action !== "create" || interval.existingRunId !== null) continue;
    try {
      inputs.set(interval, create(interval));
    } catch {
      // Left to the driver.
    }
  }
  const created = inputs.size === 0 ? [] : await createInSavepoint(tx, () => createRuns(tx, [...inputs.values()]));
  const runs = new Map<string, DagRunRecord>();
  if (created !== undefined) {
    for (const { run, created: isNew } of created) if (isNew) runs.set(run.runId, run);
  } else {
    // One of them could not be created (a unique-key race with another scheduler): each on its own.
    for (const input of inputs.values()) {
      const one = await createInSavepoint(tx, () => createRun(tx, input));
      if (one?.created) runs.set(one.run.runId, one.run);
    }
  }
  const started = taken.map((interval) => {
    const run = runs.get(inputs.get(interval)?.runId ?? "");
    // A run another scheduler made for this date since the plan, or one that could not be made
    // here: the caller starts it the slow way.
    return run === undefined ? interval : { ...interval, run };
  });
  await recordBackfillRuns(
    tx,
    id,
    started.flatMap((interval) => (interval.run === undefined ? [] : [{ logicalDate: interval.start, runId: interval.run.runId, done: isTerminalRunState(interval.run.state) }])),
  );
  return started;
}

/**
 * What `create` returns, or undefined if it failed, within a savepoint: a failed statement aborts
 * a whole PostgreSQL transaction, so without it a unique-key race with another scheduler would undo
 * the reservations and runs of the whole pass.
 */
async function createInSavepoint<T>(tx: Tx, create: () => Promise<T>): Promise<T | undefined> {
  await sql`savepoint backfill_run`.execute(tx);
  try {
    const created = await create();
    await sql`release savepoint backfill_run`.execute(tx);
    return created;
  } catch {
    await sql`rollback to savepoint backfill_run`.execute(tx);
    await sql`release savepoint backfill_run`.execute(tx);
    return undefined;
  }
}

export async function recordBackfillRun(tx: Tx, input: { backfillId: number; logicalDate: Date; runId: string; done: boolean }): Promise<void> {
  await recordBackfillRuns(tx, input.backfillId, [input]);
}

/** Records the runs of a backfill's intervals, one UPDATE per 200 (a CASE on the logical date). */
async function recordBackfillRuns(tx: Tx, backfillId: number, runs: readonly { logicalDate: Date; runId: string; done: boolean }[]): Promise<void> {
  for (const batch of chunks(runs, 200)) {
    const done = batch.filter((run) => run.done).map((run) => run.logicalDate.getTime());
    await tx
      .updateTable("backfill_intervals")
      .set({
        run_id: sql<string>`case ${sql.ref("logical_date")} ${sql.join(batch.map((run) => sql`when ${run.logicalDate.getTime()} then cast(${run.runId} as text)`), sql` `)} end`,
        ...(done.length === 0 ? {} : { done: sql<number>`case when ${sql.ref("logical_date")} in (${sql.join(done)}) then 1 else ${sql.ref("done")} end` }),
      })
      .where("backfill_id", "=", backfillId)
      .where("logical_date", "in", batch.map((run) => run.logicalDate.getTime()))
      .execute();
  }
}

function validate(input: CreateBackfillInput): void {
  if (typeof input.dagId !== "string" || input.dagId === "") throw new InvalidInputError("dagId must name a DAG", { field: "dagId" });
  const where = { dagId: input.dagId };
  for (const field of ["from", "to"] as const) {
    const value = input[field];
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InvalidInputError(`${field} must be a valid date`, { ...where, field });
  }
  if (input.to < input.from) throw new InvalidInputError("to is before from", { ...where, field: "to" });
  if (!REPROCESS_MODES.includes(input.reprocess)) {
    throw new InvalidInputError(`reprocess must be one of ${REPROCESS_MODES.join(", ")}; got ${JSON.stringify(input.reprocess)}`, { ...where, field: "reprocess" });
  }
  if (!Number.isInteger(input.maxActiveRuns) || input.maxActiveRuns < 1) {
    throw new InvalidInputError(`maxActiveRuns must be a whole number from 1; got ${String(input.maxActiveRuns)}`, { ...where, field: "maxActiveRuns" });
  }
  if (!Array.isArray(input.intervals)) throw new InvalidInputError("intervals must be a list", { ...where, field: "intervals" });
  const seen = new Set<number>();
  for (const i of input.intervals) {
    const ok =
      i.start instanceof Date &&
      i.end instanceof Date &&
      !Number.isNaN(i.start.getTime()) &&
      i.end.getTime() > i.start.getTime() &&
      BACKFILL_ACTIONS.includes(i.action) &&
      (i.action === "create" ? i.existingRunId === null : typeof i.existingRunId === "string") &&
      !seen.has(i.start.getTime());
    if (!ok) throw new InvalidInputError("intervals must be the backfill's plan: distinct intervals, each with an action (and its existing run unless created)", { ...where, field: "intervals" });
    seen.add(i.start.getTime());
  }
}
