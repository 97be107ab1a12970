/**
 * Prometheus metrics (docs/architecture.md §7), with prom-client. Two kinds:
 * - read from the store when scraped, so every process (an API process too) reports the same
 *   fleet-wide numbers: runs and task instances by state, retries, zombies, open dead letters,
 *   SLA misses, alerts, dataset freshness;
 * - observed by this process as things happen: task duration and queue wait (its worker), the
 *   scheduler loop's duration and lag (its scheduler), its worker slots, and how its store
 *   recorded outcomes.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Store } from "../store/index.js";

export interface MetricsOptions {
  readonly store: Store;
  readonly now?: () => Date;
  /** This process's worker slots, when it runs a worker. */
  readonly workerSlots?: () => { readonly used: number; readonly total: number } | undefined;
  /** Also export Node's process metrics (`process_*`, `nodejs_*`). */
  readonly defaultMetrics?: boolean;
}

/** Buckets for task durations and queue waits: 50 ms to 6 h. */
const TASK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200, 21600];
const LOOP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];

export class TributaryMetrics {
  readonly registry = new Registry();
  readonly #taskDuration: Histogram<"dag" | "task" | "outcome">;
  readonly #queueWait: Histogram<"dag" | "task">;
  readonly #loopDuration: Histogram;
  readonly #lag: Histogram<"dag">;

  constructor(options: MetricsOptions) {
    const { store } = options;
    const registers = [this.registry];
    const now = options.now ?? (() => new Date());
    // One snapshot per scrape, shared by the collectors below (each asks; the first reads).
    let pending: ReturnType<Store["alerts"]["metricsSnapshot"]> | undefined;
    const snapshot = () => (pending ??= store.alerts.metricsSnapshot().finally(() => setImmediate(() => (pending = undefined))));

    new Gauge({
      name: "tributary_dag_runs",
      help: "DAG runs in the store, by DAG and state.",
      labelNames: ["dag", "state"],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        for (const r of s.runs) this.set({ dag: r.dagId, state: r.state }, r.count);
      },
    });
    new Gauge({
      name: "tributary_task_instances",
      help: "Task instances in the store, by DAG and state.",
      labelNames: ["dag", "state"],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        for (const r of s.taskInstances) this.set({ dag: r.dagId, state: r.state }, r.count);
      },
    });
    new Counter({
      name: "tributary_task_retries_total",
      help: "Tries after the first, by DAG and task.",
      labelNames: ["dag", "task"],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        for (const r of s.retries) this.inc({ dag: r.dagId, task: r.taskId }, r.count);
      },
    });
    new Counter({
      name: "tributary_zombies_total",
      help: "Tries failed because their worker stopped heartbeating, by DAG.",
      labelNames: ["dag"],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        for (const r of s.zombies) this.inc({ dag: r.dagId }, r.count);
      },
    });
    new Gauge({
      name: "tributary_dead_letters_open",
      help: "Task instances that failed for good and are not yet retried or acknowledged, by DAG.",
      labelNames: ["dag"],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        for (const r of s.deadLettersOpen) this.set({ dag: r.dagId }, r.count);
      },
    });
    new Counter({
      name: "tributary_sla_misses_total",
      help: "SLA misses recorded, by DAG.",
      labelNames: ["dag"],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        for (const r of s.slaMisses) this.inc({ dag: r.dagId }, r.count);
      },
    });
    new Gauge({
      name: "tributary_alerts",
      help: "Alerts by state (open, acknowledged, resolved).",
      labelNames: ["state"],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        for (const r of s.alerts) this.set({ state: r.state }, r.count);
      },
    });
    new Gauge({
      name: "tributary_dataset_freshness_seconds",
      help: "Seconds since each dataset was last updated.",
      labelNames: ["dataset"],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        const t = now().getTime();
        for (const d of s.datasets) this.set({ dataset: d.uri }, Math.max(0, (t - d.lastUpdate.getTime()) / 1000));
      },
    });
    new Gauge({
      name: "tributary_dataset_last_update_timestamp_seconds",
      help: "When each dataset was last updated (Unix time).",
      labelNames: ["dataset"],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        for (const d of s.datasets) this.set({ dataset: d.uri }, d.lastUpdate.getTime() / 1000);
      },
    });
    new Counter({
      name: "tributary_outcome_writes_total",
      help: "Calls that recorded try outcomes through this process's store, by path (one_call, one_call_then_claim, statements) and why the statements.",
      labelNames: ["path", "reason"],
      registers,
      collect() {
        this.reset();
        for (const w of store.outcomeWrites()) this.inc({ path: w.path, reason: w.reason }, w.count);
      },
    });
    if (options.workerSlots) {
      const slots = options.workerSlots;
      new Gauge({
        name: "tributary_worker_slots",
        help: "This process's worker slots, used and free.",
        labelNames: ["state"],
        registers,
        collect() {
          const s = slots();
          this.reset();
          if (!s) return;
          this.set({ state: "used" }, s.used);
          this.set({ state: "free" }, Math.max(0, s.total - s.used));
        },
      });
    }
    this.#taskDuration = new Histogram({
      name: "tributary_task_duration_seconds",
      help: "Duration of task tries run by this process, by DAG, task and outcome.",
      labelNames: ["dag", "task", "outcome"],
      buckets: TASK_BUCKETS,
      registers,
    });
    this.#queueWait = new Histogram({
      name: "tributary_task_queue_wait_seconds",
      help: "Time from queued to started of task tries run by this process, by DAG and task.",
      labelNames: ["dag", "task"],
      buckets: TASK_BUCKETS,
      registers,
    });
    this.#loopDuration = new Histogram({
      name: "tributary_scheduler_loop_duration_seconds",
      help: "Duration of this process's scheduler passes.",
      buckets: LOOP_BUCKETS,
      registers,
    });
    this.#lag = new Histogram({
      name: "tributary_scheduler_lag_seconds",
      help: "How late scheduled runs were created after their data interval ended, by DAG.",
      labelNames: ["dag"],
      buckets: LAG_BUCKETS,
      registers,
    });
    if (options.defaultMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  /** A try finished: its duration and how long it waited in the queue. */
  observeTry(input: { dagId: string; taskId: string; outcome: "success" | "failed"; durationMs: number; queueWaitMs: number | null }): void {
    this.#taskDuration.observe({ dag: input.dagId, task: input.taskId, outcome: input.outcome }, Math.max(0, input.durationMs) / 1000);
    if (input.queueWaitMs !== null) this.#queueWait.observe({ dag: input.dagId, task: input.taskId }, Math.max(0, input.queueWaitMs) / 1000);
  }

  observeSchedulerPass(durationMs: number): void {
    this.#loopDuration.observe(durationMs / 1000);
  }

  /** A scheduled run was created `lagMs` after its data interval ended. */
  observeRunCreated(dagId: string, lagMs: number): void {
    this.#lag.observe({ dag: dagId }, Math.max(0, lagMs) / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Renders `/metrics` for a store: with a process's own metrics object, or store counts only. */
export async function renderMetrics(store: Store, metrics?: TributaryMetrics): Promise<{ contentType: string; body: string }> {
  const m = metrics ?? new TributaryMetrics({ store });
  return { contentType: m.contentType, body: await m.render() };
}
