import type { CreateRunInput } from "../store/index.js";
import type { RegisteredDag } from "./dag-registry.js";
import { scheduledRunId } from "./run-ids.js";

/**
 * The run of one data interval, as the scheduler (a due interval) and a backfill create it: its
 * id from the DAG, the kind and the logical date, with the DAG's default params.
 */
export function intervalRunInput(
  entry: RegisteredDag,
  interval: { readonly start: Date; readonly end: Date },
  kind: { readonly runType: "scheduled" | "backfill"; readonly start: boolean },
  now: Date,
  /** The run's params (run-params.ts defaultParamsOf), called once for this run. */
  params: () => Record<string, unknown>,
): CreateRunInput {
  const { dag } = entry;
  return {
    runId: scheduledRunId(dag.id, kind.runType, interval.start),
    runType: kind.runType,
    graph: dag.graph,
    logicalDate: interval.start,
    dataIntervalStart: interval.start,
    dataIntervalEnd: interval.end,
    params: params(),
    source: entry.source,
    start: kind.start,
    now,
  };
}
