/**
 * The Store implemented once over Kysely for every dialect. A dialect supplies the connection,
 * how a write transaction begins, and its name; everything else is shared.
 */
import { sql, type Kysely } from "kysely";
import type { DagGraph } from "../../core/types.js";
import type { Database } from "./schema.js";
import { migrateToLatest, type MigrationReport } from "./migrate.js";
import type {
  AnswerApprovalInput,
  WaitingApproval,
  ClaimedTask,
  TaskResultsAsk,
  ClaimRequest,
  CompleteTryInput,
  CompleteTryResult,
  CreateRunInput,
  StartQueuedRunsInput,
  CreateRunResult,
  DagRecord,
  DagRunRecord,
  DagVersionRecord,
  DeadLetterRecord,
  LogQuery,
  OutcomeWriteCount,
  PoolUsage,
  RunFilter,
  StateChangeRecord,
  Store,
  StoreCapabilities,
  StoredLogLine,
  StoredSecret,
  TaskInstanceRecord,
  TaskTryRecord,
} from "../contract/store.js";
import type { RunInTransaction } from "./shared/tx.js";
import type { StepDeclined, StepFunction, StepOutcome } from "./shared/step-function.js";
import { createRuns, startRun } from "./runs/create-run.js";
import { claimWithWakeUps } from "./waits/wake-due.js";
import { nextWakeAt } from "./waits/next-wake.js";
import { completeTries } from "./tries/complete-tries.js";
import { insertLogs } from "./tries/insert-logs.js";
import { chunks, moveTasks } from "./shared/transitions.js";
import { startQueuedRuns } from "./runs/start-queued-runs.js";
import { clearRun } from "./runs/clear-run.js";
import { cancelRun } from "./runs/cancel-run.js";
import { markTaskInstance, type MarkTaskInput } from "./runs/mark-task.js";
import { answerApproval } from "./runs/answer-approval.js";
import { listWaitingApprovals } from "./runs/waiting-approvals.js";
import { markRun, type MarkRunInput } from "./runs/mark-run.js";
import { listRunNotes, setRunNote } from "./runs/run-notes.js";
import type { RunNoteRecord, SetRunNoteInput } from "../contract/run-notes.js";
import { clearTaskInstances, type ClearTasksInput } from "./runs/clear-tasks.js";
import * as backfills from "./backfills/backfills.js";
import type { BackfillIntervalRecord, BackfillIntervalToStart, BackfillRecord, BackfillState, CreateBackfillInput } from "../contract/backfills.js";
import { dagVersionFromRow } from "./runs/dag-versions.js";
import {
  dagFromRow,
  deadLetterFromRow,
  fromMapIndex,
  instanceFromRow,
  logLineFromRow,
  runFromRow,
  stateChangeFromRow,
  toDate,
  tryFromRow,
} from "./shared/rows.js";
import { NotFoundError } from "../../core/errors.js";
import { compareDagIds, isUniqueViolation, lockInstancesInRunOrder } from "./shared/locks.js";
import { queuedCount, type QueuedNotifier } from "./shared/queued-signal.js";
import { registerTxFeatures } from "./shared/tx-features.js";
import * as secrets from "./access/secrets.js";
import { deleteTaskLogsBefore } from "./tries/log-retention.js";
import { getTaskResultsOfRuns } from "./tries/task-results.js";
import { getMappedItems, ParsedLists } from "./tries/mapped-item.js";
import { SqlAccessStore } from "./access/sql-access-store.js";
import type { AccessStore } from "../contract/access.js";
import { SqlLineageStore } from "./lineage/sql-lineage-store.js";
import type { LineageStore } from "../contract/lineage.js";
import { SqlAlertStore } from "./alerts/sql-alert-store.js";
import { SqlResultCacheStore } from "./result-cache/sql-result-cache-store.js";
import { SqlStepStore } from "./steps/sql-step-store.js";
import type { ResultCacheStore } from "../contract/result-cache.js";
import type { StepStore } from "../contract/steps.js";
import type { AlertStore } from "../contract/alerts.js";
import { stateLiteral } from "./shared/state-literal.js";

