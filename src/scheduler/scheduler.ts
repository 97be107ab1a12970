/**
 * The scheduler loop: on each tick it creates the DAG runs that became due (idempotently: the
 * store's unique key makes a second scheduler or a restart harmless), starts queued runs within
 * each DAG's `maxActiveRuns`, and fails zombie tries (running task instances whose worker stopped
 * heartbeating) so they are retried. Tasks never run here: workers run them.
 */
import { isTimetable } from "../core/schedule.js";
import { nextBoundaryAfter } from "../core/timetable.js";
import type { CreateRunInput, CreateRunResult, Store } from "../store/index.js";
import { ServiceLoop } from "../runtime/service-loop.js";
import { storedDags, type DagRegistry, type RegisteredDag } from "./dag-registry.js";
import { dueIntervals } from "./due-intervals.js";
import { createDatasetTriggeredRun } from "./dataset-triggers.js";
import { intervalRunInput } from "./interval-run-input.js";
import { defaultParamsOf } from "./run-params.js";
import { driveBackfills } from "./backfill-driver.js";
import { MAX_RUNS_PER_TRANSACTION, transactionBatches } from "./transaction-batches.js";
import type { LogFn } from "../logging/log-fields.js";

/** A DAG's scheduled runs that came due, to be created with other DAGs' in this tick. */
interface DueRuns {
  readonly entry: RegisteredDag;
  readonly inputs: readonly CreateRunInput[];
  /** Remembered once its runs exist: no interval of the DAG comes due before `at` (undefined: this tick makes only some of them). */
  readonly nextDue: { readonly checked: number; readonly at: number } | undefined;
}

