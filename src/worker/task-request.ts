/**
 * The request a task process runs a try from. One builder for the worker and for the testing
 * kit's in-memory tries (testing/run-try.ts), so a test sees the same `ctx` a deployment does.
 */
import { formatDs } from "../core/calendar.js";
import type { TaskSpec } from "../core/types.js";
import type { ClaimedTask, StepRecord } from "../store/index.js";
import type { PokeFacts, TaskRunRequest } from "./task-protocol.js";

export interface TaskRequestParts {
  /** The DAG file the task process imports (a label for in-memory tries). */
  readonly file: string;
  readonly claimed: ClaimedTask;
  readonly spec: TaskSpec;
  /** The DAG's timezone, for `ds`. */
  readonly timezone: string;
  readonly inputs: Record<string, unknown>;
  /** The element a mapped instance works on; absent for an unmapped task. */
  readonly item?: { readonly value: unknown };
  /** Secret values by name, and why each declared secret that has no value is missing. */
  readonly secrets: { readonly values: Record<string, string>; readonly unavailable: Record<string, string> };
  /** For a sensor: when this poke starts and when its input datasets were last updated. */
  readonly poke?: { readonly at: Date; readonly datasetUpdates: ReadonlyMap<string, Date> };
  /** The steps earlier tries of the instance completed (none: the try runs every step). */
  readonly steps?: readonly StepRecord[];
}

export function taskRunRequest(parts: TaskRequestParts): TaskRunRequest {
  const { claimed, spec, timezone } = parts;
  const { run, instance } = claimed;
  return {
    file: parts.file,
    dagId: run.dagId,
    taskId: instance.taskId,
    runId: run.runId,
    mapIndex: instance.mapIndex,
    tryNumber: claimed.tryNumber,
    logicalDate: run.logicalDate.toISOString(),
    dataIntervalStart: run.dataIntervalStart.toISOString(),
    dataIntervalEnd: run.dataIntervalEnd.toISOString(),
    ds: formatDs(run.dataIntervalStart, timezone),
    timezone,
    params: run.params,
    inputs: parts.inputs,
    ...(parts.item ? { item: parts.item.value } : {}),
    secrets: parts.secrets.values,
    declaredSecrets: spec.secrets,
    unavailableSecrets: parts.secrets.unavailable,
    timeoutMs: spec.timeoutMs,
    ...(spec.isolation === undefined ? {} : { isolation: spec.isolation }),
    ...(parts.poke ? { poke: pokeFacts(spec, claimed, parts.poke) } : {}),
    ...(parts.steps === undefined || parts.steps.length === 0
      ? {}
      : {
          steps: parts.steps.map(({ number, name, kind, tryNumber, resultJson, waiting, endedAt }) => ({
            number,
            name,
            kind,
            tryNumber,
            resultJson,
            // An event wait replays by whether it was delivered, and by its deadline.
            ...(kind === "event" ? { waiting: waiting === true, endedAt: endedAt.toISOString() } : {}),
          })),
        }),
  };
}

function pokeFacts(spec: TaskSpec, claimed: ClaimedTask, poke: NonNullable<TaskRequestParts["poke"]>): PokeFacts {
  const datasetUpdates: Record<string, string | null> = {};
  for (const uri of spec.inputDatasets) datasetUpdates[uri] = poke.datasetUpdates.get(uri)?.toISOString() ?? null;
  return { pokeNumber: claimed.instance.pokes + 1, pokedAt: poke.at.toISOString(), datasetUpdates };
}
