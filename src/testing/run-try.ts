/**
 * Runs one try of a task inside the test's own process, so that mocks and spies work: the real
 * task context, the real task kinds (`task`, `branch`, `map`, `shell`), the real result checks
 * (JSON, size limit, branch choices). What the worker's task process does, minus the process.
 */
import type { TaskSpec } from "../core/types.js";
import type { BranchChoice, Dag, TaskDefinition } from "../dsl/types.js";
import type { ClaimedTask } from "../store/index.js";
import { describeError } from "../worker/describe-error.js";
import { DEFAULT_MAX_RESULT_BYTES } from "../worker/process-pool.js";
import { normaliseBranchChoice, runTaskDefinition } from "../worker/run-task-definition.js";
import { serialiseResult } from "../worker/serialise-result.js";
import { buildTaskContext } from "../worker/task-context.js";
import { buildSensorContext } from "../worker/sensor-context.js";
import { normalisePokeResult } from "../core/sensor-wait.js";
import type { EmittedDatasetEvent, LogLevel, LogStream, TaskRunOutcome, TaskRunRequest } from "../worker/task-protocol.js";
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
  const ctx = buildTaskContext(request, {
    log: (level, message) => logs.push({ stream: "log", level, message }),
    signal: controller.signal,
    emitted,
  });
  const definition: TaskDefinition | undefined = input.mock === undefined ? dag.definitions.get(spec.id) : undefined;
  const running = (async () => {
    if (input.mock !== undefined) {
      const mock = input.mock;
      const mockCtx = spec.kind === "sensor" ? buildSensorContext(ctx, request.poke) : ctx;
      const value = typeof mock === "function" ? await mock(mockCtx, request.inputs, input.item) : mock;
      // A mocked branch or sensor answers like a real one, normalised the same way.
      if (spec.kind === "sensor") return normalisePokeResult(value);
      return spec.kind === "branch" ? normaliseBranchChoice(value as BranchChoice) : value;
    }
    if (!definition) throw new Error(`task "${spec.id}" has no code in DAG "${dag.id}"`);
    return runTaskDefinition(definition, ctx, request, {
      onLine: (stream, line) => logs.push({ stream, level: stream === "stdout" ? "info" : "warn", message: line }),
      onProcessGroup: () => undefined,
    });
  })();
  let timer: NodeJS.Timeout | undefined;
  const limit = timeoutMs === undefined ? undefined : Math.min(timeoutMs, input.realTimeLimitMs);
  const timedOut = new Promise<"timeout">((resolve) => {
    if (limit !== undefined) timer = setTimeout(() => resolve("timeout"), limit);
  });
  try {
    const result = await Promise.race([running, timedOut]);
    if (result === "timeout" && limit !== undefined) {
      controller.abort(new DOMException(timeoutMessage(timeoutMs ?? limit), "TimeoutError"));
      running.catch(() => undefined);
      return failed(logs, emitted, "timeout", timeoutMessage(timeoutMs ?? limit), timeoutMs ?? limit);
    }
    const serialised = serialiseResult(result, DEFAULT_MAX_RESULT_BYTES);
    if (!serialised.ok) return failed(logs, emitted, serialised.kind, serialised.message, 0);
    let outcome: TaskRunOutcome = { ok: true, result: JSON.parse(serialised.json) as unknown, emitted };
    if (outcome.ok && spec.kind === "branch") outcome = checkBranchChoice(outcome, dag, spec);
    return { outcome: { ...outcome, emitted }, virtualMs: 0, logs };
  } catch (error) {
    const failure = describeError(error);
    return { outcome: { ok: false, error: failure, emitted }, virtualMs: 0, logs };
  } finally {
    clearTimeout(timer);
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
  });
}
