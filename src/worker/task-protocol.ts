/**
 * What the worker asks a task process to do and what comes back (docs/architecture.md §5): one try per request.
 * The first half is the contract the worker codes against; the second half is the message format
 * between the pool (parent) and a task process (child), which nothing outside `src/worker` sees.
 */
import type { Isolation } from "../core/types.js";
import type { StepKind } from "../store/index.js";

/** One try to run. Everything in it crosses a process boundary, so it is plain JSON. */
export interface TaskRunRequest {
  /** Absolute path of the DAG file. */
  readonly file: string;
  readonly dagId: string;
  readonly taskId: string;
  readonly runId: string;
  readonly mapIndex: number | null;
  readonly tryNumber: number;
  /** ISO timestamps. */
  readonly logicalDate: string;
  readonly dataIntervalStart: string;
  readonly dataIntervalEnd: string;
  readonly ds: string;
  readonly timezone: string;
  readonly params: Record<string, unknown>;
  /** Upstream results by input name; dataset inputs are filled in by the child from the definition. */
  readonly inputs: Record<string, unknown>;
  /** The element of a map task instance. */
  readonly item?: unknown;
  /** Values of the task's declared secrets that a backend holds, by name (masked in logs by the worker). */
  readonly secrets: Record<string, string>;
  /** The names the task declared (default: the keys of `secrets`). */
  readonly declaredSecrets?: readonly string[];
  /** Why each declared secret without a value is unavailable: what `ctx.secrets.get()` throws. */
  readonly unavailableSecrets?: Record<string, string>;
  readonly timeoutMs: number | undefined;
  /** For a sensor's poke: what its context tells it (sensor-context.ts). */
  readonly poke?: PokeFacts;
  /**
   * `cacheKey`: compute the task's cache key (its `cache.key` function) and answer with it as the
   * result, instead of running the task (worker/result-cache-lookup.ts).
   */
  readonly purpose?: "cacheKey";
  /** Where the try runs (absent: `process`); task-runners.ts picks the runner by it. */
  readonly isolation?: Isolation;
  /** The steps earlier tries of this task instance completed, in call order: replayed, not run again (step-journal.ts). */
  readonly steps?: readonly ReplayedStep[];
}

/** What a poke is told about its wait. */
export interface PokeFacts {
  readonly pokeNumber: number;
  /** ISO timestamp of the poke's start (the worker's clock, or the testing kit's virtual one). */
  readonly pokedAt: string;
  /** The latest update (ISO) of each dataset among the sensor's inputs; null for one never updated. */
  readonly datasetUpdates: Readonly<Record<string, string | null>>;
}

/** A step an earlier try completed, as the try that replays it receives it. */
export interface ReplayedStep {
  /** Its position in call order, from 1. */
  readonly number: number;
  readonly name: string;
  /** The try that completed it. */
  readonly tryNumber: number;
  readonly kind: StepKind;
  readonly resultJson: string;
  /** An `event` step the event has not reached (yet): its result is null and `endedAt` its deadline. */
  readonly waiting?: boolean;
  /** ISO; given for `event` steps only: when the event arrived, or the deadline of one still waiting. */
  readonly endedAt?: string;
}

/** A step this try has just completed, for the worker to record before the task goes on. */
export interface FinishedStep {
  readonly number: number;
  readonly name: string;
  readonly kind: StepKind;
  /** JSON text, checked where it was produced (JSON only, size limit). */
  readonly resultJson: string;
  /** ISO timestamps. */
  readonly startedAt: string;
  readonly endedAt: string;
  /** An `event` step first reached: it waits for its event until `endedAt` (its deadline). */
  readonly waiting?: boolean;
}

/**
 * Records a finished step durably; resolves once it is, rejects with the reason it was not (the
 * try no longer owns its task instance, or the runner records no steps). The task's `ctx.step`
 * awaits it, so a step whose promise resolved survives a kill -9 of everything right after.
 */
export type RecordStep = (step: FinishedStep) => Promise<void>;

