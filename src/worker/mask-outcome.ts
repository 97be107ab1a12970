/**
 * A try's outcome with every secret value the try was given replaced by `***`, before anything of
 * it is stored: the error and its stack, the result, the dataset event metadata.
 */
import type { Masker } from "../secrets/mask.js";
import type { EmittedDatasetEvent, TaskRunOutcome } from "./task-protocol.js";

export function maskOutcome(outcome: TaskRunOutcome, masker: Masker): TaskRunOutcome {
  if (!masker.active) return outcome;
  const emitted = outcome.emitted.map((event) => masker.value(event) as EmittedDatasetEvent);
  // (A try suspended at a ctx.sleep stays suspended.)
  if (outcome.ok) return { ...outcome, result: masker.value(outcome.result), emitted };
  const { kind, message, stack } = outcome.error;
  const error = stack === undefined ? { kind, message: masker.text(message) } : { kind, message: masker.text(message), stack: masker.text(stack) };
  return { ok: false, error, emitted };
}
