/**
 * Builds the `TaskContext` a task function receives (docs/architecture.md §5) from a run request, inside the
 * task process.
 */
import { format } from "node:util";
import { normaliseDatasetUri } from "../core/dataset-uri.js";
import { createSecretAccessor } from "../secrets/accessor.js";
import type { Dataset, DatasetEventMetadata, Duration, TaskContext, TaskLogger, WaitForEventOptions } from "../dsl/types.js";
import type { StepJournal } from "./step-journal.js";
import type { EmittedDatasetEvent, LogLevel, TaskRunRequest } from "./task-protocol.js";

export interface TaskContextHooks {
  /** Receives each `ctx.log` call, formatted like `console.log` formats its arguments. */
  readonly log: (level: LogLevel, message: string) => void;
  readonly signal: AbortSignal;
  /** Collects `ctx.emit` calls; the pool reports them with the try's outcome. */
  readonly emitted: EmittedDatasetEvent[];
  /** Runs and replays `ctx.step` calls. */
  readonly steps: StepJournal;
}

export function buildTaskContext(request: TaskRunRequest, hooks: TaskContextHooks): TaskContext {
  const logger = (level: LogLevel) => (...args: unknown[]) => hooks.log(level, format(...args));
  const log: TaskLogger = { debug: logger("debug"), info: logger("info"), warn: logger("warn"), error: logger("error") };
  return Object.freeze({
    dagId: request.dagId,
    taskId: request.taskId,
    runId: request.runId,
    mapIndex: request.mapIndex,
    ds: request.ds,
    dsNodash: request.ds.replaceAll("-", ""),
    logicalDate: new Date(request.logicalDate),
    dataInterval: Object.freeze({ start: new Date(request.dataIntervalStart), end: new Date(request.dataIntervalEnd) }),
    params: request.params,
    tryNumber: request.tryNumber,
    log,
    secrets: createSecretAccessor({
      dagId: request.dagId,
      taskId: request.taskId,
      declared: request.declaredSecrets ?? Object.keys(request.secrets),
      values: request.secrets,
      unavailable: request.unavailableSecrets ?? {},
    }),
    signal: hooks.signal,
    emit(dataset: Dataset | string, metadata: DatasetEventMetadata = {}): void {
      // A bad URI fails the try at the emit() call, with the DAG and task in the message.
      const raw: unknown = typeof dataset === "string" ? dataset : (dataset as { uri?: unknown } | null)?.uri;
      const uri = normaliseDatasetUri(raw, { dagId: request.dagId, taskId: request.taskId, field: "emit" }, "input");
      hooks.emitted.push({ uri, metadata: { ...metadata } });
    },
    step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
      return hooks.steps.step<T>(name, fn);
    },
    sleep(duration: Duration): Promise<void> {
      return hooks.steps.sleep(duration);
    },
    waitForEvent<T = unknown>(name: string, options: WaitForEventOptions): Promise<T | null> {
      return hooks.steps.waitForEvent<T>(name, options);
    },
  });
}
