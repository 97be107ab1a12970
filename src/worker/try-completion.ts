/**
 * How a try's outcome is recorded: success, failed, or, for a sensor's poke that found nothing,
 * deferred (docs/sensors.md). One reading for the worker and the testing kit.
 */
import type { TaskKind } from "../core/types.js";
import type { CompleteTryInput } from "../store/index.js";
import type { TaskRunOutcome } from "./task-protocol.js";

export type TryCompletion = Pick<CompleteTryInput, "outcome" | "result" | "error" | "errorKind">;

export function tryCompletion(outcome: TaskRunOutcome, kind: TaskKind | undefined): TryCompletion {
  if (!outcome.ok) return { outcome: "failed", error: outcome.error.message, errorKind: outcome.error.kind };
  if (kind !== "sensor") return { outcome: "success", result: outcome.result };
  // A poke's answer, as the task process normalised it (core/sensor-wait.ts).
  const poke = outcome.result as { readonly done?: unknown; readonly value?: unknown } | null;
  return poke?.done === true ? { outcome: "success", result: poke.value ?? null } : { outcome: "deferred" };
}
