/**
 * A pool of long-lived task processes (docs/architecture.md, "Running tasks in isolation").
 * Starting Node costs about 100 ms, so processes are forked lazily, kept, and reused. The pool runs
 * up to `size` tries at once in up to `processes` processes:
 *
 * - With as many processes as slots (the default when `size` is at most `2 x cores`, e.g. the
 *   default concurrency of 4 on 2 cores), each process runs one try at a time: a try that crashes
 *   its process, or is killed for ignoring its timeout, fails alone.
 * - With more slots than that, processes are shared: 64 slots on 2 cores would otherwise be 64 Node
 *   processes (about 50 MB each) fighting over 2 cores, and each try would wait for the operating
 *   system to schedule its process. Tries then run side by side in fewer processes, each in its
 *   own async context (its output and unhandled rejections are still its own), and a new try goes
 *   to the least busy process. The price: a process that dies takes its other tries with it. They
 *   fail as crashed (and retry if they have retries) with a message that names the try that brought
 *   the process down. Set `processes` to `size` (or `TRIBUTARY_TASK_PROCESSES`) for one try per
 *   process at any concurrency.
 *
 * The pool forks a replacement for a dead process when it next needs one.
 *
 * @example
 * ```ts
 * const pool = new TaskProcessPool({ size: 4 });
 * const outcome = await pool.run(request, (line) => logs.push(line));
 * if (!outcome.ok) console.error(outcome.error.kind, outcome.error.message);
 * await pool.close();
 * ```
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { entryModule } from "../runtime/entry-module.js";
import { hideEnvironFromTasks } from "./hide-exec-environ.js";
import { TaskProcessHandle, type TaskProcessCommand } from "./task-process-handle.js";
import { taskEnvAllowList, type EnvAllowList } from "./task-process-env.js";
import { PreloadedFiles } from "./preload-files.js";
import type { LogLine, RecordStep, TaskRunOutcome, TaskRunRequest } from "./task-protocol.js";
import type { TaskRunner } from "./task-runner.js";

export interface TaskProcessPoolOptions {
  /** The most tries running at once. */
  readonly size: number;
  /**
   * The most task processes (default: `TRIBUTARY_TASK_PROCESSES`, else `size` up to twice the
   * cores, at least 2). Tries share processes when this is below `size`.
   */
  readonly processes?: number;
  /** How long a try may ignore its aborted signal before its process is killed. Default 5 s. */
  readonly killGraceMs?: number;
  /** The largest result, as JSON, a try may return. Default 1 MiB. */
  readonly maxResultBytes?: number;
  /**
   * How many task processes `warmUp` starts (default: all of them). The others start when tries
   * need them (see `#processFor` for where tries wait meanwhile). Workers warm
   * WORKER_WARM_PROCESSES.
   */
  readonly warmProcesses?: number;
  /**
   * How long a process started beyond the warm ones may stay idle before it is ended (default
   * DEFAULT_IDLE_PROCESS_MS): a burst of tries (a fan-out, the examples' first runs) starts
   * processes of about 100 MB each, which would otherwise stay for the life of the worker.
   */
  readonly idleProcessMs?: number;
}

/**
 * What every worker (services and one-shot commands, app/) warms: one process. Most small DAGs
 * never need more, each process costs a Node start and a load of the DAG files, and the others
 * start when tries need them, and end once idle for `idleProcessMs`.
 */
export const WORKER_WARM_PROCESSES = 1;

export const DEFAULT_KILL_GRACE_MS = 5_000;
/** Long enough that tries every few seconds keep their processes; a minute of quiet gives the memory back. */
export const DEFAULT_IDLE_PROCESS_MS = 30_000;
export const DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

/** How many task processes a pool of `size` slots uses unless told (see the header). */
export function defaultProcessCount(size: number, env: NodeJS.ProcessEnv = process.env): number {
  return defaultCount(size, "TRIBUTARY_TASK_PROCESSES", env);
}

/** The rule for task processes and task threads alike: `variable` if set, else `size` up to twice the cores, at least 2. */
export function defaultCount(size: number, variable: string, env: NodeJS.ProcessEnv): number {
  const configured = env[variable];
  if (configured !== undefined && configured !== "") {
    const count = Number(configured);
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`${variable} must be a whole number of at least 1, got "${configured}"`);
    }
    return Math.min(size, count);
  }
  return Math.min(size, Math.max(2, 2 * availableParallelism()));
}

interface QueuedTry {
  readonly request: TaskRunRequest;
  readonly onLog: (line: LogLine) => void;
  readonly signal: AbortSignal | undefined;
  readonly recordStep: RecordStep | undefined;
  readonly resolve: (outcome: TaskRunOutcome) => void;
}

