/**
 * Runs one try of a task inside the test's own process, so that mocks and spies work: the real
 * task context, the real task kinds (`task`, `branch`, `map`, `sensor`, `shell`), the real result checks
 * (JSON, size limit, branch choices), through the same code as every worker isolation
 * (worker/run-try-here.ts), with virtual time for timeouts.
 */
import type { TaskSpec } from "../core/types.js";
import type { BranchChoice, Dag, InputsSpec, PokeFunction, TaskDefinition, TaskFunction } from "../dsl/types.js";
import type { ClaimedTask, StepRecord } from "../store/index.js";
import { readChildOutcome } from "../worker/child-outcome.js";
import { DEFAULT_MAX_RESULT_BYTES } from "../worker/process-pool.js";
import { runDefinitionHere } from "../worker/run-try-here.js";
import type { EmittedDatasetEvent, LogLevel, LogStream, RecordStep, TaskRunOutcome, TaskRunRequest } from "../worker/task-protocol.js";
import { taskRunRequest } from "../worker/task-request.js";
import { timeoutMessage } from "../worker/try-failures.js";
import { checkBranchChoice } from "../worker/worker.js";
import type { ScriptedTry, TaskMock } from "./types.js";

export interface TryLogLine {
  readonly stream: LogStream;
  readonly level: LogLevel;
  readonly message: string;
}

export interface InProcessTry {
  readonly outcome: TaskRunOutcome;
  /** Virtual time the try took: its timeout for a (scripted or real) timeout, else nothing. */
  readonly virtualMs: number;
  readonly logs: readonly TryLogLine[];
}

export interface RunTryInput {
  readonly dag: Dag<unknown>;
  readonly spec: TaskSpec;
  readonly claimed: ClaimedTask;
  readonly inputs: Record<string, unknown>;
  readonly item: unknown;
  readonly mock: TaskMock<unknown> | undefined;
  readonly scripted: ScriptedTry;
  readonly secrets: Readonly<Record<string, string>>;
  readonly realTimeLimitMs: number;
  /** For a sensor: the poke's (virtual) start and its input datasets' updates. */
  readonly poke?: { readonly at: Date; readonly datasetUpdates: ReadonlyMap<string, Date> };
  /** Steps earlier tries of the instance completed (replayed by `ctx.step`). */
  readonly steps: readonly StepRecord[];
  /** Stores the steps this try completes (in the test's in-memory store). */
  readonly recordStep: RecordStep;
  /** The virtual clock: step times are virtual like every other time of the run. */
  readonly now: () => Date;
}

export async function runTryInProcess(input: RunTryInput): Promise<InProcessTry> {
  const { dag, spec, claimed, scripted } = input;
  const logs: TryLogLine[] = [];
  const emitted: EmittedDatasetEvent[] = [];
  const timeoutMs = spec.timeoutMs;
  if (scripted === "fail") return failed(logs, emitted, "error", `injected failure of try ${claimed.tryNumber}`, 0);
  if (scripted === "crash") return failed(logs, emitted, "crash", `injected crash of try ${claimed.tryNumber}: the task process exited`, 0);
  if (scripted === "timeout") {
    const ms = timeoutMs ?? 0;
    return failed(logs, emitted, "timeout", timeoutMs === undefined ? "injected timeout (the task has no timeout)" : timeoutMessage(ms), ms);
  }
  const request = requestFor(dag, spec, claimed, input);
  const controller = new AbortController();
  const definition = input.mock === undefined ? dag.definitions.get(spec.id) : mockDefinition(input.mock, spec, input.item);
  if (!definition) return failed(logs, emitted, "error", `task "${spec.id}" has no code in DAG "${dag.id}"`, 0);
  // The worker's own way of running a try in this thread, minus the thread's output capture: a
  // test's console stays the test's.
  const running = runDefinitionHere(definition, {
    request,
    maxResultBytes: DEFAULT_MAX_RESULT_BYTES,
    controller,
    log: (stream, level, message) => logs.push({ stream, level, message }),
    enter: (call) => call(),
    failed: new Promise<never>(() => undefined),
    emitted,
    recordStep: input.recordStep,
    now: input.now,
  });
  let timer: NodeJS.Timeout | undefined;
  const limit = timeoutMs === undefined ? undefined : Math.min(timeoutMs, input.realTimeLimitMs);
  const timedOut = new Promise<"timeout">((resolve) => {
    if (limit !== undefined) timer = setTimeout(() => resolve("timeout"), limit);
  });
  try {
    const result = await Promise.race([running, timedOut]);
    if (result === "timeout") {
      const ms = timeoutMs ?? limit ?? 0;
      controller.abort(new DOMException(timeoutMessage(ms), "TimeoutError"));
      return failed(logs, emitted, "timeout", timeoutMessage(ms), ms);
    }
    let outcome = readChildOutcome(result);
    if (outcome.ok && spec.kind === "branch") outcome = checkBranchChoice(outcome, dag, spec);
    return { outcome: { ...outcome, emitted }, virtualMs: 0, logs };
  } finally {
    clearTimeout(timer);
  }
}

/** A mock stands in for the task's code: a value, or a function called like the task (a map's with its item). */
function mockDefinition(mock: TaskMock<unknown>, spec: TaskSpec, item: unknown): TaskDefinition {
  const run: TaskFunction<unknown, InputsSpec, unknown> = (ctx, inputs) =>
    typeof mock === "function" ? mock(ctx, inputs as Readonly<Record<string, unknown>>, item) : mock;
  // A mocked branch or sensor answers like a real one (ids or refs; a poke's answer), normalised
  // the same way, and a mocked sensor gets a sensor's context.
  switch (spec.kind) {
    case "branch":
      return { kind: "branch", run: run as TaskFunction<unknown, InputsSpec, BranchChoice>, datasetInputs: {} };
    case "sensor":
      return { kind: "sensor", run: run as PokeFunction<unknown, InputsSpec, unknown>, datasetInputs: {} };
    default:
      return { kind: "task", run, datasetInputs: {} };
  }
}

function failed(
  logs: TryLogLine[],
  emitted: EmittedDatasetEvent[],
  kind: "error" | "timeout" | "crash" | "result_too_large",
  message: string,
  virtualMs: number,
): InProcessTry {
  return { outcome: { ok: false, error: { kind, message }, emitted }, virtualMs, logs };
}

function requestFor(dag: Dag<unknown>, spec: TaskSpec, claimed: ClaimedTask, input: RunTryInput): TaskRunRequest {
  const values: Record<string, string> = {};
  const unavailable: Record<string, string> = {};
  for (const name of spec.secrets) {
    const value = input.secrets[name];
    if (value !== undefined) values[name] = value;
    else unavailable[name] = `secret "${name}" is not in testDag's \`secrets\` option`;
  }
  return taskRunRequest({
    file: `<testDag ${dag.id}>`,
    claimed,
    spec,
    timezone: dag.options.timezone,
    inputs: input.inputs,
    item: spec.mapOver !== undefined ? { value: input.item } : undefined,
    secrets: { values, unavailable },
    poke: input.poke,
    steps: input.steps,
  });
}
