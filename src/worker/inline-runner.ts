/**
 * Runs `isolation: "inline"` tries in the worker's own thread (docs/architecture.md, "Running tasks
 * in isolation"), as graphile-worker and DBOS run their jobs: no process or thread to hand the try
 * to, so a try costs a function call. DAG files are imported into the worker process once (and
 * again when they change), apart from the copies the scheduler side loaded.
 *
 * What a try gets is what a task process gives it: the same `ctx`, log capture (try-scope.ts), result
 * checks and timeout through `ctx.signal`. What it cannot get: a kill. A try that ignores its
 * aborted signal for the grace period is reported failed and abandoned; its code may run on in the
 * worker process (only its subprocesses are killed). Code that never yields stops the worker itself,
 * heartbeats included, so its tries end up zombies. Inline tasks must be trusted and well-behaved.
 */
import { DagFileCache } from "./dag-file-cache.js";
import { readChildOutcome } from "./child-outcome.js";
import { hideEnvironFromTasks } from "./hide-exec-environ.js";
import { DEFAULT_KILL_GRACE_MS, DEFAULT_MAX_RESULT_BYTES } from "./process-pool.js";
import { runTryHere } from "./run-try-here.js";
import { taskEnvAllowList, taskProcessEnv } from "./task-process-env.js";
import type { LogLevel, LogStream, LogLine, RecordStep, TaskRunOutcome, TaskRunRequest } from "./task-protocol.js";
import type { TaskRunner } from "./task-runner.js";
import { abandonedFailure, abortFailure, reasonText, timeoutMessage, type Abort } from "./try-failures.js";
import { tryScope } from "./try-scope.js";

export interface InlineRunnerOptions {
  /** How long a try may ignore its aborted signal before it is abandoned. Default 5 s. */
  readonly killGraceMs?: number;
  /** The largest result, as JSON, a try may return. Default 1 MiB. */
  readonly maxResultBytes?: number;
}

/** Try ids of this thread's scope (shared by every inline runner in the process). */
let nextTryId = 1;

export class InlineRunner implements TaskRunner {
  readonly #files = new DagFileCache();
  readonly #killGraceMs: number;
  readonly #maxResultBytes: number;
  /** A shell task's command gets the environment a task process would have had, not the worker's. */
  readonly #shellEnv: NodeJS.ProcessEnv;
  /** Stops each running try (at close). */
  readonly #running = new Set<(outcome: TaskRunOutcome) => void>();
  #closed = false;

  constructor(options: InlineRunnerOptions = {}) {
    this.#killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.#maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    const allowEnv = taskEnvAllowList();
    this.#shellEnv = taskProcessEnv(process.env, allowEnv);
    // A shell task's command can read /proc/<its parent>/environ: the worker process.
    hideEnvironFromTasks(allowEnv);
  }

  run(request: TaskRunRequest, onLog: (line: LogLine) => void, signal?: AbortSignal, recordStep?: RecordStep): Promise<TaskRunOutcome> {
    if (this.#closed) return Promise.resolve(lostOutcome("the inline runner was closed (a shutdown)"));
    if (signal?.aborted) {
      return Promise.resolve({ ok: false, error: { kind: "error", message: "the try was cancelled before it started" }, emitted: [] });
    }
    return new Promise((resolve) => {
      const scope = tryScope();
      const controller = new AbortController();
      let settled = false;
      let aborted: Abort | undefined;
      let timer: NodeJS.Timeout | undefined;
      const line = (stream: LogStream, level: LogLevel, message: string): void => {
        // An abandoned try's code may go on logging: nobody reads that log any more.
        if (settled) return;
        try {
          onLog({ at: new Date().toISOString(), stream, level, message });
        } catch {
          // A failing log consumer must not break the try.
        }
      };
      const scoped = scope.begin(nextTryId++, (stream, text) => line(stream, stream === "stdout" ? "info" : "warn", text));
      const finish = (outcome: TaskRunOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onCancel);
        this.#running.delete(stop);
        scope.end(scoped);
        resolve(outcome);
      };
      const abort = (reason: Abort["reason"], message: string): void => {
        if (settled || aborted) return;
        const abortedNow: Abort = { reason, message };
        aborted = abortedNow;
        controller.abort(new DOMException(message, reason === "timeout" ? "TimeoutError" : "AbortError"));
        scope.signalGroups(scoped, "SIGTERM");
        clearTimeout(timer);
        timer = setTimeout(() => {
          finish({ ok: false, error: abandonedFailure(abortedNow, this.#killGraceMs, scoped.groups.size > 0), emitted: [] });
        }, this.#killGraceMs);
      };
      // The timeout counts from now until the DAG file is loaded, then from the start of the task
      // function (as in a task process): a slow first load must not eat the task's own time.
      const startTimeout = (): void => {
        const timeoutMs = request.timeoutMs;
        if (timeoutMs === undefined || aborted) return;
        clearTimeout(timer);
        timer = setTimeout(() => abort("timeout", timeoutMessage(timeoutMs)), timeoutMs);
      };
      const onCancel = (): void => abort("cancel", `the try was cancelled${reasonText(signal?.reason)}`);
      signal?.addEventListener("abort", onCancel, { once: true });
      const stop = (outcome: TaskRunOutcome): void => {
        if (!controller.signal.aborted) controller.abort(new DOMException("the worker is shutting down", "AbortError"));
        finish(outcome);
      };
      this.#running.add(stop);
      startTimeout();
      void runTryHere(this.#files, {
        request,
        maxResultBytes: this.#maxResultBytes,
        controller,
        log: line,
        started: startTimeout,
        enter: (call) => scope.enter(scoped, call),
        failed: scoped.failed,
        shellEnv: this.#shellEnv,
        // No boundary to cross: the worker's recorder is called directly.
        ...(recordStep === undefined ? {} : { recordStep }),
      }).then((outcome) => {
        // Stopped at its timeout or cancelled: that is the outcome, whatever the code made of its signal.
        finish(aborted ? { ok: false, error: abortFailure(aborted, undefined), emitted: outcome.emitted } : readChildOutcome(outcome));
      });
    });
  }

  /** Imports the DAG files into the worker process now, ahead of the first tries. */
  async warmUp(files: readonly string[]): Promise<void> {
    await this.#files.preload(files);
  }

  async reload(files: readonly string[]): Promise<void> {
    await this.#files.preload(files);
  }

  /** Tries still running end as lost (and their signals are aborted); their code cannot be stopped. */
  close(): Promise<void> {
    this.#closed = true;
    for (const stop of [...this.#running]) {
      stop(lostOutcome("the inline runner was closed while the try was running (a shutdown past its grace period); the try was lost and will be retried"));
    }
    return Promise.resolve();
  }
}

function lostOutcome(message: string): TaskRunOutcome {
  return { ok: false, error: { kind: "lost", message }, emitted: [] };
}