export class TaskProcessPool implements TaskRunner {
  readonly #size: number;
  readonly #processCount: number;
  readonly #warmProcesses: number;
  /** How many tries one process takes at most: the slots spread evenly over the processes. */
  readonly #perProcess: number;
  readonly #killGraceMs: number;
  readonly #maxResultBytes: number;
  readonly #command: TaskProcessCommand;
  readonly #processes = new Set<TaskProcessHandle>();
  readonly #queue: QueuedTry[] = [];
  /** DAG files this pool has run (or was warmed with): new processes load them ahead of time. */
  readonly #files = new PreloadedFiles();
  #closed = false;
  /** Tries handed to a process and not yet ended. */
  #running = 0;
  /** Processes that died before they were ready, since one last became ready. */
  #diedStarting = 0;
  readonly #idleProcessMs: number;
  /** Since when each idle process has been idle (performance.now()); a try removes its entry. */
  readonly #idleSince = new Map<TaskProcessHandle, number>();
  /** The one timer that ends processes idle for too long (one per pool: a timer per try costs 30 µs). */
  #idleSweep: NodeJS.Timeout | undefined;

  constructor(options: TaskProcessPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`a task process pool needs a size of at least 1, got ${options.size}`);
    }
    this.#size = options.size;
    const processes = options.processes ?? defaultProcessCount(options.size);
    if (!Number.isInteger(processes) || processes < 1) {
      throw new RangeError(`a task process pool needs at least 1 process, got ${processes}`);
    }
    this.#processCount = Math.min(processes, options.size);
    this.#warmProcesses = Math.min(this.#processCount, options.warmProcesses ?? this.#processCount);
    this.#perProcess = Math.ceil(options.size / this.#processCount);
    this.#killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.#idleProcessMs = options.idleProcessMs ?? DEFAULT_IDLE_PROCESS_MS;
    this.#maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    const allowEnv = taskEnvAllowList();
    this.#command = taskProcessCommand(allowEnv);
    // Before any task runs: a task can read this process's /proc/<pid>/environ.
    hideEnvironFromTasks(allowEnv);
  }

  /**
   * Runs one try in a free process (waiting for one if all are busy). Never rejects: task errors,
   * timeouts, crashes and a closed pool are all outcomes. `signal` cancels the try like a timeout
   * does (its `ctx.signal` is aborted, and its process killed if it ignores that).
   */
  run(request: TaskRunRequest, onLog: (line: LogLine) => void, signal?: AbortSignal, recordStep?: RecordStep): Promise<TaskRunOutcome> {
    if (this.#closed) return Promise.resolve(closedOutcome());
    this.#files.note([request.file]);
    return new Promise((resolve) => {
      this.#queue.push({ request, onLog, signal, recordStep, resolve });
      this.#dispatch();
    });
  }

  /** How many more tries could start right now without waiting (counting processes not yet forked). */
  get idle(): number {
    return Math.max(0, this.#size - this.#running - this.#queue.length);
  }

  /** How many task processes the pool uses at most. */
  get processCount(): number {
    return this.#processCount;
  }

  /** How many task processes are running and able to take tries now. */
  get startedProcesses(): number {
    return this.#liveProcesses().filter((handle) => handle.started).length;
  }

  /**
   * Forks every process now and loads `files` (absolute DAG file paths) in each, so that the first
   * tries pay neither for starting Node nor for loading their DAG. Processes forked later, to
   * replace one that died, load the files this pool has seen as soon as they start.
   */
  async warmUp(files: readonly string[] = []): Promise<void> {
    const fresh = this.#files.note(files);
    while (!this.#closed && this.#liveProcesses().length < this.#warmProcesses) this.#fork();
    await this.#files.load(this.#liveProcesses(), fresh);
  }

  /**
   * Loads changed DAG files again in every task process, ahead of the tries that need them (a try
   * checks the file's mtime anyway): a process then knows the new version before the file may
   * break again, and keeps that one as its last good version (see dag-file-cache.ts).
   */
  async reload(files: readonly string[]): Promise<void> {
    this.#files.note(files);
    await this.#files.load(this.#liveProcesses(), files);
  }

  /** Kills every task process; tries still running or waiting end as crashed. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idleSweep);
    this.#idleSince.clear();
    for (const queued of this.#queue.splice(0)) queued.resolve(closedOutcome());
    await Promise.all([...this.#processes].map((handle) => handle.close()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && !this.#closed && this.#running < this.#size) {
      const handle = this.#processFor();
      if (!handle) return;
      const queued = this.#queue.shift();
      if (!queued) return;
      if (queued.signal?.aborted) {
        queued.resolve({ ok: false, error: { kind: "error", message: "the try was cancelled before it started" }, emitted: [] });
        continue;
      }
      this.#running++;
      this.#idleSince.delete(handle);
      void handle
        .run(queued.request, queued.onLog, {
          killGraceMs: this.#killGraceMs,
          maxResultBytes: this.#maxResultBytes,
          signal: queued.signal,
          recordStep: queued.recordStep,
        })
        .then((outcome) => {
          this.#running--;
          queued.resolve(outcome);
          this.#dispatch();
          if (handle.load === 0 && handle.alive) this.#becameIdle(handle);
        });
    }
  }

  /**
   * An idle process ends after `idleProcessMs` if more than the warm ones are running then; the
   * warm ones stay, so that the next try does not wait for Node to start.
   */
  #becameIdle(handle: TaskProcessHandle): void {
    this.#idleSince.set(handle, performance.now());
    if (this.#idleSweep === undefined && this.#liveProcesses().length > this.#warmProcesses) this.#armIdleSweep(this.#idleProcessMs);
  }

  #armIdleSweep(afterMs: number): void {
    this.#idleSweep = setTimeout(() => this.#sweepIdle(), afterMs);
    // An idle pool must not keep a one-shot command (tributary run) alive.
    this.#idleSweep.unref();
  }

  #sweepIdle(): void {
    this.#idleSweep = undefined;
    if (this.#closed) return;
    const now = performance.now();
    let live = this.#liveProcesses().length;
    let next = Number.POSITIVE_INFINITY;
    // Longest idle first.
    for (const [handle, since] of [...this.#idleSince].sort((a, b) => a[1] - b[1])) {
      if (live <= this.#warmProcesses) break;
      if (handle.load > 0 || !handle.alive) {
        this.#idleSince.delete(handle);
        continue;
      }
      const due = since + this.#idleProcessMs;
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      this.#idleSince.delete(handle);
      live--;
      void handle.close();
    }
    if (next !== Number.POSITIVE_INFINITY && live > this.#warmProcesses) this.#armIdleSweep(next - now);
  }

  /**
   * Where the next try goes, or undefined to keep it queued. A started process is preferred: an
   * idle one, then the least busy one with room. When every started process is full, as many more
   * processes start as the queued tries need (up to the limit), but the try waits in the queue for
   * whichever comes first, a started process freeing a slot or a new one becoming ready: a burst of tries (a fan-out's
   * first claim) would otherwise wait for Node to start, when the warm process finishes small tries
   * in milliseconds. With no started process at all, tries go to starting ones, so that a process
   * that cannot start fails its try rather than leaving it queued.
   */
  #processFor(): TaskProcessHandle | undefined {
    const live = this.#liveProcesses();
    const started = live.filter((handle) => handle.started);
    const idle = started.find((handle) => handle.load === 0);
    if (idle) return idle;
    const roomy = leastBusy(started, this.#perProcess);
    // A dead process whose exit is still being processed no longer counts against the limit.
    const mayFork = live.length < this.#processCount;
    // After a process died before it was ready, new ones take tries at once again, so that a
    // process that cannot start fails tries instead of being forked again and again.
    if (started.length > 0 && this.#diedStarting === 0) {
      // Enough processes starting for the tries that wait (this one is still in the queue).
      const starting = live.length - started.length;
      if (!roomy && mayFork && starting * this.#perProcess < this.#queue.length) this.#fork();
      return roomy;
    }
    return mayFork ? this.#fork() : leastBusy(live, this.#perProcess);
  }

  #fork(): TaskProcessHandle {
    const handle = new TaskProcessHandle(
      this.#command,
      (exited) => {
        this.#processes.delete(exited);
        this.#idleSince.delete(exited);
        if (!exited.started) this.#diedStarting++;
        this.#dispatch();
      },
      this.#perProcess > 1,
    );
    this.#processes.add(handle);
    void handle.preload(this.#files.all);
    // Tries queued while it started may go to it now.
    void handle.ready().then(() => {
      if (handle.started) this.#diedStarting = 0;
      this.#dispatch();
    });
    return handle;
  }

  #liveProcesses(): TaskProcessHandle[] {
    return [...this.#processes].filter((handle) => handle.alive);
  }


}

/** The process with the fewest tries, if it has room for one more. */
function leastBusy(processes: readonly TaskProcessHandle[], perProcess: number): TaskProcessHandle | undefined {
  let best: TaskProcessHandle | undefined;
  for (const candidate of processes) if (!best || candidate.load < best.load) best = candidate;
  return best && best.load < perProcess ? best : undefined;
}

/**
 * The task process runs the same build as the pool: from source (`.ts`, under vitest or tsx) it
 * needs tsx's loader; from `dist` (`.js`) plain Node.
 */
function taskProcessCommand(allowEnv: EnvAllowList): TaskProcessCommand {
  const { path: entry, typescript } = entryModule(import.meta.url, "task-process");
  if (!typescript) return { entry, execArgv: [], allowEnv };
  // Resolved to a URL here, because `--import tsx` would resolve from the child's working directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { entry, execArgv: ["--import", tsx], allowEnv };
}

function closedOutcome(): TaskRunOutcome {
  return { ok: false, error: { kind: "lost", message: "the task process pool was closed (a shutdown)" }, emitted: [] };
}
