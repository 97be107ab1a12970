/**
 * A try's outcome as the runner that ran it hands it over (its result as JSON text, checked where
 * it was produced) turned into the outcome the worker records: the same step for every isolation,
 * so a result reads the same (a `Date` as its ISO string, no `undefined` keys) wherever it ran.
 */
import type { ChildOutcome, TaskRunOutcome } from "./task-protocol.js";

export function readChildOutcome(outcome: ChildOutcome): TaskRunOutcome {
  if (!outcome.ok) return outcome;
  try {
    const result = JSON.parse(outcome.resultJson) as unknown;
    return outcome.sleepsUntil === undefined
      ? { ok: true, result, emitted: outcome.emitted }
      : { ok: true, result, emitted: outcome.emitted, sleepsUntil: outcome.sleepsUntil };
  } catch (error) {
    return { ok: false, error: { kind: "error", message: `unreadable result: ${String(error)}` }, emitted: outcome.emitted };
  }
}
