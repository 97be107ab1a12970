import { randomUUID } from "node:crypto";
import type { RunType } from "../core/types.js";

/**
 * Run ids are unique across DAGs and say what a run is:
 * `daily_sales__scheduled__2024-03-01T05:00:00.000Z`. Scheduled and backfill runs are unique per
 * logical date, so their id is too; manual and event runs get a random suffix.
 */
export function scheduledRunId(dagId: string, runType: "scheduled" | "backfill", logicalDate: Date): string {
  return `${dagId}__${runType}__${logicalDate.toISOString()}`;
}

export function triggeredRunId(dagId: string, runType: Exclude<RunType, "scheduled" | "backfill">, logicalDate: Date): string {
  return `${dagId}__${runType}__${logicalDate.toISOString()}__${randomUUID().slice(0, 8)}`;
}
