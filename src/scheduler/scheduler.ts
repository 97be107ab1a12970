/**
 * The scheduler loop: on each tick it creates the DAG runs that became due (idempotently: the
 * store's unique key makes a second scheduler or a restart harmless), starts queued runs within
 * each DAG's `maxActiveRuns`, and fails zombie tries (running task instances whose worker stopped
 * heartbeating) so they are retried. Tasks never run here: workers run them.
 */
import { isTimetable } from "../core/schedule.js";
import { nextBoundaryAfter } from "../core/timetable.js";
import type { Store } from "../store/index.js";
import { ServiceLoop } from "../runtime/service-loop.js";
import { storedDags, type DagRegistry, type RegisteredDag } from "./dag-registry.js";
import { dueIntervals } from "./due-intervals.js";
import { createDatasetTriggeredRun } from "./dataset-triggers.js";
import { intervalRunInput } from "./interval-run-input.js";
import { defaultParamsOf } from "./run-params.js";
import { driveBackfills } from "./backfill-driver.js";
import type { LogFn } from "../logging/log-fields.js";

/** How many runs, and how many of their task instances, a catch-up creates per transaction (see #createScheduledRuns). */
const MAX_RUNS_PER_TRANSACTION = 64;
const INSTANCES_PER_TRANSACTION = 2_000;

function largestPowerOfTwoUpTo(n: number): number {
  let size = 1;
  while (size * 2 <= n) size *= 2;
  return size;
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
    let created = 0;
    let started = 0;
    for (const entry of registry.all().values()) {
      if (paused.has(entry.dag.id)) continue;
      try {
        created += await this.#createDueRuns(entry, now);
      } catch (error) {
        this.#options.onError?.(new Error(`DAG "${entry.dag.id}": ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      }
    }
    // Starting queued runs takes a write transaction per DAG: only for the DAGs that have some.
    const withQueued = await this.#dagsWithQueuedRuns();
    for (const entry of registry.all().values()) {
      if (paused.has(entry.dag.id) || (withQueued !== undefined && !withQueued.has(entry.dag.id))) continue;
      // One DAG's failure must not hold up the others: report it and go on.
      try {
        const runs = await store.startQueuedRuns({
          dagId: entry.dag.id,
          graph: entry.dag.graph,
          maxActiveRuns: entry.dag.options.maxActiveRuns,
          now,
        });
        started += runs.length;
      } catch (error) {
        this.#options.onError?.(new Error(`DAG "${entry.dag.id}": ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      }
    }
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

  /** The DAGs with queued runs, or undefined when there are too many to list (then every DAG is tried). */
  async #dagsWithQueuedRuns(): Promise<Set<string> | undefined> {
    const limit = 10_000;
    const runs = await this.#options.store.listRuns({ states: ["queued"], limit });
    return runs.length >= limit ? undefined : new Set(runs.map((run) => run.dagId));
  }

  async #createDueRuns(entry: RegisteredDag, now: Date): Promise<number> {
    const { schedule, dag } = entry;
    if (schedule.kind === "datasets") {
      const run = await createDatasetTriggeredRun(this.#options.store, entry, schedule, now);
      if (run) this.#options.log?.(`created run ${run.runId} of ${dag.id} (dataset updates)`, { runId: run.runId, dagId: dag.id });
      return run ? 1 : 0;
    }
    if (!isTimetable(schedule)) return 0;
    const at = now.getTime();
    const next = this.#nextDue.get(dag.id);
    if (next !== undefined && next.entry === entry && at >= next.checked && at < next.at) return 0;
    this.#nextDue.delete(dag.id);
    const { store } = this.#options;
    const limit = 1_000;
    const due = dueIntervals({
      schedule,
      startDate: entry.startDate,
      endDate: entry.endDate,
      catchup: dag.options.catchup,
      lastLogicalDate: await store.latestLogicalDate(dag.id),
      now,
      limit,
    });
    const created = due.length === 0 ? 0 : await this.#createScheduledRuns(entry, due, now);
    // Every due interval has a run now; the next one ends at the next tick after now.
    if (due.length < limit) this.#nextDue.set(dag.id, { entry, checked: at, at: nextBoundaryAfter(schedule, now).getTime() });
    return created;
  }

  /** Creates the scheduled runs of `due` intervals; how many were new. */
  async #createScheduledRuns(entry: RegisteredDag, due: readonly { readonly start: Date; readonly end: Date }[], now: Date): Promise<number> {
    const { dag } = entry;
    // A DAG with a params schema may have to load its code for its runs' params.
    const params = await defaultParamsOf(entry);
    let created = 0;
    // A catch-up's runs are made many to a transaction (one commit, not one a run), while a
    // transaction stays short enough not to hold up the workers' commits for long: at most
    // INSTANCES_PER_TRANSACTION task instances, and a power of two of runs, so that PostgreSQL's
    // named statements (store/postgres/prepared-statements.ts) meet few lengths of lists.
    const most = Math.max(1, Math.min(MAX_RUNS_PER_TRANSACTION, Math.floor(INSTANCES_PER_TRANSACTION / Math.max(1, dag.graph.tasks.length))));
    for (let first = 0; first < due.length; ) {
      const batch = due.slice(first, first + largestPowerOfTwoUpTo(Math.min(most, due.length - first)));
      first += batch.length;
      const results = await this.#options.store.createRuns(batch.map((interval) => intervalRunInput(entry, interval, { runType: "scheduled", start: false }, now, params)));
      results.forEach((result, i) => {
        if (!result.created) return;
        created++;
        this.#options.observer?.runCreated(dag.id, now.getTime() - (batch[i]?.end ?? now).getTime());
        this.#options.log?.(`created run ${result.run.runId} of ${dag.id}`, { runId: result.run.runId, dagId: dag.id });
      });
    }
    return created;
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