export interface SqlStoreOptions {
  readonly db: Kysely<Database>;
  readonly dialect: "sqlite" | "postgres";
  readonly inTransaction: RunInTransaction;
  /**
   * Run migrations inside one `inTransaction` (whose lock then serialises concurrent migrators)
   * instead of Kysely's own migration transaction and lock.
   */
  readonly migrationsInWriteTransaction?: boolean;
  /** How committed work wakes idle workers; without one, workers only poll. */
  readonly notifier?: QueuedNotifier;
  /** Runs before migrations (e.g. creating the PostgreSQL schema). */
  readonly beforeMigrate?: () => Promise<void>;
  /** Runs after migrations that succeeded (e.g. creating PostgreSQL's step function); its failure is the report's error. */
  readonly afterMigrate?: () => Promise<void>;
  /** The schema that holds the store's tables, migration bookkeeping included (PostgreSQL). */
  readonly schema?: string;
  /** The database has concurrent writers and row locks (PostgreSQL): see sql/shared/locks.ts. */
  readonly rowLocks?: boolean;
  readonly capabilities: StoreCapabilities;
  readonly onClose?: () => Promise<void>;
  /**
   * PostgreSQL: refreshes the planner's statistics after a transaction that left at least
   * `MANY_QUEUED` instances queued has committed (postgres/claim-statistics.ts), in the
   * background; the store waits for it to settle before closing.
   */
  readonly claimStatistics?: { readonly refresh: () => void; readonly settled: () => Promise<void> };
  /**
   * A dialect's one-call step (postgres/step-function.ts, sqlite/step-function.ts): records the common
   * case of a completion and its claim, or says why the statements' path must.
   */
  readonly step?: StepFunction;
}

/** Why a store opened without a step function (both dialects have one) records every outcome through the statements. */
const NO_STEP_FUNCTION: StepDeclined = { declined: "no step function in this database" };

/** What counts as many instances queued at once (a fan-out, not a run's roots), or in a new run. */
const MANY_QUEUED = 1_000;

/** Rows per statement in `upsertDags` (5 parameters each). */
const UPSERT_DAGS_PER_STATEMENT = 200;

export class SqlStore implements Store {
  readonly dialect: "sqlite" | "postgres";
  readonly capabilities: StoreCapabilities;
  readonly access: AccessStore;
  readonly lineage: LineageStore;
  readonly alerts: AlertStore;
  readonly resultCache: ResultCacheStore;
  readonly steps: StepStore;
  readonly #db: Kysely<Database>;
  readonly #tx: RunInTransaction;
  readonly #notifier: QueuedNotifier | undefined;
  readonly #onClose: (() => Promise<void>) | undefined;
  readonly #migrationsInWriteTransaction: boolean;
  readonly #rowLocks: boolean;
  readonly #beforeMigrate: (() => Promise<void>) | undefined;
  readonly #afterMigrate: (() => Promise<void>) | undefined;
  readonly #schema: string | undefined;
  readonly #claimStatistics: SqlStoreOptions["claimStatistics"];
  readonly #step: StepFunction | undefined;
  /** By path and reason (`outcomeWrites`). */
  readonly #outcomeWrites = new Map<string, OutcomeWriteCount>();
  /** The lists mapped tasks map over, kept parsed (tries/mapped-item.ts). */
  readonly #parsedLists = new ParsedLists();

