/**
 * How progress lines name a wait that began (`tributary run`, the service's log), other than a
 * sensor's poke that found nothing (its callers say "next poke at"): a suspended try (`ctx.sleep`,
 * or `ctx.waitForEvent` until its deadline), or an approval waiting for its answer.
 */
import type { TaskKind } from "../core/types.js";
import type { CompleteTryResult } from "../store/index.js";
import type { TaskRunOutcome } from "./task-protocol.js";

export function waitText(kind: TaskKind | undefined, outcome: TaskRunOutcome, recorded: CompleteTryResult): string | undefined {
  if (outcome.ok && outcome.sleepsUntil !== undefined) return `suspended until ${recorded.wakeAt?.toISOString() ?? outcome.sleepsUntil} (ctx.sleep, or ctx.waitForEvent's deadline)`;
  if (kind === "approval") return `waiting for an answer until ${recorded.wakeAt?.toISOString() ?? "?"}`;
  return undefined;
}
