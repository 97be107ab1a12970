import type { Selectable } from "kysely";
import type { CreateRunInput, CreateRunResult, DagRunRecord } from "../../contract/store.js";
import type { DagRunTable } from "../schema.js";
import type { DagGraph, TaskSpec } from "../../../core/types.js";
import { NotFoundError } from "../../../core/errors.js";
import { advanceRun, closeRunIfDone, queueRoots } from "./advance.js";
import { runFromRow, UNMAPPED } from "../shared/rows.js";
import { chunks, moveRun, recordCreated, recordRunCreated } from "../shared/transitions.js";
import { lockRun, type RowLocks } from "../shared/locks.js";
import type { Tx } from "../shared/tx.js";
import { recordDagVersion } from "./dag-versions.js";

/** Scheduled and backfill runs are unique per (DAG, logical date); manual and event runs are not. */
const UNIQUE_PER_INTERVAL = new Set(["scheduled", "backfill"]);

export async function createRun(tx: Tx, input: CreateRunInput, rowLocks: RowLocks): Promise<CreateRunResult> {
  const at = input.now.getTime();
  const dagId = input.graph.dagId;
  if (UNIQUE_PER_INTERVAL.has(input.runType)) {
    const existing = await tx
      .selectFrom("dag_runs")
      .selectAll()
      .where("dag_id", "=", dagId)
      .where("logical_date", "=", input.logicalDate.getTime())
      .where("run_type", "in", ["scheduled", "backfill"])
      .executeTakeFirst();
    if (existing) return { run: runFromRow(existing), created: false };
  }
  const version = await recordDagVersion(tx, input.graph, input.source, at);
  const row: Selectable<DagRunTable> = {
    run_id: input.runId,
    dag_id: dagId,
    run_type: input.runType,
    state: "queued",
    logical_date: input.logicalDate.getTime(),
    data_interval_start: input.dataIntervalStart.getTime(),
    data_interval_end: input.dataIntervalEnd.getTime(),
    params: JSON.stringify(input.params),
    created_at: at,
    started_at: null,
    ended_at: null,
    updated_at: at,
    dag_version: version,
  };
  // The unique index stays the final word if two schedulers race past the check above.
  await tx.insertInto("dag_runs").values(row).execute();
  await recordRunCreated(tx, row, at);
  await insertTaskInstances(tx, { runId: input.runId, dagId }, input.graph.tasks, at);
  const run = input.start ? await startRun(tx, input.runId, input.graph, input.now, rowLocks) : runFromRow(row);
  return { run, created: true };
}

/** One `scheduled` task instance per task (mapped tasks get a placeholder), recorded in the history. */
export async function insertTaskInstances(
  tx: Tx,
  run: { runId: string; dagId: string },
  tasks: readonly TaskSpec[],
  at: number,
): Promise<void> {
  for (const batch of chunks(tasks, 200)) {
    const inserted = await tx
      .insertInto("task_instances")
      .values(
        batch.map((task) => ({
          run_id: run.runId,
          dag_id: run.dagId,
          task_id: task.id,
          map_index: UNMAPPED,
          state: "scheduled",
          try_number: 0,
          max_tries: task.retry.retries + 1,
          priority: task.priority,
          pool: task.pool ?? null,
          queue: task.queue,
          updated_at: at,
        })),
      )
      .returning(["id", "run_id", "dag_id", "task_id", "map_index", "state"])
      .execute();
    await recordCreated(tx, inserted.map((r) => ({ ...r, id: Number(r.id) })), at);
  }
}

export async function startRun(tx: Tx, runId: string, graph: DagGraph, now: Date, rowLocks: RowLocks): Promise<DagRunRecord> {
  const at = now.getTime();
  await lockRun(tx, runId, rowLocks);
  const row = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", runId).executeTakeFirst();
  if (!row) throw new NotFoundError(`DAG run ${runId} not found`);
  if (row.state === "queued") {
    const restarted = row.started_at !== null;
    await moveRun(tx, row, "running", at, { started_at: at });
    await queueRoots(tx, runId, graph, at);
    // A cleared run has tasks whose upstream already finished: judge every task once.
    if (restarted) await advanceRun(tx, runId, graph, [], at, { evaluate: graph.tasks.map((t) => t.id) });
    // A DAG without tasks is done as soon as it starts.
    await closeRunIfDone(tx, runId, graph, at);
  }
  const updated = await tx.selectFrom("dag_runs").selectAll().where("run_id", "=", runId).executeTakeFirstOrThrow();
  return runFromRow(updated);
}
