/**
 * A sensor's try spans all its pokes (docs/sensors.md): OpenLineage and trace spans see one try
 * with one start and one end, however many times it was deferred and woken in between.
 */
import { describe, expect, it } from "vitest";
import { WAIT_RESUMED_REASON } from "../../../src/core/sensor-wait.js";
import { eventType } from "../../../src/lineage/openlineage/emitter.js";
import { endsTry } from "../../../src/observability/tracing/spans.js";
import type { DagStateChange } from "../../../src/store/index.js";

let id = 0;
const change = (fromState: string | null, toState: string, reason: string | null = null): DagStateChange => ({
  id: ++id,
  runId: "r",
  dagId: "d",
  taskId: "wait_file",
  mapIndex: null,
  fromState,
  toState,
  at: new Date(0),
  reason,
});

describe("a sensor's pokes in the history", () => {
  const pokes = [
    change("queued", "running"),
    change("running", "deferred", "poke 1 found nothing; next poke in 5000ms"),
    change("deferred", "queued", "woken: its next poke is due"),
    change("queued", "running", WAIT_RESUMED_REASON),
    change("running", "success"),
  ];

  it("OpenLineage: one START and one COMPLETE", () => {
    expect(pokes.map(eventType)).toEqual(["START", undefined, undefined, undefined, "COMPLETE"]);
  });

  it("OpenLineage: a waiting sensor cancelled is aborted; a soft-failed one too; a hard timeout fails", () => {
    expect(eventType(change("deferred", "failed", "cancelled"))).toBe("ABORT");
    expect(eventType(change("running", "skipped", "the sensor timed out (softFail)"))).toBe("ABORT");
    expect(eventType(change("running", "failed", "the sensor timed out"))).toBe("FAIL");
  });

  it("traces: only the end of the wait ends the try", () => {
    expect(pokes.map(endsTry)).toEqual([false, false, false, false, true]);
    expect(endsTry(change("deferred", "failed", "cancelled"))).toBe(true);
    expect(endsTry(change("running", "failed"))).toBe(true);
  });
});
