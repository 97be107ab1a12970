/**
 * Checks the options of one `d.task` / `d.shell` / `d.branch` / `d.map` call and turns them into a
 * declaration: ids instead of refs, datasets as URIs, settings checked. Everything that can be
 * checked while the task is declared is checked here, so the error points at that task;
 * `after` ids naming tasks declared later are resolved once the whole DAG is built.
 */
import { DagDefinitionError, type ErrorLocation } from "../core/errors.js";
import type { ApprovalPolicy, SensorPolicy, TaskKind } from "../core/types.js";
import { APPROVAL_OPTION_NAMES, approvalOptions } from "./approval-options.js";
import { positiveDuration } from "./alert-options.js";
import { isDataset } from "./dataset.js";
import { assertKnownKeys } from "./known-keys.js";
import { checkTaskSettings, SETTING_NAMES, type TaskSettings } from "./task-settings.js";
import { pokeTimeoutMs, SENSOR_OPTION_NAMES, sensorPolicy } from "./sensor-policy.js";
import { isTaskRef } from "./task-ref.js";
import type { CacheKeyFunction, Dataset, TaskDefaults, TaskDefinition, TaskRef } from "./types.js";

const COMMON_OPTIONS = ["after", "outputs", "secrets", "deadline", ...SETTING_NAMES] as const;

/** The option names each kind of task accepts: the contract of docs/architecture.md §1. */
export const TASK_OPTION_NAMES: Readonly<Record<TaskKind, readonly string[]>> = {
  task: ["inputs", ...COMMON_OPTIONS, "cache"],
  branch: ["inputs", ...COMMON_OPTIONS],
  map: ["over", "inputs", ...COMMON_OPTIONS],
  shell: [...COMMON_OPTIONS, "cache"],
  sensor: ["inputs", ...new Set([...COMMON_OPTIONS, ...SENSOR_OPTION_NAMES])],
  // No code runs for an approval: no retries, pools, isolation or outputs; `timeout` is the whole wait.
  approval: ["after", "triggerRule", "queue", "priority", "deadline", ...APPROVAL_OPTION_NAMES],
};

export interface TaskDeclaration {
  readonly id: string;
  readonly kind: TaskKind;
  /** Input name -> upstream task id, for inputs that are tasks. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Input name -> dataset, for inputs that are datasets. */
  readonly datasetInputs: Readonly<Record<string, Dataset>>;
  /** Ids from `after`, in order; string ids may name tasks declared later (or no task at all). */
  readonly after: readonly string[];
  readonly mapOver: string | undefined;
  readonly settings: TaskSettings;
  readonly outputDatasets: readonly string[];
  readonly secrets: readonly string[];
  readonly deadlineMs: number | undefined;
  /** For sensors (and approvals): how they wait between pokes. */
  readonly sensor: SensorPolicy | undefined;
  /** For approvals: who answers, with what form. */
  readonly approval: ApprovalPolicy | undefined;
  /** Set when the task caches its result: how long a stored result is served. */
  readonly cacheTtlMs: number | undefined;
  readonly definition: TaskDefinition;
}

/** What the declaration needs to know about the DAG being built. */
export interface DeclarationScope {
  readonly dagId: string;
  /** Whether `ref` was returned by this DAG's builder. */
  ownsRef(ref: TaskRef<unknown>): boolean;
}

type Body = { readonly kind: "function"; readonly fn: unknown } | { readonly kind: "command"; readonly command: unknown };

