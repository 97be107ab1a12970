/**
 * `dag(id, options, build)`: defines a DAG. Everything is checked here, when the DAG file is
 * imported, so a mistake (a cycle, an unknown task id, a typo in an option) fails the load with
 * its location instead of failing a run later.
 */
import { DagDefinitionError, type ErrorLocation } from "../core/errors.js";
import type { DatasetSchedule, TaskSpec } from "../core/types.js";
import { datasetScheduleOf } from "./dataset-schedule.js";
import { startBuild } from "./builder.js";
import { resolveDagOptions } from "./dag-options.js";
import { topologicalOrder } from "./graph-order.js";
import { assertId } from "./ids.js";
import { DEFAULT_POKE_TIMEOUT_MS } from "./sensor-policy.js";
import { assertKnownKeys } from "./known-keys.js";
import { assertParamsSchema, paramNames, parseParams } from "./params.js";
import type { TaskDeclaration } from "./task-declaration.js";
import { checkTaskSettings, resolveTaskSettings, SETTING_NAMES, type TaskSettings } from "./task-settings.js";
import { DAG_BRAND, type Dag, type DagBuilder, type DagOptions, type Schedule, type TaskDefinition } from "./types.js";

export function dag<P = Record<string, unknown>>(id: string, options: DagOptions<P>, build: (d: DagBuilder<P>) => void): Dag<P> {
  assertId("DAG", id, { dagId: typeof id === "string" ? id : String(id), field: "id" });
  const location: ErrorLocation = { dagId: id };
  const resolved = resolveDagOptions(options as DagOptions<unknown>, location);
  const schema = options.params;
  if (schema !== undefined) assertParamsSchema(schema, location);
  const defaults = checkDefaults(options.defaults, location);
  if (typeof build !== "function") {
    throw new DagDefinitionError("dag(id, options, build) needs a build function: (d) => { d.task(...) }", location);
  }

  const session = startBuild<P>(id, schema === undefined ? undefined : paramNames(schema));
  let returned: unknown;
  try {
    returned = build(session.builder);
  } finally {
    session.close();
  }
  if (returned instanceof Promise) {
    // A DAG's shape must be known when its file is imported; tasks added later would be lost.
    returned.catch(() => undefined);
    throw new DagDefinitionError("the build function of dag() must be synchronous (it returned a promise)", location);
  }

  const tasks = orderedSpecs(id, session.declarations, defaults);
  const byId = new Map(session.declarations.map((declaration) => [declaration.id, declaration]));
  const definitions = new Map<string, TaskDefinition>();
  for (const spec of tasks) {
    const declaration = byId.get(spec.id);
    if (declaration) definitions.set(spec.id, Object.freeze(declaration.definition));
  }

  return Object.freeze({
    [DAG_BRAND]: true as const,
    id,
    options: Object.freeze(resolved),
    graph: Object.freeze({
      dagId: id,
      tasks: Object.freeze(tasks),
      // Only present when set, so graphs of DAGs without SLAs or alerts stay as they were.
      ...(resolved.slaMs === undefined ? {} : { slaMs: resolved.slaMs }),
      ...(resolved.alerts === undefined ? {} : { alerts: resolved.alerts }),
      ...datasetScheduleField(resolved.schedule),
    }),
    definitions,
    paramsSchema: schema,
    parseParams: (raw: Readonly<Record<string, unknown>>) => parseParams(schema, raw, location),
  });
}

/** `datasetSchedule` only for DAGs that run on dataset updates, so other graphs keep their shape. */
function datasetScheduleField(schedule: Schedule): { datasetSchedule?: DatasetSchedule } {
  const datasetSchedule = datasetScheduleOf(schedule);
  return datasetSchedule === undefined ? {} : { datasetSchedule: Object.freeze(datasetSchedule) };
}

