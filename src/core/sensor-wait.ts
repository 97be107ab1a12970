/**
 * How a sensor waits (docs/sensors.md): after a poke that found nothing, either the next poke's
 * time or the end of the wait. The timeout is measured from the sensor's first poke (across its
 * retries: an error in a poke does not buy a fresh wait), and the last poke lands on the deadline
 * rather than past it. Pure rules: the store applies them (sql/waits/defer-try.ts).
 */
import { formatDuration } from "./duration.js";
import type { SensorPolicy } from "./types.js";

/**
 * The state history's reason when a woken wait goes on (queued -> running for the next poke), so
 * that readers of the history (OpenLineage, traces) do not take it for the start of a new try.
 */
export const WAIT_RESUMED_REASON = "next poke: the wait goes on";

/** After a poke that found nothing: wait until `wakeAt`, or the wait is over (timed out). */
export type PokeDecision =
  | { readonly kind: "wait"; readonly wakeAt: number }
  | { readonly kind: "timeout"; readonly softFail: boolean; readonly message: string };

export interface PokeFacts {
  /** When the poke ended (epoch ms). */
  readonly now: number;
  /** When the sensor's first poke started (epoch ms). */
  readonly waitingSince: number;
  /** Pokes made so far, this one included. */
  readonly pokes: number;
}

/** `approval`: a human approval, which waits the same way with one wake-up, its deadline (docs/approvals.md). */
export function afterPoke(policy: SensorPolicy, facts: PokeFacts, waiter: "sensor" | "approval" = "sensor"): PokeDecision {
  const deadline = facts.waitingSince + policy.timeoutMs;
  if (facts.now >= deadline) {
    const waited = formatDuration(facts.now - facts.waitingSince);
    return {
      kind: "timeout",
      softFail: policy.softFail,
      message:
        waiter === "approval"
          ? `the approval timed out: no answer after waiting ${waited}`
          : `the sensor timed out: not done after waiting ${waited} (${facts.pokes} ${facts.pokes === 1 ? "poke" : "pokes"})`,
    };
  }
  return { kind: "wait", wakeAt: Math.min(facts.now + policy.everyMs, deadline) };
}

/** What one poke found: done (with the task's result) or not yet. */
export type PokeResult = { readonly done: true; readonly value: unknown } | { readonly done: false };

/** A poke answers `true`, `false` or `{ done, value }`; anything else is the DAG author's mistake. */
export function normalisePokeResult(raw: unknown): PokeResult {
  if (raw === true) return { done: true, value: null };
  if (raw === false) return { done: false };
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && typeof (raw as { done?: unknown }).done === "boolean") {
    const { done, value } = raw as { done: boolean; value?: unknown };
    return done ? { done: true, value: value === undefined ? null : value } : { done: false };
  }
  throw new TypeError(`a sensor's poke must return true, false or { done, value }; got ${describe(raw)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object without a boolean \`done\` (${JSON.stringify(value)})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