export function declareTask(
  kind: TaskKind,
  id: string,
  rawOptions: unknown,
  body: Body,
  scope: DeclarationScope,
): TaskDeclaration {
  const location: ErrorLocation = { dagId: scope.dagId, taskId: id };
  const at = (field: string): ErrorLocation => ({ ...location, field });
  if (typeof rawOptions !== "object" || rawOptions === null || Array.isArray(rawOptions)) {
    throw new DagDefinitionError(`the options of a ${kind} task must be an object`, location);
  }
  assertKnownKeys(rawOptions, TASK_OPTION_NAMES[kind], "option", location);
  const options = rawOptions as Readonly<Record<string, unknown>>;

  const refId = (value: unknown, field: string): string => {
    if (!isTaskRef(value)) throw new DagDefinitionError(`${field} must be a task ref returned by d.task, d.map...`, at(field));
    if (!scope.ownsRef(value)) {
      throw new DagDefinitionError(`${field} names task "${value.id}" of another DAG`, at(field));
    }
    return value.id;
  };

  const inputs: Record<string, string> = {};
  const datasetInputs: Record<string, Dataset> = {};
  for (const [name, source] of Object.entries(record(options["inputs"], "inputs", at("inputs")))) {
    if (isDataset(source)) datasetInputs[name] = source;
    else if (isTaskRef(source)) inputs[name] = refId(source, `inputs.${name}`);
    else throw new DagDefinitionError(`inputs.${name} must be a task ref or a dataset`, at(`inputs.${name}`));
  }

  const after = list(options["after"], "after", at("after")).map((entry, index) =>
    typeof entry === "string" ? entry : refId(entry, `after[${index}]`),
  );

  let mapOver: string | undefined;
  if (kind === "map") {
    if (options["over"] === undefined) throw new DagDefinitionError("a map task needs `over`: the task whose list it maps over", at("over"));
    mapOver = refId(options["over"], "over");
  }

  const outputDatasets = list(options["outputs"], "outputs", at("outputs")).map((entry, index) => {
    if (!isDataset(entry)) throw new DagDefinitionError("outputs must list datasets made with dataset(uri)", at(`outputs[${index}]`));
    return entry.uri;
  });

  const secrets = list(options["secrets"], "secrets", at("secrets")).map((entry, index) => {
    if (typeof entry !== "string" || entry.length === 0) {
      throw new DagDefinitionError("secrets must list secret names (non-empty strings)", at(`secrets[${index}]`));
    }
    return entry;
  });

  const cache = cacheOption(options["cache"], location);
  const approval = kind === "approval" ? approvalOptions(options, location) : undefined;
  const definition = approval ? { kind: "approval" as const, form: approval.form } : definitionOf(kind, body, datasetInputs, location);
  return {
    id,
    kind,
    inputs,
    datasetInputs,
    after: unique(after),
    mapOver,
    settings:
      kind === "sensor"
        ? sensorSettings(options, location)
        : approval
          ? approvalSettings(options, location)
          : checkTaskSettings(options as TaskDefaults, location),
    outputDatasets: unique(outputDatasets),
    secrets: unique(secrets),
    deadlineMs: options["deadline"] === undefined ? undefined : positiveDuration(options["deadline"], at("deadline")),
    sensor: kind === "sensor" ? sensorPolicy(options, location) : approval?.wait,
    approval: approval?.policy,
    cacheTtlMs: cache?.ttlMs,
    definition: cache && (definition.kind === "task" || definition.kind === "shell") ? { ...definition, cacheKey: cache.key } : definition,
  };
}

/** A sensor's `timeout` is its whole wait (sensor-policy.ts); the time limit of each poke is `pokeTimeout`. */
function sensorSettings(options: Readonly<Record<string, unknown>>, location: ErrorLocation): TaskSettings {
  const settings = checkTaskSettings({ ...(options as TaskDefaults), timeout: undefined }, location);
  return { ...settings, timeoutMs: pokeTimeoutMs(options, location) };
}

/** An approval runs no code: one try (its wait), never retried, with no time limit of its own but the wait's. */
function approvalSettings(options: Readonly<Record<string, unknown>>, location: ErrorLocation): TaskSettings {
  const { triggerRule, queue, priority } = options as TaskDefaults;
  return { ...checkTaskSettings({ triggerRule, queue, priority }, location), retries: 0 };
}

/** `cache: { key: (ctx, inputs) => string, ttl: "7d" }` (only `d.task` and `d.shell` accept it). */
function cacheOption(value: unknown, location: ErrorLocation): { key: CacheKeyFunction; ttlMs: number } | undefined {
  if (value === undefined) return undefined;
  const at = (field: string): ErrorLocation => ({ ...location, field });
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DagDefinitionError('cache must be an object: { key: (ctx, inputs) => string, ttl: "7d" }', at("cache"));
  }
  assertKnownKeys(value, ["key", "ttl"], "cache option", location, "cache.");
  const { key, ttl } = value as { key?: unknown; ttl?: unknown };
  if (typeof key !== "function") throw new DagDefinitionError("cache.key must be a function (ctx, inputs) => string", at("cache.key"));
  if (ttl === undefined) throw new DagDefinitionError('cache.ttl is required: how long a stored result is served, such as "7d"', at("cache.ttl"));
  return { key: key as CacheKeyFunction, ttlMs: positiveDuration(ttl, at("cache.ttl")) };
}

function definitionOf(kind: TaskKind, body: Body, datasetInputs: Readonly<Record<string, Dataset>>, location: ErrorLocation): TaskDefinition {
  if (body.kind === "command") {
    if (typeof body.command !== "string" || body.command.trim() === "") {
      throw new DagDefinitionError("a shell task needs a command (a non-empty string)", { ...location, field: "command" });
    }
    return { kind: "shell", command: body.command };
  }
  if (typeof body.fn !== "function") {
    if (kind === "sensor") {
      throw new DagDefinitionError("a sensor needs `poke`: a function that answers true (done), false (not yet) or { done, value }", { ...location, field: "poke" });
    }
    throw new DagDefinitionError(`a ${kind} task needs a function as its last argument`, location);
  }
  // The function's parameter types were checked by the compiler against the DAG's own types.
  const run = body.fn as never;
  switch (kind) {
    case "map":
      return { kind, run, datasetInputs };
    case "branch":
      return { kind, run, datasetInputs };
    case "sensor":
      return { kind, run, datasetInputs };
    default:
      return { kind: "task", run, datasetInputs };
  }
}

function record(value: unknown, field: string, location: ErrorLocation): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new DagDefinitionError(`${field} must be an object of names to task refs or datasets`, location);
}

function list(value: unknown, field: string, location: ErrorLocation): readonly unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value as unknown[];
  throw new DagDefinitionError(`${field} must be a list`, location);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
