/**
 * Tributary as one long-running service: the scheduler loop, the retry timer and a worker (with
 * its process pool) sharing one store, in one process. What `tributary start` runs, and what
 * `createTributary` embeds in an existing Node service.
 */
import type { Store } from "../store/store.js";
import { TaskProcessPool } from "../worker/process-pool.js";
import { Worker, type RunnableDag } from "../worker/worker.js";
import { DagRegistry } from "./dag-registry.js";
import { ServiceLoop } from "../runtime/service-loop.js";
import { createRetryTimer } from "./retry-timer.js";
import { Scheduler } from "./scheduler.js";

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
  /** Report task instances queued this long without a worker claiming them (default 10 min). */
  readonly queuedTimeoutMs?: number;
  /** Grace period before a timed-out try's process is killed. */
  readonly killGraceMs?: number;
  readonly now?: () => Date;
  readonly log?: (message: string) => void;
  /**
   * What this process does (default both): the scheduler role creates and starts runs, fires
   * retry timers and fails zombies; the worker role runs tasks. `tributary scheduler` and
   * `tributary worker` run one role each, on as many machines as needed.
   */
  readonly roles?: { readonly scheduler: boolean; readonly worker: boolean };
  /** Worker role: serve only these queues (default: all). */
  readonly queues?: readonly string[];
}

export class TributaryService {
  readonly registry: DagRegistry;
  readonly #options: ServiceOptions;
  readonly #pool: TaskProcessPool;
  readonly #worker: Worker;
  readonly #timer: ServiceLoop;
  readonly #scheduler: Scheduler;
  /** Keeps the DAG folder loaded in a worker-only process (the scheduler reloads it otherwise). */
  readonly #reloader: ServiceLoop;
  readonly #roles: { readonly scheduler: boolean; readonly worker: boolean };
  #started = false;

  constructor(options: ServiceOptions) {
    this.#options = options;
    const log = options.log ?? (() => undefined);
    const onError = (error: unknown) => log(`error: ${error instanceof Error ? error.message : String(error)}`);
    this.registry = new DagRegistry(options.dagsDir);
    this.#pool = new TaskProcessPool({ size: options.concurrency ?? 4, killGraceMs: options.killGraceMs });
    // A live try must heartbeat well within the zombie threshold, or the scheduler fails it as a
    // zombie while it runs (and retries it: the task would run twice).
    const zombieAfterMs = options.zombieAfterMs ?? DEFAULT_ZOMBIE_AFTER_MS;
    const heartbeatMs = options.heartbeatMs ?? Math.max(10, Math.min(DEFAULT_HEARTBEAT_MS, Math.floor(zombieAfterMs / 4)));
    const runnable = (): ReadonlyMap<string, RunnableDag> => this.registry.all();
    this.#worker = new Worker({
      store: options.store,
      pool: this.#pool,
      dags: runnable,
      concurrency: options.concurrency ?? 4,
      queues: options.queues,
      heartbeatMs,
      leaseMs: zombieAfterMs,
      now: options.now,
      onError,
      onTryFinished: (claimed, outcome) => {
        const name = claimed.instance.mapIndex === null ? claimed.instance.taskId : `${claimed.instance.taskId}[${claimed.instance.mapIndex}]`;
        log(`${outcome.ok ? "success" : "failed "} ${claimed.run.dagId}.${name} try ${claimed.tryNumber} (${claimed.run.runId})`);
        this.#timer.wake();
        this.#scheduler.wake();
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
      queuedTimeoutMs: options.queuedTimeoutMs,
      onWork: () => this.#worker.wake(),
      onError,
      log,
    });
    this.#roles = options.roles ?? { scheduler: true, worker: true };
    this.#reloader = new ServiceLoop(async () => {
      await this.registry.refresh();
      return options.reloadMs ?? 2_000;
    }, onError);
  }

  /** Loads the DAGs, records them in the store, and starts every loop. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const now = (this.#options.now ?? (() => new Date()))();
    await this.registry.refresh();
    for (const entry of this.registry.all().values()) {
      await this.#options.store.upsertDag({ dagId: entry.dag.id, file: entry.file, graph: entry.dag.graph, now });
    }
    if (this.#roles.scheduler) {
      this.#scheduler.start();
      this.#timer.start();
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
    await this.#reloader.stop();
    const stopped = this.#worker.stop();
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
    if ((await Promise.race([stopped, timeout])) === "timeout") {
      await this.#pool.close();
      await stopped;
    }
    await this.#pool.close();
    this.#started = false;
  }
}
