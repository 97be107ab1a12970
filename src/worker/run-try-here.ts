/**
 * Runs one try in the JavaScript thread that calls it: the one implementation behind every
 * isolation (a task process, a task thread, the worker's own thread for `inline` tasks) and the
 * testing kit's in-memory tries. It finds the task's code, builds its `ctx`, calls it the way its
 * kind asks, and checks its result as the store will keep it (JSON, size limit), so a try ends the
 * same way wherever it runs. Timeouts and kills belong to the caller, which owns the controller.
 */
import type { TaskDefinition } from "../dsl/types.js";
import type { DagFileCache } from "./dag-file-cache.js";
import { describeError } from "./describe-error.js";
import { computeCacheKey } from "./compute-cache-key.js";
import { runTaskDefinition } from "./run-task-definition.js";
import { serialiseResult } from "./serialise-result.js";
import { StepJournal } from "./step-journal.js";
import { buildTaskContext } from "./task-context.js";
import { KindedTryError } from "./try-error.js";
import type { ChildOutcome, EmittedDatasetEvent, LogLevel, LogStream, RecordStep, TaskRunRequest } from "./task-protocol.js";

export interface TryHere {
  readonly request: TaskRunRequest;
  readonly maxResultBytes: number;
  /** Aborts the try's `ctx.signal`; aborted here too when the try fails, so that its leftovers stop. */
  readonly controller: AbortController;
  /** Receives `ctx.log` calls (stream `log`) and a shell command's output lines. */
  readonly log: (stream: LogStream, level: LogLevel, message: string) => void;
  /** Calls the task function's first part in the try's own async context (output capture, blame). */
  readonly enter: <T>(call: () => T) => T;
  /** Rejects when the try fails from outside its own promise chain (an unhandled rejection it caused). */
  readonly failed: Promise<never>;
  /** The environment a shell task's command starts from (default: this process's). */
  readonly shellEnv?: NodeJS.ProcessEnv;
  /** Collects `ctx.emit` calls (default: a list of the outcome's own), for a caller that may give up waiting. */
  readonly emitted?: EmittedDatasetEvent[];
  /** Records the try's `ctx.step` results durably (absent: a runner without a store, whose steps fail). */
  readonly recordStep?: RecordStep;
  /** The clock of step times (default: the real one). */
  readonly now?: () => Date;
}

/**
 * Finds the request's task in its DAG file (loaded once per thread), then runs it. `started` says
 * the timeout may start from now (the file loaded), so it is called only for a try with a timeout:
 * in a task process or thread it is a message of its own, and without a timeout the runner has
 * nothing to do with it (a pipe write that wakes the worker cost a third of a no-op try's time in
 * its task process: BENCHMARKS.md).
 */
export async function runTryHere(files: DagFileCache, run: TryHere & { readonly started: () => void }): Promise<ChildOutcome> {
  let definition: TaskDefinition;
  try {
    ({ definition } = await files.find(run.request.file, run.request.dagId, run.request.taskId));
  } catch (error) {
    return { ok: false, error: describeError(error), emitted: [] };
  }
  if (run.request.timeoutMs !== undefined) run.started();
  return runDefinitionHere(definition, run);
}

/** Runs a task's code (already found) as one try; never rejects. */
export async function runDefinitionHere(definition: TaskDefinition, run: TryHere): Promise<ChildOutcome> {
  const { request, controller } = run;
  const emitted = run.emitted ?? [];
  try {
    const steps = new StepJournal({
      replayed: request.steps ?? [],
      record: stepRecorder(run),
      log: (text) => run.log("log", "info", text),
      maxResultBytes: run.maxResultBytes,
      now: run.now ?? (() => new Date()),
    });
    const ctx = buildTaskContext(request, {
      log: (level, text) => run.log("log", level, text),
      signal: controller.signal,
      emitted,
      steps,
    });
    const running = run.enter(() =>
      // A cached task's first request asks for its key only (worker/result-cache-lookup.ts).
      request.purpose === "cacheKey"
        ? computeCacheKey(definition, ctx, request)
        : runTaskDefinition(definition, ctx, request, {
            onLine: (stream, line) => run.log(stream, stream === "stdout" ? "info" : "warn", line),
            // A command's process group is charged to the try where it is spawned (subprocess-groups.ts).
            onProcessGroup: () => undefined,
            ...(run.shellEnv === undefined ? {} : { env: run.shellEnv }),
          }).then((result) => {
            steps.checkAllReplayed();
            return result;
          }),
    );
    // `failed` first: a try failed while its code ran (a process.exit it caught) stays failed,
    // even when its code went on to return a value.
    const ended = await Promise.race([
      run.failed,
      Promise.resolve(running).then((value) => ({ value })),
      steps.suspended.then((sleepsUntil) => ({ sleepsUntil })),
    ]);
    if ("sleepsUntil" in ended) {
      // Suspended at a ctx.sleep: the try goes on later from its start (replaying its steps);
      // whatever this run left going (other promises of the task) is told to stop.
      controller.abort(new DOMException("the try is sleeping (ctx.sleep)", "AbortError"));
      return { ok: true, resultJson: "null", emitted, sleepsUntil: ended.sleepsUntil };
    }
    const result = ended.value;
    const serialised = serialiseResult(result, run.maxResultBytes);
    return serialised.ok
      ? { ok: true, resultJson: serialised.json, emitted }
      : { ok: false, error: { kind: serialised.kind, message: serialised.message }, emitted };
  } catch (error) {
    // The try is over but its code may still be running (it failed from outside its chain): tell it to stop.
    if (!controller.signal.aborted) controller.abort(new DOMException("the try has ended", "AbortError"));
    return { ok: false, error: describeError(error, error instanceof KindedTryError ? error.kind : "error"), emitted };
  }
}

/** Where the try's steps are recorded: nowhere for a cache key (it must not have steps), else the runner's recorder. */
function stepRecorder(run: TryHere): RecordStep {
  if (run.request.purpose === "cacheKey") {
    return () => Promise.reject(new Error("ctx.step cannot be used in a cache.key function: compute the key without steps"));
  }
  return run.recordStep ?? (() => Promise.reject(new Error("ctx.step needs a worker that records steps in a store; this runner has none")));
}
