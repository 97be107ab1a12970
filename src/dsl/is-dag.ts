/**
 * Recognises DAGs by their brand, not by class: a DAG file may build its DAGs with another copy of
 * Tributary (`dist/` while the loader runs from `src/`, or a fresh copy per load).
 */
import { DAG_BRAND, type Dag } from "./types.js";

export function isDag(value: unknown): value is Dag {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Partial<Record<typeof DAG_BRAND, unknown>>)[DAG_BRAND] === true &&
    typeof (value as { id?: unknown }).id === "string"
  );
}
