import { describe, expect, it } from "vitest";
import { afterPoke, normalisePokeResult } from "../../../src/core/sensor-wait.js";
import type { SensorPolicy } from "../../../src/core/types.js";

const policy: SensorPolicy = { everyMs: 5 * 60_000, timeoutMs: 6 * 3_600_000, softFail: false };
const T0 = Date.UTC(2024, 2, 1, 6);

describe("afterPoke: what a sensor does after a poke that found nothing", () => {
  it("waits `every` before the next poke", () => {
    expect(afterPoke(policy, { now: T0, waitingSince: T0, pokes: 1 })).toEqual({ kind: "wait", wakeAt: T0 + 5 * 60_000 });
  });

  it("pokes one last time at the deadline, not past it", () => {
    const now = T0 + 6 * 3_600_000 - 60_000;
    expect(afterPoke(policy, { now, waitingSince: T0, pokes: 72 })).toEqual({ kind: "wait", wakeAt: T0 + 6 * 3_600_000 });
  });

  it("times out once a poke at or after the deadline found nothing, measured from the first poke", () => {
    const decision = afterPoke(policy, { now: T0 + 6 * 3_600_000, waitingSince: T0, pokes: 73 });
    expect(decision).toEqual({ kind: "timeout", softFail: false, message: "the sensor timed out: not done after waiting 6h 0m (73 pokes)" });
  });

  it("says softFail, so the instance is skipped instead of failed", () => {
    const decision = afterPoke({ ...policy, softFail: true }, { now: T0 + 7 * 3_600_000, waitingSince: T0, pokes: 2 });
    expect(decision).toMatchObject({ kind: "timeout", softFail: true });
  });
});

describe("normalisePokeResult: what a poke may return", () => {
  it("true and false", () => {
    expect(normalisePokeResult(true)).toEqual({ done: true, value: null });
    expect(normalisePokeResult(false)).toEqual({ done: false });
  });

  it("{ done, value }: the value becomes the task's result", () => {
    expect(normalisePokeResult({ done: true, value: { rows: 3 } })).toEqual({ done: true, value: { rows: 3 } });
    expect(normalisePokeResult({ done: true })).toEqual({ done: true, value: null });
    expect(normalisePokeResult({ done: false, value: 1 })).toEqual({ done: false });
  });

  it("anything else is an error that says what is expected", () => {
    for (const bad of [undefined, null, 1, "yes", {}, { done: "yes" }, [true]]) {
      expect(() => normalisePokeResult(bad)).toThrow(/a sensor's poke must return true, false or \{ done, value \}/);
    }
  });
});
