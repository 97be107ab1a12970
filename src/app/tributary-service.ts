/**
 * Tributary as one long-running service: the scheduler loop, the retry timer and a worker (with
 * its process pool) sharing one store, in one process. What `tributary start` runs, and what
 * `createTributary` embeds in an existing Node service.
 */
import type { Store } from "../store/index.js";
import { TaskRunners } from "../worker/task-runners.js";
import { WORKER_WARM_PROCESSES } from "../worker/process-pool.js";
import { Worker, type RunnableDag } from "../worker/worker.js";
import { DagRegistry, storedDags } from "../scheduler/dag-registry.js";
import { ServiceLoop } from "../runtime/service-loop.js";
import { createRetryTimer } from "../scheduler/retry-timer.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { OpenLineageEmitter } from "../lineage/openlineage/emitter.js";
import { resolveOpenLineageConfig, type OpenLineageConfig } from "../lineage/openlineage/config.js";
import { TraceEmitter } from "../observability/tracing/trace-emitter.js";
import { resolveOtlpConfig, type OtlpConfig } from "../observability/tracing/config.js";
import type { LogFn } from "../logging/log-fields.js";
import { createLogRetentionLoop } from "../logging/log-retention.js";
import type { SecretResolver } from "../secrets/resolver.js";
import { AlertDispatcher } from "../alerts/alert-dispatcher.js";
import { loadAlertConfig, type AlertConfig } from "../alerts/alert-config.js";
import { checkSlas } from "../alerts/sla-check.js";
import { TributaryMetrics } from "../observability/metrics.js";
import { waitText } from "../worker/wait-text.js";
import { specOf } from "../core/graph-index.js";

const DEFAULT_ZOMBIE_AFTER_MS = 60_000;
const DEFAULT_HEARTBEAT_MS = 10_000;

export interface ServiceOptions {
  readonly store: Store;
  /** Folder of DAG files. */
  readonly dagsDir: string;
  /** Task tries that may run at once in this process. */
  readonly concurrency?: number;
  readonly tickMs?: number;
  readonly reloadMs?: number;
  /** How often running tries are reported alive; by default 10 s, or a quarter of zombieAfterMs if that is less. */
  readonly heartbeatMs?: number;
  readonly zombieAfterMs?: number;
  /** How many tries of a task instance lost to infrastructure are retried without counting (default 3, core/lost-tries.ts). */
  readonly lostTryRetries?: number;
  /** Report task instances queued this long without a worker claiming them (default 10 min). */
  readonly queuedTimeoutMs?: number;
  /** Grace period before a timed-out try's process is killed. */
  readonly killGraceMs?: number;
  readonly now?: () => Date;
  /** The process log: a message and its fields (run, task and try ids), see src/logging. */
  readonly log?: LogFn;
  /** Where the secrets tasks declare come from (default: see createSecretResolver). */
  readonly secrets?: SecretResolver;
  /** Scheduler role: delete task logs of tries that ended longer ago than this (default: keep them). */
  readonly logRetentionMs?: number;
  /**
   * What this process does (default both): the scheduler role creates and starts runs, fires
   * retry timers and fails zombies; the worker role runs tasks. `tributary scheduler` and
   * `tributary worker` run one role each, on as many machines as needed.
   */
  readonly roles?: { readonly scheduler: boolean; readonly worker: boolean };
  /** Worker role: serve only these queues (default: all). */
  readonly queues?: readonly string[];
  /** Scheduler role: where OpenLineage events go (default: from TRIBUTARY_OPENLINEAGE_*; null: none). */
  readonly openLineage?: OpenLineageConfig | null;
  /** Scheduler role: where OpenTelemetry trace spans go (default: from TRIBUTARY_OTLP_*; null: none), see docs/tracing.md. */
  readonly tracing?: OtlpConfig | null;
  /** Scheduler role: global alert settings (default: from TRIBUTARY_ALERT_* variables), see docs/alerts.md. */
  readonly alerts?: AlertConfig;
  /** Hides secret values in alert texts. */
  readonly alertMask?: (text: string) => string;
}