export type LogStream = "stdout" | "stderr" | "log";
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogLine {
  /** ISO timestamp of when the line was written. */
  readonly at: string;
  readonly stream: LogStream;
  readonly level: LogLevel;
  readonly message: string;
}

export interface EmittedDatasetEvent {
  readonly uri: string;
  readonly metadata: Record<string, string | number | boolean | null>;
}

/**
 * `crash`: the try's own code ended its process (process.exit, an uncaught exception). `lost`: the
 * try was lost to something else (a shutdown, the process killed from outside, a neighbouring
 * try's crash in a shared process, a lost lease): retried without counting (core/lost-tries.ts).
 */
export type TaskFailureKind = "error" | "timeout" | "crash" | "result_too_large" | "lost";

export interface TaskFailure {
  readonly kind: TaskFailureKind;
  readonly message: string;
  readonly stack?: string;
}

/**
 * `sleepsUntil` (ISO): the try reached a `ctx.sleep` whose time has not come; it is suspended, not
 * finished, and its result is null (docs/durable-steps.md).
 */
export type TaskRunOutcome =
  | { readonly ok: true; readonly result: unknown; readonly emitted: EmittedDatasetEvent[]; readonly sleepsUntil?: string }
  | { readonly ok: false; readonly error: TaskFailure; readonly emitted: EmittedDatasetEvent[] };

// ---- Messages between the pool and a task process (internal) ----

/** The argument that tells a task process it will run several tries at once (see process-watchdog.ts). */
export const SHARED_ARG = "--shared";

/** `tryId` is the pool's own counter; it lets either side ignore messages about an earlier try. */
export type ToTaskProcess =
  | { readonly type: "run"; readonly tryId: number; readonly request: TaskRunRequest; readonly maxResultBytes: number }
  /** Loads DAG files ahead of the tries that need them (a new process of a warm pool). */
  | { readonly type: "preload"; readonly files: readonly string[] }
  /** Aborts the try's `ctx.signal`: its time is up, or the worker cancelled it. */
  | { readonly type: "abort"; readonly tryId: number; readonly reason: AbortReason; readonly message: string }
  /** Answered at once unless the process is stuck (task-process-handle.ts, deciding whom to blame). */
  | { readonly type: "ping"; readonly seq: number }
  /** The answer to a `step` message: recorded (no `error`), or why not. */
  | { readonly type: "stepRecorded"; readonly tryId: number; readonly number: number; readonly error?: string };

export type AbortReason = "timeout" | "cancel";

/**
 * The child's outcome: a successful result travels as JSON text, serialised and size-checked in
 * the child so that an oversized result never crosses the channel.
 */
export type ChildOutcome =
  | { readonly ok: true; readonly resultJson: string; readonly emitted: EmittedDatasetEvent[]; readonly sleepsUntil?: string }
  | { readonly ok: false; readonly error: TaskFailure; readonly emitted: EmittedDatasetEvent[] };

export type FromTaskProcess =
  | { readonly type: "ready" }
  | { readonly type: "preloaded" }
  /** The DAG file is loaded and the task function is about to be called: the timeout starts now (sent only for a try with a timeout). */
  | { readonly type: "started"; readonly tryId: number }
  /** The answer to a ping: the process is not stuck in some try's CPU-bound code. */
  | { readonly type: "pong"; readonly seq: number }
  | { readonly type: "log"; readonly tryId: number; readonly line: LogLine }
  /**
   * A process group a try started (a shell command, a function task's subprocess), or its end: the
   * pool kills the try's groups when it kills the task process, which cannot do it itself then.
   */
  | { readonly type: "group"; readonly tryId: number; readonly pgid: number; readonly ended: boolean }
  /** A step the try completed: the pool records it and answers with `stepRecorded`. */
  | { readonly type: "step"; readonly tryId: number; readonly step: FinishedStep }
  | { readonly type: "done"; readonly tryId: number; readonly outcome: ChildOutcome }
  /** An uncaught exception: the child reports it (and the try whose code threw, if known) and exits. */
  | { readonly type: "fatal"; readonly message: string; readonly stack?: string; readonly tryId?: number };
