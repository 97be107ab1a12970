/**
 * How long a failed try waits before the next one (docs/architecture.md §3): `retries: 4, retryDelay: "30s",
 * backoff: "exponential"` waits 30 s, 60 s, 120 s, 240 s, then the instance dead-letters.
 */
import type { RetryPolicy } from "./types.js";

// Without a cap, exponential backoff overflows to Infinity after ~1000 tries; one year keeps the
// next retry time a valid date while being longer than any sensible delay.
const MAX_DELAY_MS = 365 * 86_400_000;

/**
 * The wait in whole milliseconds after failed try `tryNumber` (from 1). Jitter spreads the delay
 * by up to ±`policy.jitter` of itself; the cap applies after jitter, so it is a hard bound.
 */
export function retryDelayMs(policy: RetryPolicy, tryNumber: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(tryNumber) - 1);
  let delay = policy.backoff === "exponential" ? policy.retryDelayMs * 2 ** exponent : policy.retryDelayMs;
  if (policy.jitter > 0) delay *= 1 + policy.jitter * (2 * random() - 1);
  if (policy.maxRetryDelayMs !== undefined) delay = Math.min(delay, policy.maxRetryDelayMs);
  delay = Math.min(delay, MAX_DELAY_MS);
  return Number.isFinite(delay) && delay > 0 ? Math.round(delay) : 0;
}

/** Whether another try may follow failed try `tryNumber`: a task has `retries + 1` tries in all. */
export function hasTriesLeft(policy: RetryPolicy, tryNumber: number): boolean {
  return tryNumber < policy.retries + 1;
}