  constructor(options: SqlStoreOptions) {
    this.dialect = options.dialect;
    this.capabilities = options.capabilities;
    this.#db = options.db;
    this.#notifier = options.notifier;
    const notifier = options.notifier;
    const txFeatures = { writesInWith: options.dialect === "postgres" };
    // Every write transaction: when it queued work, wake workers once it has committed.
    const claimStatistics = options.claimStatistics;
    this.#claimStatistics = claimStatistics;
    this.#step = options.step;
    this.#tx = async (fn) => {
      let queued = 0;
      const result = await options.inTransaction(async (tx) => {
        registerTxFeatures(tx, txFeatures);
        const value = await fn(tx);
        queued = queuedCount(tx);
        if (queued > 0) await notifier?.inTransaction?.(tx);
        return value;
      });
      if (queued > 0) notifier?.afterCommit?.();
      if (queued >= MANY_QUEUED) claimStatistics?.refresh();
      return result;
    };
    this.access = new SqlAccessStore(this.#db, this.#tx, options.rowLocks === true);
    this.lineage = new SqlLineageStore(this.#db, this.#tx, options.rowLocks === true);
    this.alerts = new SqlAlertStore(this.#db, this.#tx, options.rowLocks === true);
    this.resultCache = new SqlResultCacheStore(this.#db);
    this.steps = new SqlStepStore(this.#db, this.#tx, options.rowLocks === true);
    this.#onClose = options.onClose;
    this.#migrationsInWriteTransaction = options.migrationsInWriteTransaction === true;
    this.#rowLocks = options.rowLocks === true;
    this.#beforeMigrate = options.beforeMigrate;
    this.#afterMigrate = options.afterMigrate;
    this.#schema = options.schema;
  }

  async migrate(): Promise<MigrationReport> {
    try {
      await this.#beforeMigrate?.();
    } catch (error) {
      return { applied: [], error: error instanceof Error ? error : new Error(String(error)) };
    }
    const report = await this.#migrateToLatest();
    if (report.error || !this.#afterMigrate) return report;
    try {
      await this.#afterMigrate();
      return report;
    } catch (error) {
      return { applied: report.applied, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  async #migrateToLatest(): Promise<MigrationReport> {
    if (!this.#migrationsInWriteTransaction) return migrateToLatest(this.#db, this.dialect, { schema: this.#schema });
    let failed: MigrationReport | undefined;
    try {
      return await this.#tx(async (tx) => {
        const report = await migrateToLatest(tx, this.dialect, { inCallerTransaction: true, schema: this.#schema });
        if (report.error) {
          // Roll back the whole transaction: nothing of a failed migration run is committed.
          failed = { applied: [], error: report.error };
          throw report.error;
        }
        return report;
      });
    } catch (error) {
      return failed ?? { applied: [], error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  async close(): Promise<void> {
    await this.#claimStatistics?.settled();
    await this.#db.destroy();
    await this.#onClose?.();
  }

  // Every write goes through #tx, even single statements: the dialect's write transaction is
  // also where it serialises writers (see sqlite/write-lock.ts).
  async upsertDag(input: { dagId: string; file: string; graph: DagGraph; now: Date }): Promise<void> {
    const values = { file: input.file, graph: JSON.stringify(input.graph), updated_at: input.now.getTime() };
    await this.#tx((tx) =>
      tx
        .insertInto("dags")
        .values({ dag_id: input.dagId, is_paused: 0, ...values })
        .onConflict((oc) => oc.column("dag_id").doUpdateSet(values))
        .execute(),
    );
  }

  async upsertDags(input: { dags: readonly { dagId: string; file: string; graph: DagGraph }[]; now: Date }): Promise<void> {
    if (input.dags.length === 0) return;
    const updatedAt = input.now.getTime();
    // In the order of the ids, the order startQueuedRunsOfDags locks DAGs in (compareDagIds).
    const rows = [...input.dags]
      .sort((a, b) => compareDagIds(a.dagId, b.dagId))
      .map((dag) => ({ dag_id: dag.dagId, is_paused: 0, file: dag.file, graph: JSON.stringify(dag.graph), updated_at: updatedAt }));
    await this.#tx(async (tx) => {
      // Several rows per statement, few enough to stay under SQLite's 32,766 bound parameters.
      for (let start = 0; start < rows.length; start += UPSERT_DAGS_PER_STATEMENT) {
        await tx
          .insertInto("dags")
          .values(rows.slice(start, start + UPSERT_DAGS_PER_STATEMENT))
          .onConflict((oc) =>
            oc.column("dag_id").doUpdateSet((eb) => ({ file: eb.ref("excluded.file"), graph: eb.ref("excluded.graph"), updated_at: eb.ref("excluded.updated_at") })),
          )
          .execute();
      }
    });
  }

  async onTasksQueued(listener: () => void): Promise<() => Promise<void>> {
    return this.#notifier ? this.#notifier.subscribe(listener) : async () => undefined;
  }

  async listDags(): Promise<DagRecord[]> {
    const rows = await this.#db.selectFrom("dags").selectAll().orderBy("dag_id").execute();
    return rows.map(dagFromRow);
  }

  async listPausedDagIds(): Promise<string[]> {
    const rows = await this.#db.selectFrom("dags").select("dag_id").where("is_paused", "=", 1).execute();
    return rows.map((row) => row.dag_id);
  }

  async setDagPaused(dagId: string, paused: boolean, now: Date): Promise<boolean> {
    const result = await this.#tx((tx) =>
      tx.updateTable("dags").set({ is_paused: paused ? 1 : 0, updated_at: now.getTime() }).where("dag_id", "=", dagId).executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  async latestLogicalDate(dagId: string): Promise<Date | undefined> {
    return (await this.latestLogicalDates([dagId])).get(dagId);
  }

  async latestLogicalDates(dagIds: readonly string[]): Promise<Map<string, Date>> {
    const latest = new Map<string, Date>();
    // A lookup per DAG on the (dag_id, logical_date) index, up to 64 of them in one statement:
    // grouping the DAGs' runs instead read every run of each (a @minutely DAG makes half a million
    // a year). The list is padded to a power of two (the last id again), so that PostgreSQL's
    // named statements (postgres/prepared-statements.ts) meet few texts. (256 a statement: the
    // first call for 3,000 DAGs took 744 ms on PostgreSQL, planning them; 64: 233 ms.)
    for (const batch of chunks([...new Set(dagIds)], 64)) {
      const padded = [...batch];
      while ((padded.length & (padded.length - 1)) !== 0) padded.push(batch[batch.length - 1] as string);
      const lookups = padded.map((dagId) =>
        this.#db.selectNoFrom((eb) => [
          sql<string>`cast(${dagId} as text)`.as("dag_id"),
          eb
            .selectFrom("dag_runs")
            .select((runs) => runs.fn.max("logical_date").as("latest"))
            .where("dag_id", "=", dagId)
            .where("run_type", "in", ["scheduled", "backfill"])
            .as("latest"),
        ]),
      );
      const [first, ...rest] = lookups;
      if (first === undefined) continue;
      const rows = await rest.reduce((query, lookup) => query.unionAll(lookup), first).execute();
      for (const row of rows) if (row.latest !== null && row.latest !== undefined) latest.set(row.dag_id, toDate(row.latest));
    }
    return latest;
  }

  async startQueuedRuns(input: StartQueuedRunsInput): Promise<DagRunRecord[]> {
    const [started] = await this.startQueuedRunsOfDags([input]);
    return started ?? [];
  }

  startQueuedRunsOfDags(inputs: readonly StartQueuedRunsInput[]): Promise<DagRunRecord[][]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return this.#tx(async (tx) => {
      const started = new Map<StartQueuedRunsInput, DagRunRecord[]>();
      // Locked in the order of their ids, as upsertDags writes them (compareDagIds).
      for (const input of [...inputs].sort((a, b) => compareDagIds(a.dagId, b.dagId))) {
        started.set(input, await startQueuedRuns(tx, input, this.#rowLocks));
      }
      return inputs.map((input) => started.get(input) ?? []);
    });
  }

  clearRun(input: { runId: string; graph: DagGraph; onlyFailed: boolean; now: Date; source?: string }): Promise<DagRunRecord> {
    return this.#tx((tx) => clearRun(tx, input, this.#rowLocks));
  }

  cancelRun(input: { runId: string; graph: DagGraph; now: Date; reason?: string }): Promise<DagRunRecord> {
    return this.#tx((tx) => cancelRun(tx, input, this.#rowLocks));
  }

  markRun(input: MarkRunInput): Promise<DagRunRecord> {
    return this.#tx((tx) => markRun(tx, input, this.#rowLocks));
  }

  setRunNote(input: SetRunNoteInput): Promise<RunNoteRecord | null> {
    return this.#tx((tx) => setRunNote(tx, input));
  }

  listRunNotes(runIds: readonly string[]): Promise<RunNoteRecord[]> {
    return listRunNotes(this.#db, runIds);
  }

  markTaskInstance(input: MarkTaskInput): Promise<TaskInstanceRecord> {
    return this.#tx((tx) => markTaskInstance(tx, input, this.#rowLocks));
  }

  answerApproval(input: AnswerApprovalInput): Promise<TaskInstanceRecord> {
    return this.#tx((tx) => answerApproval(tx, input, this.#rowLocks));
  }

  listWaitingApprovals(filter?: { readonly dagIds?: readonly string[] }): Promise<WaitingApproval[]> {
    return listWaitingApprovals(this.#db, filter);
  }

  clearTaskInstances(input: ClearTasksInput): Promise<{ run: DagRunRecord; cleared: number }> {
    return this.#tx((tx) => clearTaskInstances(tx, input, this.#rowLocks));
  }

  createBackfill(input: CreateBackfillInput): Promise<BackfillRecord> {
    return this.#tx((tx) => backfills.createBackfill(tx, input, this.#rowLocks));
  }

  getBackfill(id: number): Promise<BackfillRecord | undefined> {
    return backfills.readBackfill(this.#db, id);
  }

  listBackfills(filter: { dagId?: string; states?: readonly BackfillState[] }): Promise<BackfillRecord[]> {
    return backfills.listBackfills(this.#db, filter);
  }

  cancelBackfill(id: number, now: Date): Promise<BackfillRecord> {
    return this.#tx((tx) => backfills.cancelBackfill(tx, id, now, this.#rowLocks));
  }

  pauseBackfill(id: number, now: Date): Promise<BackfillRecord> {
    return this.#tx((tx) => backfills.pauseBackfill(tx, id, now, this.#rowLocks));
  }

  resumeBackfill(input: { id: number; maxActiveRuns?: number; now: Date }): Promise<BackfillRecord> {
    return this.#tx((tx) => backfills.resumeBackfill(tx, input, this.#rowLocks));
  }

  listBackfillIntervals(id: number): Promise<BackfillIntervalRecord[]> {
    return backfills.listBackfillIntervals(this.#db, id);
  }

  takeBackfillIntervals(backfillId: number, now: Date, create?: (interval: BackfillIntervalToStart) => CreateRunInput): Promise<BackfillIntervalToStart[]> {
    return this.#tx((tx) => backfills.takeBackfillIntervals(tx, backfillId, now, this.#rowLocks, create));
  }

  recordBackfillRun(input: { backfillId: number; logicalDate: Date; runId: string; done: boolean }): Promise<void> {
    return this.#tx((tx) => backfills.recordBackfillRun(tx, input));
  }

  async getDagVersion(dagId: string, version: string): Promise<DagVersionRecord | undefined> {
    const row = await this.#db.selectFrom("dag_versions").selectAll().where("dag_id", "=", dagId).where("version", "=", version).executeTakeFirst();
    return row ? dagVersionFromRow(row) : undefined;
  }

  async listDagVersions(dagId: string): Promise<DagVersionRecord[]> {
    const rows = await this.#db.selectFrom("dag_versions").selectAll().where("dag_id", "=", dagId).orderBy("created_at", "desc").orderBy("version").execute();
    return rows.map(dagVersionFromRow);
  }

  async listRunsBetween(dagId: string, from: Date, to: Date): Promise<DagRunRecord[]> {
    const rows = await this.#db
      .selectFrom("dag_runs")
      .selectAll()
      .where("dag_id", "=", dagId)
      .where("run_type", "in", ["scheduled", "backfill"])
      .where("logical_date", ">=", from.getTime())
      .where("logical_date", "<=", to.getTime())
      .orderBy("logical_date")
      .execute();
    return rows.map(runFromRow);
  }

  async heartbeat(workerId: string, taskInstanceIds: readonly number[], now: Date): Promise<number[]> {
    if (taskInstanceIds.length === 0) return [];
    const rows = await this.#tx(async (tx) => {
      // Locked first, in the completions' order: a heartbeat beside its worker's own completion batch never deadlocks.
      await lockInstancesInRunOrder(tx, taskInstanceIds, this.#rowLocks);
      return tx
        .updateTable("task_instances")
        .set({ heartbeat_at: now.getTime() })
        .where("id", "in", taskInstanceIds)
        .where("worker_id", "=", workerId)
        .where("state", "=", stateLiteral("running"))
        .returning("id")
        .execute();
    });
    return rows.map((row) => Number(row.id));
  }

  async findZombies(before: Date): Promise<{ taskInstanceId: number; tryNumber: number; dagId: string; workerId: string | null }[]> {
    const rows = await this.#db
      .selectFrom("task_instances")
      .select(["id", "try_number", "dag_id", "worker_id"])
      .where("state", "=", stateLiteral("running"))
      .where("heartbeat_at", "<", before.getTime())
      .execute();
    return rows.map((r) => ({ taskInstanceId: Number(r.id), tryNumber: r.try_number, dagId: r.dag_id, workerId: r.worker_id }));
  }

  async findStuckQueued(before: Date): Promise<{ taskInstanceId: number; runId: string; dagId: string; taskId: string; queue: string; queuedAt: Date }[]> {
    const rows = await this.#db
      .selectFrom("task_instances")
      .select(["id", "run_id", "dag_id", "task_id", "queue", "queued_at"])
      .where("state", "=", stateLiteral("queued"))
      .where("queued_at", "<", before.getTime())
      .orderBy("queued_at")
      .limit(1_000)
      .execute();
    return rows.map((r) => ({
      taskInstanceId: Number(r.id),
      runId: r.run_id,
      dagId: r.dag_id,
      taskId: r.task_id,
      queue: r.queue,
      queuedAt: toDate(r.queued_at ?? 0),
    }));
  }

  async listPools(): Promise<{ name: string; slots: number; description: string | null }[]> {
    return this.#db.selectFrom("pools").select(["name", "slots", "description"]).orderBy("name").execute();
  }

  async setPool(input: { name: string; slots: number; description?: string; now: Date }): Promise<void> {
    const values = { slots: input.slots, description: input.description ?? null, updated_at: input.now.getTime() };
    await this.#tx((tx) =>
      tx
        .insertInto("pools")
        .values({ name: input.name, ...values })
        .onConflict((oc) => oc.column("name").doUpdateSet(values))
        .execute(),
    );
  }

  async deletePool(name: string): Promise<boolean> {
    const result = await this.#tx((tx) => tx.deleteFrom("pools").where("name", "=", name).executeTakeFirst());
    return Number(result.numDeletedRows) > 0;
  }

  async listPoolUsage(): Promise<PoolUsage[]> {
    // A statement per state, each read from that state's partial index.
    const inState = (state: "running" | "queued") =>
      this.#db
        .selectFrom("task_instances")
        .select(["pool", "state", sql<number>`count(*)`.as("n")])
        .where("state", "=", stateLiteral(state))
        .where("pool", "is not", null)
        .groupBy(["pool", "state"])
        .execute();
    const rows = [...(await inState("running")), ...(await inState("queued"))];
    const usage = new Map<string, { pool: string; running: number; queued: number }>();
    for (const row of rows) {
      if (row.pool === null) continue;
      const entry = usage.get(row.pool) ?? { pool: row.pool, running: 0, queued: 0 };
      if (row.state === "running") entry.running = Number(row.n);
      else entry.queued = Number(row.n);
      usage.set(row.pool, entry);
    }
    return [...usage.values()].sort((a, b) => a.pool.localeCompare(b.pool));
  }

  async getDag(dagId: string): Promise<DagRecord | undefined> {
    const row = await this.#db.selectFrom("dags").selectAll().where("dag_id", "=", dagId).executeTakeFirst();
    return row ? dagFromRow(row) : undefined;
  }


  async createRun(input: CreateRunInput): Promise<CreateRunResult> {
    const [created] = await this.createRuns([input]);
    if (created === undefined) throw new Error("createRuns returned no run");
    return created;
  }

  async createRuns(inputs: readonly CreateRunInput[]): Promise<CreateRunResult[]> {
    if (inputs.length === 0) return [];
    let created: CreateRunResult[];
    try {
      created = await this.#tx((tx) => createRuns(tx, inputs));
    } catch (error) {
      // Another scheduler created one of these intervals' runs between the check and the insert
      // (the unique key kept it single): each on its own then, finding the run that won. (A
      // duplicate run id of another kind fails again, as it should.)
      if (!isUniqueViolation(error)) throw error;
      created = [];
      for (const input of inputs) created.push(...(await this.#tx((tx) => createRuns(tx, [input]))));
    }
    // Runs this large change what the table holds, as a big fan-out does: its readiness reads
    // should be planned for them (postgres/claim-statistics.ts).
    const instances = created.reduce((sum, result, i) => sum + (result.created ? (inputs[i]?.graph.tasks.length ?? 0) : 0), 0);
    if (instances >= MANY_QUEUED) this.#claimStatistics?.refresh();
    return created;
  }

  startRun(runId: string, graph: DagGraph, now: Date): Promise<DagRunRecord> {
    return this.#tx((tx) => startRun(tx, runId, graph, now, this.#rowLocks));
  }

  async getRun(runId: string): Promise<DagRunRecord | undefined> {
    const row = await this.#db.selectFrom("dag_runs").selectAll().where("run_id", "=", runId).executeTakeFirst();
    return row ? runFromRow(row) : undefined;
  }

  async listRuns(filter: RunFilter): Promise<DagRunRecord[]> {
    let query = this.#db.selectFrom("dag_runs").selectAll();
    if (filter.dagId !== undefined) query = query.where("dag_id", "=", filter.dagId);
    if (filter.states !== undefined && filter.states.length > 0) query = query.where("state", "in", filter.states);
    if (filter.runTypes !== undefined && filter.runTypes.length > 0) query = query.where("run_type", "in", filter.runTypes);
    if (filter.from !== undefined) query = query.where("logical_date", ">=", filter.from.getTime());
    if (filter.to !== undefined) query = query.where("logical_date", "<=", filter.to.getTime());
    const rows = await query
      .orderBy("logical_date", "desc")
      .orderBy("created_at", "desc")
      .orderBy("run_id", "desc")
      .limit(filter.limit ?? 100)
      .offset(filter.offset ?? 0)
      .execute();
    return rows.map(runFromRow);
  }

  async listRecentRuns(perDag: number): Promise<Map<string, DagRunRecord[]>> {
    // One query for every DAG (the DAGs page), not one per DAG: the latest `perDag` runs of each.
    const ranked = this.#db
      .selectFrom("dag_runs")
      .selectAll()
      .select(sql<number>`row_number() over (partition by dag_id order by logical_date desc, created_at desc, run_id desc)`.as("rank"))
      .as("ranked");
    const rows = await this.#db.selectFrom(ranked).selectAll().where("rank", "<=", perDag).orderBy("dag_id").orderBy("rank").execute();
    const byDag = new Map<string, DagRunRecord[]>();
    for (const row of rows) {
      const list = byDag.get(row.dag_id) ?? [];
      list.push(runFromRow(row));
      byDag.set(row.dag_id, list);
    }
    return byDag;
  }

  async countRuns(filter: RunFilter): Promise<number> {
    let query = this.#db.selectFrom("dag_runs").select((eb) => eb.fn.countAll().as("n"));
    if (filter.dagId !== undefined) query = query.where("dag_id", "=", filter.dagId);
    if (filter.states !== undefined && filter.states.length > 0) query = query.where("state", "in", filter.states);
    if (filter.runTypes !== undefined && filter.runTypes.length > 0) query = query.where("run_type", "in", filter.runTypes);
    if (filter.from !== undefined) query = query.where("logical_date", ">=", filter.from.getTime());
    if (filter.to !== undefined) query = query.where("logical_date", "<=", filter.to.getTime());
    return Number((await query.executeTakeFirst())?.n ?? 0);
  }

  async listTaskInstances(runId: string): Promise<TaskInstanceRecord[]> {
    const rows = await this.#db
      .selectFrom("task_instances")
      .selectAll()
      .where("run_id", "=", runId)
      .orderBy("id")
      .execute();
    return rows.map(instanceFromRow);
  }

  async listTries(taskInstanceId: number): Promise<TaskTryRecord[]> {
    const rows = await this.#db
      .selectFrom("task_tries")
      .selectAll()
      .where("task_instance_id", "=", taskInstanceId)
      .orderBy("try_number")
      .execute();
    return rows.map(tryFromRow);
  }

  async listStateHistory(runId: string): Promise<StateChangeRecord[]> {
    const rows = await this.#db.selectFrom("state_history").selectAll().where("run_id", "=", runId).orderBy("id").execute();
    return rows.map(stateChangeFromRow);
  }

  async listStateChangesSince(afterId: number, limit: number): Promise<(StateChangeRecord & { dagId: string })[]> {
    const rows = await this.#db
      .selectFrom("state_history")
      .innerJoin("dag_runs", "dag_runs.run_id", "state_history.run_id")
      .selectAll("state_history")
      .select("dag_runs.dag_id")
      .where("state_history.id", ">", afterId)
      .orderBy("state_history.id")
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...stateChangeFromRow(row), dagId: row.dag_id }));
  }

  async latestStateChangeId(): Promise<number> {
    const row = await this.#db.selectFrom("state_history").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  claimNextTasks(request: ClaimRequest): Promise<ClaimedTask[]> {
    return this.#tx((tx) => claimWithWakeUps(tx, request, this.#rowLocks, "wait"));
  }

  async getTaskResults(runId: string, taskIds: readonly string[]): Promise<Map<string, unknown>> {
    return (await this.getTaskResultsOfRuns([{ runId, taskIds }])).get(runId) ?? new Map<string, unknown>();
  }

  getTaskResultsOfRuns(asks: readonly TaskResultsAsk[]): Promise<Map<string, Map<string, unknown>>> {
    return getTaskResultsOfRuns(this.#db, asks);
  }

  getMappedItems(runId: string, taskId: string, indexes: readonly number[]): Promise<Map<number, unknown>> {
    return getMappedItems(this.#db, runId, taskId, indexes, this.#parsedLists);
  }

  async appendLogs(tryId: number, lines: readonly Omit<StoredLogLine, "id">[]): Promise<void> {
    if (lines.length === 0) return;
    // One transaction: a batch of lines is stored whole or not at all.
    await this.#tx((tx) => insertLogs(tx, [{ tryId, lines }]));
  }

  async completeTry(input: CompleteTryInput): Promise<CompleteTryResult> {
    const [result] = (await this.#stepped([input], undefined))?.results ?? (await this.#tx((tx) => completeTries(tx, [input], this.#rowLocks)));
    return result as CompleteTryResult;
  }

  async completeTries(inputs: readonly CompleteTryInput[], claim?: ClaimRequest): Promise<{ results: CompleteTryResult[]; claimed: ClaimedTask[] }> {
    const stepped = await this.#stepped(inputs, claim);
    if (stepped !== undefined) return stepped;
    return this.#tx(async (tx) => {
      const results = await completeTries(tx, inputs, this.#rowLocks);
      const claimed = claim ? await claimWithWakeUps(tx, claim, this.#rowLocks, "skip") : [];
      return { results, claimed };
    });
  }

  /**
   * The dialect's one-call step, if it has one and it covers these outcomes; what follows a
   * commit that queued many instances follows it too (the notification is the function's own).
   */
  async #stepped(inputs: readonly CompleteTryInput[], claim: ClaimRequest | undefined): Promise<StepOutcome | undefined> {
    const stepped = this.#step ? await this.#step(inputs, claim) : NO_STEP_FUNCTION;
    if ("declined" in stepped) {
      this.#countOutcomeWrite("statements", stepped.declined);
      return undefined;
    }
    if (stepped.results.reduce((sum, result) => sum + result.queued, 0) >= MANY_QUEUED) this.#claimStatistics?.refresh();
    // The outcomes are recorded; the claim it left (pools, waits) is the statements', as it rode along.
    if (stepped.claimSkipped && claim) {
      this.#countOutcomeWrite("one_call_then_claim", "a claim into a pool, or a wait to wake");
      return { results: stepped.results, claimed: await this.#tx((tx) => claimWithWakeUps(tx, claim, this.#rowLocks, "skip")) };
    }
    this.#countOutcomeWrite("one_call", "");
    return stepped;
  }

  #countOutcomeWrite(path: OutcomeWriteCount["path"], reason: string): void {
    const key = `${path}\u0000${reason}`;
    const entry = this.#outcomeWrites.get(key);
    this.#outcomeWrites.set(key, { path, reason, count: (entry?.count ?? 0) + 1 });
  }

  outcomeWrites(): readonly OutcomeWriteCount[] {
    return [...this.#outcomeWrites.values()];
  }

  async queueDueRetries(now: Date): Promise<number> {
    // Looked for before taking the write lock: the timer asks far more often than retries fall due.
    const any = await this.#db
      .selectFrom("task_instances")
      .select("id")
      .where("state", "=", stateLiteral("retrying"))
      .where("next_retry_at", "<=", now.getTime())
      .limit(1)
      .executeTakeFirst();
    if (any === undefined) return 0;
    return this.#tx(async (tx) => {
      const query = tx
        .selectFrom("task_instances")
        .select(["id", "run_id", "dag_id", "task_id", "map_index", "state"])
        .where("state", "=", stateLiteral("retrying"))
        .where("next_retry_at", "<=", now.getTime())
        // In the lock order (shared/locks.ts), which also fixes the order of their history rows.
        .orderBy("run_id")
        .orderBy("id");
      const due = await (this.#rowLocks ? query.forUpdate().skipLocked() : query).execute();
      const at = now.getTime();
      await moveTasks(tx, due.map((r) => ({ ...r, id: Number(r.id) })), "queued", at, { queued_at: at, next_retry_at: null });
      return due.length;
    });
  }

  async putSecret(secret: StoredSecret): Promise<void> {
    await this.#tx((tx) => secrets.putSecret(tx, secret));
  }

  async getSecret(name: string): Promise<StoredSecret | undefined> {
    return secrets.getSecret(this.#db, name);
  }

  async listSecrets(): Promise<StoredSecret[]> {
    return secrets.listSecrets(this.#db);
  }

  async deleteSecret(name: string): Promise<boolean> {
    return this.#tx((tx) => secrets.deleteSecret(tx, name));
  }

  async rewriteSecrets(reencrypt: (secret: StoredSecret) => StoredSecret): Promise<number> {
    return this.#tx((tx) => secrets.rewriteSecrets(tx, reencrypt, this.#rowLocks));
  }

  async deleteTaskLogsBefore(before: Date): Promise<number> {
    return this.#tx((tx) => deleteTaskLogsBefore(tx, before));
  }

  async nextRetryAt(): Promise<Date | undefined> {
    const row = await this.#db
      .selectFrom("task_instances")
      .select((eb) => eb.fn.min("next_retry_at").as("next"))
      .where("state", "=", stateLiteral("retrying"))
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? undefined : toDate(row.next);
  }

  nextWakeAt(filter: { dagIds: readonly string[]; queues?: readonly string[] }): Promise<Date | undefined> {
    return nextWakeAt(this.#db, filter);
  }

  async readLogs(query: LogQuery): Promise<{
    tryNumber: number;
    lines: StoredLogLine[];
  }> {
    const ti = await this.#db
      .selectFrom("task_instances")
      .select(["id", "try_number"])
      .where("run_id", "=", query.runId)
      .where("task_id", "=", query.taskId)
      .where("map_index", "=", fromMapIndex(query.mapIndex))
      .executeTakeFirst();
    if (!ti) throw new NotFoundError(`no task instance "${query.taskId}" in run ${query.runId}`, { taskId: query.taskId });
    const tryNumber = query.tryNumber ?? ti.try_number;
    const tryRow = await this.#db
      .selectFrom("task_tries")
      .select("id")
      .where("task_instance_id", "=", Number(ti.id))
      .where("try_number", "=", tryNumber)
      .executeTakeFirst();
    if (!tryRow) {
      throw new NotFoundError(`task "${query.taskId}" in run ${query.runId} has no try ${tryNumber}`, { taskId: query.taskId });
    }
    let lines = this.#db.selectFrom("task_logs").selectAll().where("try_id", "=", Number(tryRow.id));
    if (query.afterId !== undefined) lines = lines.where("id", ">", query.afterId);
    if (query.search !== undefined && query.search !== "") {
      // Case-insensitive in both dialects; `%` and `_` in the text match themselves.
      const pattern = `%${escapeLike(query.search.toLowerCase())}%`;
      lines = lines.where(sql<boolean>`lower(message) like ${pattern} escape '\\'`);
    }
    const rows = await (query.limit === undefined ? lines : lines.limit(query.limit)).orderBy("id").execute();
    return { tryNumber, lines: rows.map(logLineFromRow) };
  }

  async listDeadLetters(filter: { open?: boolean }): Promise<DeadLetterRecord[]> {
    let query = this.#db.selectFrom("dead_letters").selectAll();
    if (filter.open === true) query = query.where("resolved_at", "is", null);
    const rows = await query.orderBy("id").execute();
    return rows.map(deadLetterFromRow);
  }

  async listDatasetEvents(filter: { uri?: string; runId?: string }): Promise<
    { uri: string; runId: string | null; taskId: string | null; at: Date; metadata: Record<string, unknown> }[]
  > {
    let query = this.#db.selectFrom("dataset_events").selectAll();
    if (filter.uri !== undefined) query = query.where("dataset_uri", "=", filter.uri);
    if (filter.runId !== undefined) query = query.where("run_id", "=", filter.runId);
    const rows = await query.orderBy("id").execute();
    return rows.map((r) => ({
      uri: r.dataset_uri,
      runId: r.run_id,
      taskId: r.task_id,
      at: toDate(r.at),
      metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    }));
  }
}

/** Escapes LIKE's wildcards with a backslash (the `escape` clause above names it). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

