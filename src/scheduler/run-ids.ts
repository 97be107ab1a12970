import { randomUUID } from "node:crypto";
import type { RunType } from "../core/types.js";

/**
 * Run ids say what a run is: `scheduled__2024-03-01T05:00:00.000Z`. Scheduled and backfill runs
 * are unique per logical date, so their id is too; manual and event runs get a random suffix.
 */
export function scheduledRunId(runType: "scheduled" | "backfill", logicalDate: Date): string {
  return `${runType}__${logicalDate.toISOString()}`;
}

export function triggeredRunId(runType: Exclude<RunType, "scheduled" | "backfill">, logicalDate: Date): string {
  return `${runType}__${logicalDate.toISOString()}__${randomUUID().slice(0, 8)}`;
}
