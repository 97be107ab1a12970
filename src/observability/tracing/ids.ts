/**
 * Trace and span ids computed from what they describe rather than drawn at random, so that a
 * restart, a second scheduler or a replay of the history gives a run's spans the same ids again
 * (a receiver then sees one trace per run, however often it was reported).
 *
 * - trace: one per DAG run, from its run id;
 * - run span: one per execution of the run (a cleared run runs again: execution 2, 3, ...);
 * - try span: one per task try, from the try's id in the store.
 */
import { createHash } from "node:crypto";

/** 32 hex digits (16 bytes). */
export function traceIdOf(runId: string): string {
  return digest(`tributary/trace/${runId}`, 32);
}

/** 16 hex digits (8 bytes). */
export function runSpanIdOf(runId: string, execution: number): string {
  return digest(`tributary/run/${runId}/${execution}`, 16);
}

/** 16 hex digits (8 bytes). */
export function trySpanIdOf(runId: string, tryId: number): string {
  return digest(`tributary/try/${runId}/${tryId}`, 16);
}

function digest(text: string, hexDigits: number): string {
  const hex = createHash("sha256").update(text).digest("hex").slice(0, hexDigits);
  // An all-zero id is invalid in OpenTelemetry; a sha256 prefix is never that in practice, but be exact.
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}
