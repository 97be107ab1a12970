/**
 * Tributary: define data pipelines as DAGs of tasks in TypeScript; Tributary schedules them, runs
 * their tasks on workers with retries and backoff, and records every state change.
 *
 * @example
 * ```ts
 * import { dag, dataset } from "tributary-orchestrator";
 *
 * const cleanOrders = dataset("postgres://warehouse/clean_orders");
 *
 * export default dag("daily_sales_report", { schedule: "0 6 * * *", defaults: { retries: 3 } }, (d) => {
 *   const orders = d.task("extract", async (ctx) => fetchOrders(ctx.ds));
 *   d.task("load", { inputs: { orders }, outputs: [cleanOrders] }, async (ctx, { orders }) => load(orders));
 * });
 * ```
 * @module
 */
export { dag } from "./dsl/dag.js";
export { dataset } from "./dsl/dataset.js";
export { createTributary } from "./app/create-tributary.js";
export { datasetFreshSensor, fileSensor, httpSensor } from "./sensors/index.js";
export type { FoundFile, FreshDataset, HttpSensorOptions } from "./sensors/index.js";
export type { Tributary, TributaryOptions } from "./app/create-tributary.js";
export type { LogFields, LogFn, LogLevel } from "./logging/log-fields.js";
export type {
  BranchChoice,
  Dag,
  DagBuilder,
  DagOptions,
  Dataset,
  DatasetEventMetadata,
  Duration,
  InputValues,
  MapOptions,
  PokeFunction,
  PokeReturn,
  Schedule,
  SensorContext,
  SensorDefinition,
  SensorOptions,
  TaskContext,
  TaskDefaults,
  TaskLogger,
  TaskSecrets,
  TaskOptions,
  TaskRef,
  WaitForEventOptions,
} from "./dsl/types.js";
export type { Backoff, DataInterval, Isolation, RunState, RunType, TaskState, TriggerRule, WaitReason } from "./core/types.js";
export {
  DagDefinitionError,
  DagImportError,
  DagNotFoundError,
  InvalidTransitionError,
  ParamsError,
  TributaryError,
} from "./core/errors.js";
export type { ErrorCode, ErrorLocation } from "./core/errors.js";
