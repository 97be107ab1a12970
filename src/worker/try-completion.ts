/**
 * How a try's outcome is recorded: success, failed, or deferred: a sensor's poke that found nothing
 * (docs/sensors.md), or a try suspended at a `ctx.sleep` (docs/durable-steps.md). One reading for the worker and the testing kit.
 */
import type { TaskKind } from "../core/types.js";
import type { CompleteTryInput } from "../store/index.js";
import type { TaskRunOutcome } from "./task-protocol.js";

export type TryCompletion = Pick<CompleteTryInput, "outcome" | "result" | "error" | "errorKind" | "sleepsUntil">;

export function tryCompletion(outcome: TaskRunOutcome, kind: TaskKind | undefined): TryCompletion {
  if (!outcome.ok) return { outcome: "failed", error: outcome.error.message, errorKind: outcome.error.kind };
  // A try suspended at a ctx.sleep waits, its try open, until its wake-up time (docs/durable-steps.md).
  if (outcome.sleepsUntil !== undefined) return { outcome: "deferred", sleepsUntil: new Date(outcome.sleepsUntil) };
  if (kind !== "sensor" && kind !== "approval") return { outcome: "success", result: outcome.result };
  // A poke's answer, as the task process normalised it (core/sensor-wait.ts), or an approval's (approval-wait.ts).
  const poke = outcome.result as { readonly done?: unknown; readonly value?: unknown } | null;
  return poke?.done === true ? { outcome: "success", result: poke.value ?? null } : { outcome: "deferred" };
}
