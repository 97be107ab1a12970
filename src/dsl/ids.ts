/**
 * DAG and task ids end up in URLs, file names, log paths and shell templates, so they are kept to
 * a safe alphabet: a letter first, then letters, digits, `_`, `.` and `-`, at most 250 characters.
 */
import { DagDefinitionError, type ErrorLocation } from "../core/errors.js";

const ID = /^[A-Za-z][A-Za-z0-9_.-]{0,249}$/;

export function assertId(kind: "DAG" | "task", id: unknown, location: ErrorLocation): asserts id is string {
  if (typeof id === "string" && ID.test(id)) return;
  const shown = typeof id === "string" ? JSON.stringify(id) : String(id);
  throw new DagDefinitionError(
    `invalid ${kind} id ${shown}: use a letter followed by letters, digits, "_", "." or "-" (at most 250 characters)`,
    location,
  );
}
