import { describe, expect, it } from "vitest";
import { hasTriesLeft, retryDelayMs } from "../../../src/core/retry-delay.js";
import type { RetryPolicy } from "../../../src/core/types.js";

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { retries: 4, retryDelayMs: 30_000, backoff: "exponential", maxRetryDelayMs: undefined, jitter: 0, ...overrides };
}

describe("retryDelayMs", () => {
  it("retries 4, 30s exponential: waits 30s, 60s, 120s, 240s, then no tries are left", () => {
    const p = policy();
    const waits: number[] = [];
    let tryNumber = 1;
    for (; hasTriesLeft(p, tryNumber); tryNumber++) waits.push(retryDelayMs(p, tryNumber));
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(tryNumber).toBe(5); // the fifth try was the last
  });

  it("fixed backoff waits the same each time", () => {
    const p = policy({ backoff: "fixed", retryDelayMs: 5_000 });
    expect([1, 2, 3, 10].map((n) => retryDelayMs(p, n))).toEqual([5_000, 5_000, 5_000, 5_000]);
  });

  it("caps the delay at maxRetryDelayMs", () => {
    const p = policy({ maxRetryDelayMs: 100_000 });
    expect([1, 2, 3, 4].map((n) => retryDelayMs(p, n))).toEqual([30_000, 60_000, 100_000, 100_000]);
  });

  it("spreads the delay by the jitter fraction, using the injected random", () => {
    const p = policy({ jitter: 0.1 });
    expect(retryDelayMs(p, 1, () => 0)).toBe(27_000);
    expect(retryDelayMs(p, 1, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(p, 1, () => 0.999_999)).toBe(33_000);
    expect(retryDelayMs(p, 2, () => 0)).toBe(54_000);
    for (let i = 0; i <= 100; i++) {
      const delay = retryDelayMs(p, 3, () => i / 100);
      expect(delay).toBeGreaterThanOrEqual(108_000);
      expect(delay).toBeLessThanOrEqual(132_000);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  it("applies the cap after jitter, so the cap is a hard bound", () => {
    const p = policy({ jitter: 0.5, maxRetryDelayMs: 40_000 });
    expect(retryDelayMs(p, 1, () => 0.999)).toBe(40_000);
    expect(retryDelayMs(p, 1, () => 0)).toBe(15_000);
  });

  it("never returns a negative or fractional delay", () => {
    expect(retryDelayMs(policy({ jitter: 2 }), 1, () => 0)).toBe(0);
    expect(retryDelayMs(policy({ retryDelayMs: 333, jitter: 0.1 }), 1, () => 0.123)).toBe(Math.round(333 * (1 + 0.1 * (2 * 0.123 - 1))));
    expect(retryDelayMs(policy({ retryDelayMs: 0 }), 3)).toBe(0);
  });

  it("stays a finite number of milliseconds after very many tries without a cap", () => {
    const delay = retryDelayMs(policy(), 5_000);
    expect(Number.isFinite(delay)).toBe(true);
    expect(new Date(Date.now() + delay).getTime()).not.toBeNaN();
  });

  it("uses Math.random when no random is given", () => {
    const delay = retryDelayMs(policy({ jitter: 0.2 }), 1);
    expect(delay).toBeGreaterThanOrEqual(24_000);
    expect(delay).toBeLessThanOrEqual(36_000);
  });
});

describe("hasTriesLeft", () => {
  it.each([
    [0, 1, false],
    [1, 1, true],
    [1, 2, false],
    [4, 4, true],
    [4, 5, false],
    [4, 6, false],
  ])("retries %i after try %i: %s", (retries, tryNumber, expected) => {
    expect(hasTriesLeft(policy({ retries }), tryNumber)).toBe(expected);
  });
});
