/**
 * The datasets a DAG's schedule waits for, in the serialisable form the store keeps with the DAG
 * (`DagGraph.datasetSchedule`): what the scheduler's dataset triggers and the lineage graph read.
 */
import type { DatasetSchedule } from "../core/types.js";
import type { Schedule } from "./types.js";

export function datasetScheduleOf(schedule: Schedule): DatasetSchedule | undefined {
  if (schedule === null || typeof schedule !== "object") return undefined;
  if (Array.isArray(schedule)) return { uris: [...new Set(schedule.map((d) => d.uri))], when: "all" };
  if ("datasets" in schedule) return { uris: [...new Set(schedule.datasets.map((d) => d.uri))], when: schedule.when ?? "all" };
  return undefined;
}
