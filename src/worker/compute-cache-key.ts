/**
 * The first phase of a try of a task that caches its result (its `cache` option): the task
 * process calls the task's `cache.key` function with the context and inputs the task itself would
 * get, and answers with the key instead of running the task (worker/result-cache-lookup.ts).
 */
import type { InputsSpec, InputValues, TaskContext, TaskDefinition } from "../dsl/types.js";
import type { TaskRunRequest } from "./task-protocol.js";

export async function computeCacheKey(definition: TaskDefinition, ctx: TaskContext, request: TaskRunRequest): Promise<string> {
  const where = `task "${request.taskId}" of DAG "${request.dagId}"`;
  if ((definition.kind !== "task" && definition.kind !== "shell") || definition.cacheKey === undefined) {
    throw new Error(`${where} has no cache option in the DAG file as this task process loaded it`);
  }
  const inputs = (definition.kind === "shell" ? {} : { ...request.inputs, ...definition.datasetInputs }) as InputValues<InputsSpec>;
  const key: unknown = await definition.cacheKey(ctx, inputs);
  if (typeof key !== "string" || key.length === 0) {
    throw new TypeError(`cache.key of ${where} must return a non-empty string, got ${key === "" ? "an empty string" : typeof key}`);
  }
  return key;
}
