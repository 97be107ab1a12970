/**
 * A worker's runners, one per isolation, behind the one `TaskRunner` contract: each try goes to the
 * runner its task asks for (`request.isolation`, from the task's `isolation` option or its DAG's
 * default; `process` when unset). The process pool is always there, as the default; the thread
 * pool and the inline runner are made when a DAG first needs them, so a deployment that does not
 * use them starts no thread and imports no DAG file into the worker process.
 *
 * @example
 * ```ts
 * const runners = new TaskRunners({ size: 4 });
 * await runners.warmUp(files, new Set(["process", "inline"]));
 * const outcome = await runners.run(request, (line) => logs.push(line));
 * await runners.close();
 * ```
 */
import type { Isolation } from "../core/types.js";
import { InlineRunner } from "./inline-runner.js";
import { TaskProcessPool, type TaskProcessPoolOptions } from "./process-pool.js";
import type { LogLine, RecordStep, TaskRunOutcome, TaskRunRequest } from "./task-protocol.js";
import type { TaskRunner } from "./task-runner.js";
import { TaskThreadPool } from "./thread-pool.js";

export interface TaskRunnersOptions extends TaskProcessPoolOptions {
  /** The most task threads (default: see thread-pool.ts). */
  readonly threads?: number;
}

const PROCESS_ONLY: ReadonlySet<Isolation> = new Set(["process"]);

export class TaskRunners implements TaskRunner {
  readonly #options: TaskRunnersOptions;
  readonly #process: TaskProcessPool;
  #thread: TaskThreadPool | undefined;
  #inline: InlineRunner | undefined;

  constructor(options: TaskRunnersOptions) {
    this.#options = options;
    this.#process = new TaskProcessPool(options);
  }

  run(request: TaskRunRequest, onLog: (line: LogLine) => void, signal?: AbortSignal, recordStep?: RecordStep): Promise<TaskRunOutcome> {
    return this.#runner(request.isolation ?? "process").run(request, onLog, signal, recordStep);
  }

  /** Warms the runners of `isolations` (the ones the worker's DAGs use). */
  async warmUp(files: readonly string[], isolations: ReadonlySet<Isolation> = PROCESS_ONLY): Promise<void> {
    await Promise.all([...isolations].map((isolation) => this.#runner(isolation).warmUp(files)));
  }

  async reload(files: readonly string[]): Promise<void> {
    await Promise.all(this.#started().map((runner) => runner.reload(files)));
  }

  async close(): Promise<void> {
    await Promise.all(this.#started().map((runner) => runner.close()));
  }

  #runner(isolation: Isolation): TaskRunner {
    const { size, killGraceMs, maxResultBytes } = this.#options;
    switch (isolation) {
      case "process":
        return this.#process;
      case "thread":
        this.#thread ??= new TaskThreadPool({ size, killGraceMs, maxResultBytes, threads: this.#options.threads });
        return this.#thread;
      case "inline":
        this.#inline ??= new InlineRunner({ killGraceMs, maxResultBytes });
        return this.#inline;
    }
  }

  #started(): TaskRunner[] {
    const runners: (TaskRunner | undefined)[] = [this.#process, this.#thread, this.#inline];
    return runners.filter((runner) => runner !== undefined);
  }
}
