/**
 * What `testDag` takes and returns. The words are those of docs/architecture.md §2: a test runs one DAG run; each task
 * instance has tries; each try has its log, its (virtual) timing and its outcome.
 */
import type { RunState, TaskState } from "../core/types.js";
import type { Duration, TaskContext, TaskRef } from "../dsl/types.js";
import type { StepKind, TryErrorKind } from "../store/index.js";

/**
 * Replaces a task's code in a test: a function called like the task (`inputs` holds the upstream
 * results by input name; `item` is the element of a mapped task instance, else undefined), or a
 * plain value that becomes the task's result. A branch mock returns the ids to follow; a sensor's
 * mock is called for each poke (with the sensor's context) and answers like a poke.
 */
export type TaskMock<P = Record<string, unknown>> =
  | ((ctx: TaskContext<P>, inputs: Readonly<Record<string, unknown>>, item: unknown) => unknown)
  | string
  | number
  | boolean
  | null
  | readonly unknown[]
  | { readonly [key: string]: unknown };

/** What a scripted try does instead of running the task: fail, time out, crash, or run normally (`"run"`). */
export type ScriptedTry = "fail" | "timeout" | "crash" | "run";

/**
 * Failures to inject into a task's tries: a number `n` fails the first `n` tries (then the task
 * runs normally), a list scripts each try in turn (tries past its end run normally). A scripted
 * timeout takes the task's `timeout` in virtual time, and none in real time.
 */
export type InjectedFailures = number | readonly ScriptedTry[];

/**
 * How a test answers a human approval (docs/approvals.md), `after` (default 0) virtual time from
 * when it started to wait: approve with an `answer` (checked against the approval's form, as the
 * API does) or `reject` with a reason. `by` names who answered (default "test"). An approval the
 * test does not answer meets its timeout in virtual time.
 */
export type TestApproval =
  | { readonly answer: unknown; readonly after?: Duration; readonly by?: string }
  | { readonly reject: string; readonly after?: Duration; readonly by?: string };

export interface TestDagOptions<P = Record<string, unknown>> {
  /** `YYYY-MM-DD` or an ISO timestamp; default the DAG's `startDate`, else today (UTC). */
  readonly logicalDate?: string;
  /** Raw params, validated (with defaults) by the DAG's schema, as `tributary run --param` does. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Task code to replace, by task id. */
  readonly mocks?: Readonly<Record<string, TaskMock<P>>>;
  /** Secret values by name; a task sees those it declares in `secrets`. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Failures to inject, by task id. */
  readonly failures?: Readonly<Record<string, InjectedFailures>>;
  /**
   * Real time a try may take before it counts as timed out (only for tasks with a `timeout`; the
   * recorded duration is the task's timeout). Default 10 s.
   */
  readonly realTimeLimitMs?: number;
  /** Answers to human approvals, by task id. */
  readonly approvals?: Readonly<Record<string, TestApproval>>;
  /** Tries that may run at once (real concurrency); default 16. */
  readonly concurrency?: number;
  /**
   * Events posted during the run, at virtual times after its start (`ctx.waitForEvent`,
   * docs/durable-steps.md): each reaches the tasks waiting for its name at that moment, as
   * `POST /api/v1/events` does.
   */
  readonly events?: readonly TestEvent[];
}

/** An event posted during a test run. */
export interface TestEvent {
  /** When, after the run's start: "5m", "1h30m" or milliseconds. */
  readonly at: string | number;
  /** The event's name (letters, digits, and _ . : / -). */
  readonly name: string;
  /** Its payload (the API's `params`); default `{}`. */
  readonly payload?: Readonly<Record<string, unknown>>;
}

export interface TestLogLine {
  readonly at: Date;
  readonly level: "debug" | "info" | "warn" | "error";
  readonly stream: "stdout" | "stderr" | "log";
  readonly message: string;
}

export interface TestTry {
  readonly tryNumber: number;
  readonly outcome: "success" | "failed";
  readonly error: string | null;
  readonly errorKind: TryErrorKind | null;
  /** Virtual times. */
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** Virtual milliseconds waited before this try (its retry delay); 0 for the first try. */
  readonly waitedMs: number;
  readonly logs: readonly TestLogLine[];
}

export interface TestTaskInstance {
  readonly taskId: string;
  /** `null` for an unmapped task. */
  readonly mapIndex: number | null;
  readonly state: TaskState;
  /** The task's JSON result (as downstream tasks receive it), or null. */
  readonly result: unknown;
  readonly error: string | null;
  /** How many times a sensor poked (0 for other tasks). */
  readonly pokes: number;
  readonly tries: readonly TestTry[];
  /** The durable steps (`ctx.step`) its tries completed, in call order; a cleared instance has none. */
  readonly steps: readonly TestStep[];
}

/** A completed durable step: a later try replays `result` instead of calling the step's function. */
export interface TestStep {
  /** Its position in call order, from 1. */
  readonly number: number;
  readonly name: string;
  /** `run` (ctx.step), `sleep` (ctx.sleep, its result `{ wakeAt }`) or `event` (ctx.waitForEvent, named after the event, its result the payload). */
  readonly kind: StepKind;
  /** The try that completed it. */
  readonly tryNumber: number;
  readonly result: unknown;
  /** Virtual times (the clock stands still while a try runs, so they are its start). */
  readonly startedAt: Date;
  /** For an event wait: when the event came, or its deadline if none did. */
  readonly endedAt: Date;
  /** For an event wait (else absent): true if no event reached it (it timed out, resolving to null). */
  readonly waiting?: boolean;
}

export interface TestDatasetEvent {
  readonly uri: string;
  readonly taskId: string | null;
  readonly at: Date;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface TestDagResult {
  readonly dagId: string;
  readonly runId: string;
  readonly state: RunState;
  readonly logicalDate: Date;
  readonly dataInterval: { readonly start: Date; readonly end: Date };
  /** The DAG version the run recorded. */
  readonly dagVersion: string | null;
  /** Every task instance, in creation order (a mapped task has one per map index). */
  readonly instances: readonly TestTaskInstance[];
  /** Each task's state by task id (a mapped task: the state of its first instance). */
  readonly states: Readonly<Record<string, TaskState>>;
  readonly datasetEvents: readonly TestDatasetEvent[];
  /** Virtual time from the start of the run to its end. */
  readonly elapsedMs: number;
  /** The instance of a task (the first one, for a mapped task); throws for an unknown task id. */
  task(task: string | TaskRef<unknown>): TestTaskInstance;
  /** A task's result, typed by its ref (a mapped task: the list of its instances' results). */
  resultOf<T>(task: TaskRef<T> | string): T;
  /** A task's tries (every instance's, for a mapped task). */
  tries(task: string | TaskRef<unknown>): readonly TestTry[];
  /** The virtual waits before each retry of a task, in milliseconds (`[30_000, 60_000, ...]`). */
  retryWaits(task: string | TaskRef<unknown>): readonly number[];
  /** Log lines of a task's tries (all of them, or one try). */
  logs(task: string | TaskRef<unknown>, tryNumber?: number): readonly TestLogLine[];
}