function checkDefaults(defaults: unknown, location: ErrorLocation): TaskSettings {
  if (defaults === undefined) return checkTaskSettings({}, location);
  if (typeof defaults !== "object" || defaults === null || Array.isArray(defaults)) {
    throw new DagDefinitionError("defaults must be an object of task options", { ...location, field: "defaults" });
  }
  assertKnownKeys(defaults, SETTING_NAMES, "task default", location, "defaults.");
  return checkTaskSettings(defaults, location, "defaults.");
}

/** The task specs in a topological order, after checking `after` ids and looking for cycles. */
function orderedSpecs(dagId: string, declarations: readonly TaskDeclaration[], defaults: TaskSettings): TaskSpec[] {
  const ids = declarations.map((declaration) => declaration.id);
  const known = new Set(ids);
  const upstreamOf = new Map<string, readonly string[]>();
  for (const declaration of declarations) {
    const unknown = declaration.after.filter((upstream) => !known.has(upstream));
    if (unknown.length > 0) {
      const names = unknown.map((name) => `"${name}"`).join(", ");
      throw new DagDefinitionError(`after names unknown task ${names}; tasks of this DAG: ${ids.join(", ")}`, {
        dagId,
        taskId: declaration.id,
        field: "after",
      });
    }
    const over = declaration.mapOver === undefined ? [] : [declaration.mapOver];
    upstreamOf.set(declaration.id, [...new Set([...Object.values(declaration.inputs), ...declaration.after, ...over])]);
  }

  const result = topologicalOrder(ids, upstreamOf);
  if (!result.ok) {
    throw new DagDefinitionError(`cycle: ${result.cycle.join(" -> ")}`, { dagId, taskId: result.cycle[0], field: "after" });
  }
  const byId = new Map(declarations.map((declaration) => [declaration.id, declaration]));
  return result.order.flatMap((taskId) => {
    const declaration = byId.get(taskId);
    return declaration ? [toSpec(declaration, upstreamOf.get(taskId) ?? [], defaults)] : [];
  });
}

function toSpec(declaration: TaskDeclaration, upstream: readonly string[], defaults: TaskSettings): TaskSpec {
  const resolved = resolveTaskSettings(declaration.settings, defaults);
  // An approval runs no code: the DAG's defaults for code (a time limit, a pool, an isolation) do not apply to it.
  const settings = declaration.approval ? { ...resolved, timeoutMs: undefined, pool: undefined, isolation: "process" as const } : resolved;
  return Object.freeze({
    id: declaration.id,
    kind: declaration.kind,
    upstream: Object.freeze([...upstream]),
    inputs: Object.freeze({ ...declaration.inputs }),
    mapOver: declaration.mapOver,
    triggerRule: settings.triggerRule,
    retry: Object.freeze(settings.retry),
    // A poke should be quick: without a limit of its own or the DAG's, it gets a minute.
    timeoutMs: settings.timeoutMs ?? (declaration.sensor && !declaration.approval ? DEFAULT_POKE_TIMEOUT_MS : undefined),
    pool: settings.pool,
    queue: settings.queue,
    priority: settings.priority,
    // The default stays implicit, so that the graphs (and versions) of DAGs that do not choose keep their shape.
    ...(settings.isolation === "process" ? {} : { isolation: settings.isolation }),
    inputDatasets: Object.freeze([...new Set(Object.values(declaration.datasetInputs).map((d) => d.uri))]),
    outputDatasets: Object.freeze([...declaration.outputDatasets]),
    secrets: Object.freeze([...declaration.secrets]),
    ...(declaration.deadlineMs === undefined ? {} : { deadlineMs: declaration.deadlineMs }),
    ...(declaration.sensor === undefined ? {} : { sensor: Object.freeze({ ...declaration.sensor }) }),
    ...(declaration.approval === undefined ? {} : { approval: Object.freeze({ ...declaration.approval }) }),
    ...(declaration.cacheTtlMs === undefined ? {} : { cacheTtlMs: declaration.cacheTtlMs }),
  });
}
