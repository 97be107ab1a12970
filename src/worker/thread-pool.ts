/**
 * A pool of long-lived task threads for `isolation: "thread"` tries (docs/architecture.md, "Running
 * tasks in isolation"): worker threads of the worker process, started lazily, kept and reused, each
 * loading DAG files once and running one try at a time. A thread starts faster and weighs less than
 * a task process, and a try that ignores its timeout can still be stopped (the thread is
 * terminated); but threads share the worker's process: its memory, its file descriptors, its pid.
 * Thread tasks must be trusted with the worker process.
 *
 * How many threads: like processes, one per slot up to twice the cores (at least 2), or
 * `TRIBUTARY_TASK_THREADS`. One try per thread, so a thread that ends takes only its own try with it;
 * tries beyond the thread count wait for a free thread.
 */
import { TSX_API } from "../dsl/tsx-api.js";
import { entryModule } from "../runtime/entry-module.js";
import { hideEnvironFromTasks } from "./hide-exec-environ.js";
import { DEFAULT_KILL_GRACE_MS, DEFAULT_MAX_RESULT_BYTES, defaultCount } from "./process-pool.js";
import { TaskThreadHandle, type TaskThreadCommand } from "./task-thread-handle.js";
import { taskEnvAllowList, taskProcessEnv } from "./task-process-env.js";
import { PreloadedFiles } from "./preload-files.js";
import type { LogLine, RecordStep, TaskRunOutcome, TaskRunRequest } from "./task-protocol.js";
import type { TaskRunner } from "./task-runner.js";

export interface TaskThreadPoolOptions {
  /** The most tries the worker runs at once (threads are capped by it). */
  readonly size: number;
  /** The most task threads (default: `TRIBUTARY_TASK_THREADS`, else `size` up to twice the cores, at least 2). */
  readonly threads?: number;
  /** How long a try may ignore its aborted signal before its thread is terminated. Default 5 s. */
  readonly killGraceMs?: number;
  /** The largest result, as JSON, a try may return. Default 1 MiB. */
  readonly maxResultBytes?: number;
}

/** How many task threads a pool of `size` slots uses unless told. */
export function defaultThreadCount(size: number, env: NodeJS.ProcessEnv = process.env): number {
  return defaultCount(size, "TRIBUTARY_TASK_THREADS", env);
}

interface QueuedTry {
  readonly request: TaskRunRequest;
  readonly onLog: (line: LogLine) => void;
  readonly signal: AbortSignal | undefined;
  readonly recordStep: RecordStep | undefined;
  readonly resolve: (outcome: TaskRunOutcome) => void;
}

export class TaskThreadPool implements TaskRunner {
  readonly #threadCount: number;
  readonly #killGraceMs: number;
  readonly #maxResultBytes: number;
  readonly #command: TaskThreadCommand;
  readonly #threads = new Set<TaskThreadHandle>();
  readonly #queue: QueuedTry[] = [];
  /** DAG files this pool has run (or was warmed with): new threads load them ahead of time. */
  readonly #files = new PreloadedFiles();
  #closed = false;

  constructor(options: TaskThreadPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`a task thread pool needs a size of at least 1, got ${options.size}`);
    }
    const threads = options.threads ?? defaultThreadCount(options.size);
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`a task thread pool needs at least 1 thread, got ${threads}`);
    }
    this.#threadCount = Math.min(threads, options.size);
    this.#killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.#maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    const allowEnv = taskEnvAllowList();
    this.#command = taskThreadCommand(taskProcessEnv(process.env, allowEnv));
    // A thread task's subprocesses can read /proc/<worker pid>/environ.
    hideEnvironFromTasks(allowEnv);
  }

  run(request: TaskRunRequest, onLog: (line: LogLine) => void, signal?: AbortSignal, recordStep?: RecordStep): Promise<TaskRunOutcome> {
    if (this.#closed) return Promise.resolve(closedOutcome());
    this.#files.note([request.file]);
    return new Promise((resolve) => {
      this.#queue.push({ request, onLog, signal, recordStep, resolve });
      this.#dispatch();
    });
  }

  /** How many task threads the pool uses at most. */
  get threadCount(): number {
    return this.#threadCount;
  }

  /** Starts every thread now and loads `files` in each. */
  async warmUp(files: readonly string[] = []): Promise<void> {
    const fresh = this.#files.note(files);
    while (!this.#closed && this.#liveThreads().length < this.#threadCount) this.#start();
    await this.#files.load(this.#liveThreads(), fresh);
  }

  async reload(files: readonly string[]): Promise<void> {
    this.#files.note(files);
    await this.#files.load(this.#liveThreads(), files);
  }

  /** Terminates every thread; tries still running or waiting end as lost. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const queued of this.#queue.splice(0)) queued.resolve(closedOutcome());
    await Promise.all([...this.#threads].map((handle) => handle.close()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const handle = this.#liveThreads().find((candidate) => !candidate.busy) ?? this.#startIfRoom();
      if (!handle) return;
      const queued = this.#queue.shift();
      if (!queued) return;
      if (queued.signal?.aborted) {
        queued.resolve({ ok: false, error: { kind: "error", message: "the try was cancelled before it started" }, emitted: [] });
        continue;
      }
      void handle
        .run(queued.request, queued.onLog, { killGraceMs: this.#killGraceMs, maxResultBytes: this.#maxResultBytes, signal: queued.signal, recordStep: queued.recordStep })
        .then((outcome) => {
          queued.resolve(outcome);
          this.#dispatch();
        });
    }
  }

  #startIfRoom(): TaskThreadHandle | undefined {
    return this.#liveThreads().length < this.#threadCount ? this.#start() : undefined;
  }

  #start(): TaskThreadHandle {
    const handle = new TaskThreadHandle(this.#command, (ended) => {
      this.#threads.delete(ended);
      this.#dispatch();
    });
    this.#threads.add(handle);
    void handle.preload(this.#files.all);
    return handle;
  }

  #liveThreads(): TaskThreadHandle[] {
    return [...this.#threads].filter((handle) => handle.alive);
  }
}

/** The thread runs the same build as the pool: from source (`.ts`) it registers tsx first; from `dist` it is plain JavaScript. */
function taskThreadCommand(env: NodeJS.ProcessEnv): TaskThreadCommand {
  const { path: entry, typescript } = entryModule(import.meta.url, "task-thread");
  return { entry, tsxEsmApi: typescript ? TSX_API.tsxEsm : undefined, env };
}

function closedOutcome(): TaskRunOutcome {
  return { ok: false, error: { kind: "lost", message: "the task thread pool was closed (a shutdown)" }, emitted: [] };
}
