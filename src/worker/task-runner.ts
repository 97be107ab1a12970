/**
 * What runs a worker's tries: one implementation per isolation (docs/architecture.md, "Running
 * tasks in isolation") behind one contract, so the worker codes against this and nothing else:
 * the process pool (process-pool.ts), the thread pool (thread-pool.ts), the worker's own thread
 * (inline-runner.ts), and task-runners.ts, which hands each try to the one its task asks for.
 */
import type { Isolation } from "../core/types.js";
import type { LogLine, RecordStep, TaskRunOutcome, TaskRunRequest } from "./task-protocol.js";

export interface TaskRunner {
  /**
   * Runs one try. Never rejects: task errors, timeouts, crashes and a closed runner are all
   * outcomes. `signal` cancels the try like a timeout does (its `ctx.signal` is aborted, and the
   * try stopped if it ignores that for the grace period). `recordStep` stores each step the try
   * completes (`ctx.step`) before the task goes on; without it, a try's steps fail.
   */
  run(request: TaskRunRequest, onLog: (line: LogLine) => void, signal?: AbortSignal, recordStep?: RecordStep): Promise<TaskRunOutcome>;
  /**
   * Gets ready ahead of the first tries (starts processes or threads, loads `files`, absolute DAG
   * file paths), so that a try's recorded duration does not include that. `isolations`: the ones
   * the worker's DAGs use, for a runner that serves several (default: `process` only).
   */
  warmUp(files: readonly string[], isolations?: ReadonlySet<Isolation>): Promise<void>;
  /** Loads changed DAG files again, ahead of the tries that need them. */
  reload(files: readonly string[]): Promise<void>;
  /** Stops everything; tries still running end as `lost`. */
  close(): Promise<void>;
}