export interface SchedulerOptions {
  readonly store: Store;
  readonly registry: DagRegistry;
  readonly now?: () => Date;
  /** Time between ticks. */
  readonly tickMs?: number;
  /** How often the DAG folder is checked for changed files; 0 disables reloading. */
  readonly reloadMs?: number;
  /** A running try whose worker has not heartbeated for this long is a zombie. */
  readonly zombieAfterMs?: number;
  /** How many lost tries (zombies included) of a task instance are retried without counting (default 3). */
  readonly lostTryRetries?: number;
  /**
   * A task instance queued this long without being claimed (no worker serves its queue, every
   * worker is down, its pool has no slots) is reported through `log`, once.
   */
  readonly queuedTimeoutMs?: number;
  /** Called when runs were started or zombies failed (to wake an in-process worker). */
  readonly onWork?: () => void;
  readonly onError?: (error: unknown) => void;
  readonly log?: LogFn;
  /** Timers run at the end of every tick (the SLA check); an error is reported, never fatal. */
  readonly afterTick?: readonly ((now: Date) => Promise<void>)[];
  /** Sees each pass's duration and each scheduled run's lag (metrics). */
  readonly observer?: { pass(durationMs: number): void; runCreated(dagId: string, lagMs: number): void };
}

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #loop: ServiceLoop;
  #lastReload = 0;
  /** Stuck task instances already reported, so each is reported once. */
  readonly #reportedStuck = new Set<number>();
  /** The version of each DAG last written to the store, so unchanged DAGs are not written again. */
  readonly #recorded = new Map<string, RegisteredDag>();
  /**
   * Per timetable DAG: no interval can come due before `at` (the next tick after the last check),
   * so until then a tick need not ask the store for its latest logical date. Checking early is
   * harmless (runs are created idempotently), so the entry is dropped whenever in doubt.
   */
  readonly #nextDue = new Map<string, { entry: RegisteredDag; checked: number; at: number }>();
  /** The DAG folder reload in progress, if any. */
  #reloading: Promise<void> | undefined;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#loop = new ServiceLoop(async () => {
      await this.tick();
      return this.#sleepAfterTick();
    }, options.onError ?? (() => undefined));
  }

  start(): void {
    this.#loop.start();
  }

  wake(): void {
    this.#loop.wake();
  }

  async stop(): Promise<void> {
    // No pass starts after loop.stop(); a reload already waiting on a DAG file is cut short.
    const stopped = this.#loop.stop();
    this.#options.registry.cancelLoading();
    await stopped;
    await this.#reloading;
  }

  /** One pass of the loop; exported for tests that drive time by hand. */
  async tick(): Promise<{ created: number; started: number; zombies: number }> {
    const { store, registry } = this.#options;
    const passStarted = Date.now();
    const now = (this.#options.now ?? (() => new Date()))();
    const reloadMs = this.#options.reloadMs ?? 2_000;
    if (reloadMs > 0 && now.getTime() - this.#lastReload >= reloadMs && this.#reloading === undefined) {
      this.#lastReload = now.getTime();
      this.#reloading = this.#reload(now).finally(() => (this.#reloading = undefined));
    }
    await this.#awaitReload();
    const paused = new Set(await store.listPausedDagIds());
    // The DAGs as they are now: a reload that ends during this tick swaps entries in the registry.
    const entries = [...registry.all().values()];
    let created = 0;
    // Every DAG's due runs first, then created together: at midnight every @daily DAG comes due,
    // and a transaction per DAG made the tick as long as the deployment was large.
    const due: DueRuns[] = [];
    // The timetable DAGs that may have come due, and where each one's schedule goes on from, read
    // for all of them at once.
    const looking = new Set(entries.filter((entry) => !paused.has(entry.dag.id) && isTimetable(entry.schedule) && this.#mayBeDue(entry, now)));
    const latestDates = looking.size === 0 ? new Map<string, Date>() : await store.latestLogicalDates([...looking].map((entry) => entry.dag.id));
    for (const entry of entries) {
      if (paused.has(entry.dag.id)) continue;
      try {
        if (entry.schedule.kind === "datasets") created += await this.#createDatasetTriggeredRun(entry, entry.schedule, now);
        else if (looking.has(entry)) due.push(await this.#dueRuns(entry, now, latestDates.get(entry.dag.id)));
      } catch (error) {
        this.#reportDagError(entry.dag.id, error);
      }
    }
    const made = await this.#createDueRuns(due, now);
    created += made.created;
    let started = made.started;
    // Only the DAGs that have queued runs, several DAGs to a transaction, as many as keep it short:
    // what a DAG's start queues is its runs that may start times their root tasks.
    const queuedRuns = await this.#queuedRunsByDag();
    const toStart = entries.filter((entry) => !paused.has(entry.dag.id) && (queuedRuns === undefined || queuedRuns.has(entry.dag.id)));
    const queues = (entry: RegisteredDag) => {
      // Counts unknown (too many queued runs to list): as many runs as a transaction creates.
      const queued = queuedRuns?.get(entry.dag.id) ?? MAX_RUNS_PER_TRANSACTION;
      const roots = entry.dag.graph.tasks.filter((task) => task.upstream.length === 0).length;
      return Math.min(queued, entry.dag.options.maxActiveRuns ?? queued) * Math.max(1, roots);
    };
    for (const batch of transactionBatches(toStart, queues)) started += await this.#startQueuedRuns(batch, now);
    // Backfills stored through the API: start their next runs (backfill-driver.ts).
    started += (await driveBackfills(store, (dagId) => registry.get(dagId), now, (error) => this.#options.onError?.(error))).started;
    const zombies = await this.#failZombies(now);
    await this.#reportStuckQueued(now);
    for (const timer of this.#options.afterTick ?? []) {
      try {
        await timer(now);
      } catch (error) {
        this.#options.onError?.(error);
      }
    }
    if (started > 0 || zombies > 0) this.#options.onWork?.();
    this.#options.observer?.pass(Date.now() - passStarted);
    return { created, started, zombies };
  }

  async #reload(now: Date): Promise<void> {
    try {
      if (await this.#options.registry.refresh()) await this.#recordDags(now);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  /**
   * A reload takes milliseconds and then counts for this tick. One that waits on a DAG file that
   * hangs at import (up to the import timeout, see dsl/import-check.ts) goes on in the background
   * after a tick's time, so the other DAGs' runs are still created on time. A test's virtual
   * clock waits for it.
   */
  async #awaitReload(): Promise<void> {
    const reloading = this.#reloading;
    if (reloading === undefined) return;
    if (this.#options.now !== undefined) return reloading;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#options.tickMs ?? 1_000)));
    await Promise.race([reloading, waited]);
    clearTimeout(timer);
  }

  /**
   * The tick interval, or less when a scheduled interval ends sooner: a run is then created the
   * moment its interval ends rather than up to a tick later (tributary_scheduler_lag_seconds).
   * Only on the real clock: a test's virtual clock does not move while the loop sleeps.
   */
  #sleepAfterTick(): number {
    const tickMs = this.#options.tickMs ?? 1_000;
    if (this.#options.now !== undefined) return tickMs;
    const now = Date.now();
    let earliest = now + tickMs;
    // An entry already past (a paused DAG's) is left for the next tick, so it never spins the loop.
    for (const next of this.#nextDue.values()) if (next.at > now && next.at < earliest) earliest = next.at;
    return earliest - now;
  }

  /** Writes the DAGs that changed since they were last written (or differ from the stored record). */
  async #recordDags(now: Date): Promise<void> {
    const { store, registry } = this.#options;
    let stored: Map<string, { file: string; graph: string }> | undefined;
    const changed: RegisteredDag[] = [];
    for (const entry of registry.all().values()) {
      const dagId = entry.dag.id;
      if (this.#recorded.get(dagId) === entry) continue;
      // After a restart every DAG is new to this process: compare with the store before writing.
      stored ??= new Map((await store.listDags()).map((d) => [d.dagId, { file: d.file, graph: JSON.stringify(d.graph) }]));
      const record = stored.get(dagId);
      if (record === undefined || record.file !== entry.file || record.graph !== JSON.stringify(entry.dag.graph)) changed.push(entry);
    }
    // One transaction for all of them: a start with thousands of new DAGs would otherwise commit each.
    if (changed.length > 0) await store.upsertDags({ dags: storedDags(changed), now });
    for (const entry of registry.all().values()) this.#recorded.set(entry.dag.id, entry);
  }

  /** How many queued runs each DAG has (DAGs without are not in the map), or undefined when there are too many to list (then every DAG is tried, one to a transaction). */
  async #queuedRunsByDag(): Promise<Map<string, number> | undefined> {
    const limit = 10_000;
    const runs = await this.#options.store.listRuns({ states: ["queued"], limit });
    if (runs.length >= limit) return undefined;
    const counts = new Map<string, number>();
    for (const run of runs) counts.set(run.dagId, (counts.get(run.dagId) ?? 0) + 1);
    return counts;
  }

  /** A dataset-triggered DAG's run, when its datasets were updated (how many: 0 or 1). */
  async #createDatasetTriggeredRun(entry: RegisteredDag, schedule: Extract<RegisteredDag["schedule"], { kind: "datasets" }>, now: Date): Promise<number> {
    const run = await createDatasetTriggeredRun(this.#options.store, entry, schedule, now);
    if (run) this.#options.log?.(`created run ${run.runId} of ${entry.dag.id} (dataset updates)`, { runId: run.runId, dagId: entry.dag.id });
    return run ? 1 : 0;
  }

  /** A timetable DAG's scheduled runs that came due (`lastLogicalDate`: its latest run's), to be created with the other DAGs'. */
  async #dueRuns(entry: RegisteredDag, now: Date, lastLogicalDate: Date | undefined): Promise<DueRuns> {
    const { schedule, dag } = entry;
    if (!isTimetable(schedule)) return { entry, inputs: [], nextDue: undefined };
    const at = now.getTime();
    this.#nextDue.delete(dag.id);
    const limit = 1_000;
    const intervals = dueIntervals({
      schedule,
      startDate: entry.startDate,
      endDate: entry.endDate,
      catchup: dag.options.catchup,
      lastLogicalDate,
      now,
      limit,
    });
    // A DAG with a params schema has its code work out its runs' params (none asked for none).
    const params = await defaultParamsOf(entry, intervals.length);
    // Without maxActiveRuns nothing holds a run back: it is created running, its roots queued, in
    // the same transaction. With one, it is created queued and started below, oldest first.
    const start = dag.options.maxActiveRuns === undefined;
    const inputs = intervals.map((interval) => intervalRunInput(entry, interval, { runType: "scheduled", start }, now, params));
    // Once these exist, the next interval ends at the next tick after now.
    const nextDue = intervals.length < limit ? { checked: at, at: nextBoundaryAfter(schedule, now).getTime() } : undefined;
    return { entry, inputs, nextDue };
  }

  /** Whether a DAG may have come due by `now`: not when the last look found its next interval ending later. */
  #mayBeDue(entry: RegisteredDag, now: Date): boolean {
    const at = now.getTime();
    const next = this.#nextDue.get(entry.dag.id);
    return !(next !== undefined && next.entry === entry && at >= next.checked && at < next.at);
  }

  /** Creates the due runs of every DAG, many to a transaction (transaction-batches.ts); how many were new, and how many of those started. */
  async #createDueRuns(due: readonly DueRuns[], now: Date): Promise<{ created: number; started: number }> {
    const { store } = this.#options;
    const items = due.flatMap((d) => d.inputs.map((input) => ({ due: d, input })));
    const failed = new Set<DueRuns>();
    let created = 0;
    let started = 0;
    for (const cut of transactionBatches(items, (item) => item.input.graph.tasks.length)) {
      // A DAG whose share failed makes no more runs this tick: its runs must stay a prefix of its
      // intervals, or its latest logical date would pass the ones missing and no tick would make them.
      const batch = cut.filter((item) => !failed.has(item.due));
      if (batch.length === 0) continue;
      let results: (CreateRunResult | undefined)[];
      try {
        results = await store.createRuns(batch.map((item) => item.input));
      } catch {
        // One DAG's runs must not hold up the others': each DAG's share of the batch on its own,
        // its error reported. (A DAG's items are next to each other.)
        results = [];
        for (const share of sharesByDue(batch)) {
          const d = share[0]?.due as DueRuns;
          try {
            results.push(...(await store.createRuns(share.map((item) => item.input))));
          } catch (error) {
            failed.add(d);
            this.#reportDagError(d.entry.dag.id, error);
            results.push(...share.map(() => undefined));
          }
        }
      }
      results.forEach((result, i) => {
        const item = batch[i];
        if (!result?.created || item === undefined) return;
        const dagId = item.due.entry.dag.id;
        created++;
        if (item.input.start) started++;
        this.#options.observer?.runCreated(dagId, now.getTime() - item.input.dataIntervalEnd.getTime());
        this.#options.log?.(`created run ${result.run.runId} of ${dagId}`, { runId: result.run.runId, dagId });
      });
    }
    for (const d of due) {
      if (d.nextDue !== undefined && !failed.has(d)) this.#nextDue.set(d.entry.dag.id, { entry: d.entry, ...d.nextDue });
    }
    return { created, started };
  }

  /** Starts the queued runs of `entries` in one transaction; each DAG on its own should that fail. How many started. */
  async #startQueuedRuns(entries: readonly RegisteredDag[], now: Date): Promise<number> {
    const { store } = this.#options;
    const inputOf = (entry: RegisteredDag) => ({ dagId: entry.dag.id, graph: entry.dag.graph, maxActiveRuns: entry.dag.options.maxActiveRuns, now });
    try {
      const started = await store.startQueuedRunsOfDags(entries.map(inputOf));
      return started.reduce((sum, runs) => sum + runs.length, 0);
    } catch {
      // One DAG's failure must not hold up the others: each on its own, its error reported.
      let started = 0;
      for (const entry of entries) {
        try {
          started += (await store.startQueuedRuns(inputOf(entry))).length;
        } catch (error) {
          this.#reportDagError(entry.dag.id, error);
        }
      }
      return started;
    }
  }

  #reportDagError(dagId: string, error: unknown): void {
    this.#options.onError?.(new Error(`DAG "${dagId}": ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
  }

  async #reportStuckQueued(now: Date): Promise<void> {
    const timeout = this.#options.queuedTimeoutMs ?? 600_000;
    const stuck = await this.#options.store.findStuckQueued(new Date(now.getTime() - timeout));
    for (const ti of stuck) {
      if (this.#reportedStuck.has(ti.taskInstanceId)) continue;
      this.#reportedStuck.add(ti.taskInstanceId);
      this.#options.log?.(
        `warning: ${ti.dagId}.${ti.taskId} (run ${ti.runId}) has been queued since ${ti.queuedAt.toISOString()} ` +
          `and no worker claimed it: is a worker serving queue "${ti.queue}" running, with free pool slots?`,
        { level: "warn", runId: ti.runId, dagId: ti.dagId, taskId: ti.taskId, queue: ti.queue },
      );
    }
  }

  async #failZombies(now: Date): Promise<number> {
    const { store, registry } = this.#options;
    const threshold = this.#options.zombieAfterMs ?? 60_000;
    const zombies = await store.findZombies(new Date(now.getTime() - threshold));
    let failed = 0;
    for (const zombie of zombies) {
      const graph = registry.get(zombie.dagId)?.dag.graph ?? (await store.getDag(zombie.dagId))?.graph;
      if (!graph) continue;
      const result = await store.completeTry({
        taskInstanceId: zombie.taskInstanceId,
        tryNumber: zombie.tryNumber,
        outcome: "failed",
        error: `zombie: worker ${zombie.workerId ?? "?"} stopped heartbeating for more than ${Math.round(threshold / 1000)}s`,
        errorKind: "zombie",
        graph,
        now,
        lostTryRetries: this.#options.lostTryRetries,
      });
      if (result.applied) failed++;
    }
    return failed;
  }
}

/** A batch's items, split into runs of consecutive items of the same DAG. */
function sharesByDue<T extends { readonly due: DueRuns }>(batch: readonly T[]): T[][] {
  const shares: T[][] = [];
  for (const item of batch) {
    const last = shares.at(-1);
    if (last !== undefined && last[0]?.due === item.due) last.push(item);
    else shares.push([item]);
  }
  return shares;
}
