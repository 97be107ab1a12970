/**
 * Defining DAGs: `dag(...)` with its builder, `dataset(...)`, and their types. This is what DAG
 * files import (through the package's entry point, or directly in this repository's tests).
 */
export { dag } from "./dag.js";
export { dataset, isDataset } from "./dataset.js";
export { isDag } from "./is-dag.js";
export { isTaskRef } from "./task-ref.js";
export { DAG_BRAND, DATASET_BRAND, TASK_REF_BRAND } from "./types.js";
export type {
  BranchChoice,
  Dag,
  DagBuilder,
  DagOptions,
  Dataset,
  DatasetEventMetadata,
  Duration,
  InputSource,
  InputsSpec,
  InputValues,
  MapFunction,
  MapOptions,
  ResolvedDagOptions,
  Schedule,
  TaskContext,
  TaskDefaults,
  TaskDefinition,
  TaskFunction,
  TaskLogger,
  TaskSecrets,
  TaskOptions,
  TaskOptionsWithInputs,
  TaskRef,
} from "./types.js";