export class TributaryService {
  readonly registry: DagRegistry;
  /** This process's Prometheus metrics (`/metrics`), see docs/metrics.md. */
  readonly metrics: TributaryMetrics;
  /** Raises alerts and sends their messages (scheduler role). */
  readonly alertDispatcher: AlertDispatcher;
  readonly #options: ServiceOptions;
  readonly #pool: TaskRunners;
  readonly #worker: Worker;
  readonly #timer: ServiceLoop;
  readonly #logRetention: ServiceLoop | undefined;
  readonly #scheduler: Scheduler;
  /** Keeps the DAG folder loaded in a worker-only process (the scheduler reloads it otherwise). */
  readonly #reloader: ServiceLoop;
  readonly #openLineage: OpenLineageEmitter | undefined;
  readonly #tracing: TraceEmitter | undefined;
  readonly #roles: { readonly scheduler: boolean; readonly worker: boolean };
  #started = false;

  constructor(options: ServiceOptions) {
    this.#options = options;
    const log = options.log ?? (() => undefined);
    const onError = (error: unknown) => log(`error: ${error instanceof Error ? error.message : String(error)}`, { level: "error", err: error });
    this.registry = new DagRegistry(options.dagsDir);
    this.#pool = new TaskRunners({ size: options.concurrency ?? 4, killGraceMs: options.killGraceMs, warmProcesses: WORKER_WARM_PROCESSES });
    // A live try must heartbeat well within the zombie threshold, or the scheduler fails it as a
    // zombie while it runs (and retries it: the task would run twice).
    const zombieAfterMs = options.zombieAfterMs ?? DEFAULT_ZOMBIE_AFTER_MS;
    const heartbeatMs = options.heartbeatMs ?? Math.max(10, Math.min(DEFAULT_HEARTBEAT_MS, Math.floor(zombieAfterMs / 4)));
    const runnable = (): ReadonlyMap<string, RunnableDag> => this.registry.all();
    const concurrency = options.concurrency ?? 4;
    this.metrics = new TributaryMetrics({
      store: options.store,
      now: options.now,
      workerSlots: () => (this.#roles.worker ? { used: this.#worker.activeTries, total: concurrency } : undefined),
    });
    this.#worker = new Worker({
      store: options.store,
      pool: this.#pool,
      dags: runnable,
      concurrency: options.concurrency ?? 4,
      queues: options.queues,
      heartbeatMs,
      leaseMs: zombieAfterMs,
      lostTryRetries: options.lostTryRetries,
      now: options.now,
      onError,
      secrets: options.secrets,
      onTryFinished: (claimed, outcome, recorded) => {
        const name = claimed.instance.mapIndex === null ? claimed.instance.taskId : `${claimed.instance.taskId}[${claimed.instance.mapIndex}]`;
        if (recorded.state === "deferred") {
          // A sensor's poke that found nothing, a suspended try or an approval asked: its try goes on, and nothing changed for the scheduler.
          const kind = specOf(runnable().get(claimed.run.dagId)?.dag.graph, claimed.instance.taskId)?.kind;
          const until = waitText(kind, outcome, recorded) ?? `next poke at ${recorded.wakeAt?.toISOString() ?? "?"}`;
          log(`waiting ${claimed.run.dagId}.${name} try ${claimed.tryNumber}: ${until} (${claimed.run.runId})`, {
            level: "debug",
            runId: claimed.run.runId,
            dagId: claimed.run.dagId,
            taskId: claimed.instance.taskId,
            mapIndex: claimed.instance.mapIndex,
            tryNumber: claimed.tryNumber,
          });
          return;
        }
        log(`${outcome.ok ? "success" : "failed "} ${claimed.run.dagId}.${name} try ${claimed.tryNumber} (${claimed.run.runId})`, {
          level: outcome.ok ? "info" : "warn",
          runId: claimed.run.runId,
          dagId: claimed.run.dagId,
          taskId: claimed.instance.taskId,
          mapIndex: claimed.instance.mapIndex,
          tryNumber: claimed.tryNumber,
          outcome: outcome.ok ? "success" : "failed",
        });
        const endedAt = Date.now();
        const startedAt = claimed.instance.startedAt?.getTime() ?? endedAt;
        this.metrics.observeTry({
          dagId: claimed.run.dagId,
          taskId: claimed.instance.taskId,
          outcome: outcome.ok ? "success" : "failed",
          durationMs: endedAt - startedAt,
          queueWaitMs: claimed.instance.queuedAt ? startedAt - claimed.instance.queuedAt.getTime() : null,
        });
        // Only a failed try can have scheduled a retry for the timer to plan.
        if (!outcome.ok) this.#timer.wake();
        this.#scheduler.wake();
        // A failed try may have dead-lettered its task instance: raise the alert now, not at the next poll.
        if (!outcome.ok) this.alertDispatcher.wake();
      },
    });
    this.#timer = createRetryTimer({ store: options.store, now: options.now, onQueued: () => this.#worker.wake(), onError });
    this.#scheduler = new Scheduler({
      store: options.store,
      registry: this.registry,
      now: options.now,
      tickMs: options.tickMs,
      reloadMs: options.reloadMs,
      zombieAfterMs,
      lostTryRetries: options.lostTryRetries,
      queuedTimeoutMs: options.queuedTimeoutMs,
      onWork: () => this.#worker.wake(),
      onError,
      log,
      afterTick: [
        async (now) => {
          const misses = await checkSlas(options.store, [...this.registry.all().values()].map((entry) => entry.dag.graph), now);
          if (misses.length > 0) this.alertDispatcher.wake();
        },
      ],
      observer: {
        pass: (durationMs) => this.metrics.observeSchedulerPass(durationMs),
        runCreated: (dagId, lagMs) => this.metrics.observeRunCreated(dagId, lagMs),
      },
    });
    this.alertDispatcher = new AlertDispatcher({
      store: options.store,
      config: options.alerts ?? loadAlertConfig(undefined),
      dagPolicy: async (dagId) => this.registry.get(dagId)?.dag.graph.alerts ?? (await options.store.getDag(dagId))?.graph.alerts,
      now: options.now,
      mask: options.alertMask,
      onError,
      log,
    });
    this.#roles = options.roles ?? { scheduler: true, worker: true };
    this.#logRetention =
      options.logRetentionMs === undefined
        ? undefined
        : createLogRetentionLoop({ store: options.store, retentionMs: options.logRetentionMs, now: options.now, log, onError });
    const openLineage = options.openLineage === undefined ? resolveOpenLineageConfig(undefined) : options.openLineage;
    this.#openLineage = openLineage ? new OpenLineageEmitter({ store: options.store, config: openLineage, now: options.now, onError }) : undefined;
    const tracing = options.tracing === undefined ? resolveOtlpConfig(undefined) : options.tracing;
    this.#tracing = tracing ? new TraceEmitter({ store: options.store, config: tracing, now: options.now, onError }) : undefined;
    this.#reloader = new ServiceLoop(async () => {
      await this.registry.refresh();
      return options.reloadMs ?? 2_000;
    }, onError);
  }

  /** Loads changed DAG files again in the task processes (`tributary dev` calls it after a reload). */
  reloadTaskCode(files: readonly string[]): Promise<void> {
    return this.#pool.reload(files);
  }

  /** Loads the DAGs, records them in the store, and starts every loop. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const now = (this.#options.now ?? (() => new Date()))();
    await this.registry.refresh();
    await this.#options.store.upsertDags({ dags: storedDags(this.registry.all().values()), now });
    if (this.#roles.scheduler) {
      // The first pass fixes where reporting starts, before this process changes anything.
      await this.#openLineage?.pass().catch(onErrorOf(this.#options));
      this.#openLineage?.start();
      await this.#tracing?.pass().catch(onErrorOf(this.#options));
      this.#tracing?.start();
      this.#scheduler.start();
      this.#timer.start();
      this.#logRetention?.start();
      this.alertDispatcher.start();
    } else {
      this.#reloader.start();
    }
    if (this.#roles.worker) this.#worker.start();
  }

  /**
   * Graceful stop: no new runs or claims; running tries get `graceMs` to finish and are recorded;
   * tries still running after that are killed and recorded as failed (to be retried on restart).
   */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.#started) return;
    await this.#scheduler.stop();
    await this.#timer.stop();
    await this.#logRetention?.stop();
    await this.alertDispatcher.stop();
    // A reload waiting on a DAG file that hangs at import must not hold up the stop.
    const reloaderStopped = this.#reloader.stop();
    this.registry.cancelLoading();
    await reloaderStopped;
    const stopped = this.#worker.stop();
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
    if ((await Promise.race([stopped, timeout])) === "timeout") {
      await this.#pool.close();
      await stopped;
    }
    await this.#pool.close();
    // Its DAG code thread (params schemas, approval forms): nothing asks it any more.
    await this.registry.close();
    // Report what the last tries did, then deliver what is queued.
    await this.#openLineage?.pass().catch(onErrorOf(this.#options));
    await this.#openLineage?.stop();
    await this.#tracing?.pass().catch(onErrorOf(this.#options));
    await this.#tracing?.stop();
    this.#started = false;
  }
}

function onErrorOf(options: ServiceOptions): (error: unknown) => void {
  return (error) => options.log?.(`error: ${error instanceof Error ? error.message : String(error)}`, { level: "error", err: error });
}
