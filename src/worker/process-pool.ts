/**
 * A pool of long-lived task processes (DESIGN §5, "Isolation without a process per try").
 * Starting Node costs about 100 ms, so processes are forked lazily up to `size`, kept, and reused;
 * each runs one try at a time, so its output belongs to that try. A try that crashes its process
 * (or is killed for ignoring its timeout) fails alone: the pool forks a replacement when it next
 * needs one.
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
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { TaskProcessHandle, type TaskProcessCommand } from "./task-process-handle.js";
import type { LogLine, TaskRunOutcome, TaskRunRequest } from "./task-protocol.js";

export interface TaskProcessPoolOptions {
  /** The most task processes (and so tries) running at once. */
  readonly size: number;
  /** How long a try may ignore its aborted signal before its process is killed. Default 5 s. */
  readonly killGraceMs?: number;
  /** The largest result, as JSON, a try may return. Default 1 MiB. */
  readonly maxResultBytes?: number;
}

export const DEFAULT_KILL_GRACE_MS = 5_000;
export const DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

interface QueuedTry {
  readonly request: TaskRunRequest;
  readonly onLog: (line: LogLine) => void;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (outcome: TaskRunOutcome) => void;
}

export class TaskProcessPool {
  readonly #size: number;
  readonly #killGraceMs: number;
  readonly #maxResultBytes: number;
  readonly #command = taskProcessCommand();
  readonly #processes = new Set<TaskProcessHandle>();
  readonly #queue: QueuedTry[] = [];
  /** DAG files this pool has run (or was warmed with): new processes load them ahead of time. */
  readonly #files = new Set<string>();
  #closed = false;

  constructor(options: TaskProcessPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`a task process pool needs a size of at least 1, got ${options.size}`);
    }
    this.#size = options.size;
    this.#killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.#maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  }

  /**
   * Runs one try in a free process (waiting for one if all are busy). Never rejects: task errors,
   * timeouts, crashes and a closed pool are all outcomes. `signal` cancels the try like a timeout
   * does (its `ctx.signal` is aborted, and its process killed if it ignores that).
   */
  run(request: TaskRunRequest, onLog: (line: LogLine) => void, signal?: AbortSignal): Promise<TaskRunOutcome> {
    if (this.#closed) return Promise.resolve(closedOutcome());
    this.#files.add(request.file);
    return new Promise((resolve) => {
      this.#queue.push({ request, onLog, signal, resolve });
      this.#dispatch();
    });
  }

  /** How many more tries could start right now without waiting (counting processes not yet forked). */
  get idle(): number {
    return Math.max(0, this.#size - this.#busyCount() - this.#queue.length);
  }

  /**
   * Forks every process now and loads `files` (absolute DAG file paths) in each, so that the first
   * tries pay neither for starting Node nor for loading their DAG. Processes forked later, to
   * replace one that died, load the files this pool has seen as soon as they start.
   */
  async warmUp(files: readonly string[] = []): Promise<void> {
    const known = [...this.#files];
    for (const file of files) this.#files.add(file);
    while (!this.#closed && this.#liveProcesses().length < this.#size) this.#fork();
    const fresh = files.filter((file) => !known.includes(file));
    await Promise.all(
      this.#liveProcesses().map(async (handle) => {
        await handle.ready();
        await handle.preload(fresh);
      }),
    );
  }

  /**
   * Loads changed DAG files again in every task process, ahead of the tries that need them (a try
   * checks the file's mtime anyway): a process then knows the new version before the file may
   * break again, and keeps that one as its last good version (see dag-file-cache.ts).
   */
  async reload(files: readonly string[]): Promise<void> {
    for (const file of files) this.#files.add(file);
    await Promise.all(
      this.#liveProcesses().map(async (handle) => {
        await handle.ready();
        await handle.preload(files);
      }),
    );
  }

  /** Kills every task process; tries still running or waiting end as crashed. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const queued of this.#queue.splice(0)) queued.resolve(closedOutcome());
    await Promise.all([...this.#processes].map((handle) => handle.close()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const handle = this.#liveProcesses().find((candidate) => !candidate.busy) ?? this.#forkIfRoom();
      if (!handle) return;
      const queued = this.#queue.shift();
      if (!queued) return;
      if (queued.signal?.aborted) {
        queued.resolve({ ok: false, error: { kind: "error", message: "the try was cancelled before it started" }, emitted: [] });
        continue;
      }
      void handle
        .run(queued.request, queued.onLog, {
          killGraceMs: this.#killGraceMs,
          maxResultBytes: this.#maxResultBytes,
          signal: queued.signal,
        })
        .then((outcome) => {
          queued.resolve(outcome);
          this.#dispatch();
        });
    }
  }

  #forkIfRoom(): TaskProcessHandle | undefined {
    // A dead process whose exit is still being processed no longer counts against the size.
    return this.#liveProcesses().length < this.#size ? this.#fork() : undefined;
  }

  #fork(): TaskProcessHandle {
    const handle = new TaskProcessHandle(this.#command, (exited) => {
      this.#processes.delete(exited);
      this.#dispatch();
    });
    this.#processes.add(handle);
    void handle.preload([...this.#files]);
    return handle;
  }

  #liveProcesses(): TaskProcessHandle[] {
    return [...this.#processes].filter((handle) => handle.alive);
  }

  #busyCount(): number {
    return this.#liveProcesses().filter((handle) => handle.busy).length;
  }
}

/**
 * The task process runs the same build as the pool: from source (`.ts`, under vitest or tsx) it
 * needs tsx's loader; from `dist` (`.js`) plain Node.
 */
function taskProcessCommand(): TaskProcessCommand {
  const here = fileURLToPath(import.meta.url);
  const extension = extname(here);
  const entry = join(dirname(here), `task-process${extension}`);
  if (extension !== ".ts") return { entry, execArgv: [] };
  // Resolved to a URL here, because `--import tsx` would resolve from the child's working directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { entry, execArgv: ["--import", tsx] };
}

function closedOutcome(): TaskRunOutcome {
  return { ok: false, error: { kind: "crash", message: "the task process pool was closed" }, emitted: [] };
}
