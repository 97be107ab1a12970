/**
 * Task refs: what `d.task(...)` and friends return, to be named in other tasks' `inputs`, `after`
 * and `over`. Branded with a global symbol so that a ref survives crossing module copies.
 */
import { TASK_REF_BRAND, type TaskRef } from "./types.js";

export function createTaskRef<T>(id: string): TaskRef<T> {
  return Object.freeze({ [TASK_REF_BRAND]: true as const, id });
}

export function isTaskRef(value: unknown): value is TaskRef<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Partial<Record<typeof TASK_REF_BRAND, unknown>>)[TASK_REF_BRAND] === true &&
    typeof (value as { id?: unknown }).id === "string"
  );
}
