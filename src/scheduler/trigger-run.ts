/**
 * Creating a run by hand or by an event (CLI `trigger`, API, events): validates the params
 * against the DAG's schema (an unknown name is an error), finds the data interval, records the
 * DAG, and creates the run `queued` for the scheduler to start. One implementation for every caller.
 */
import type { DagRunRecord, Store } from "../store/index.js";
import type { RegisteredDag } from "./dag-registry.js";
import { manualDataInterval } from "./manual-interval.js";
import { runParams } from "./run-params.js";
import { triggeredRunId } from "./run-ids.js";

export interface TriggerRunInput {
  readonly runType: "manual" | "event";
  /** Params as given (strings from the CLI are coerced by the DAG's schema where it allows). */
  readonly params: Readonly<Record<string, unknown>>;
  /** A day (`2024-03-01`) or an ISO timestamp; default now. */
  readonly logicalDate?: string | undefined;
  readonly now: Date;
}

export async function triggerRun(store: Store, entry: RegisteredDag, input: TriggerRunInput): Promise<DagRunRecord> {
  const { dag } = entry;
  const params = await runParams(entry, input.params);
  const interval = manualDataInterval(entry.schedule, input.logicalDate, dag.options.timezone, input.now);
  await store.upsertDag({ dagId: dag.id, file: entry.file, graph: dag.graph, now: input.now });
  const { run } = await store.createRun({
    runId: triggeredRunId(dag.id, input.runType, interval.start),
    runType: input.runType,
    graph: dag.graph,
    logicalDate: interval.start,
    dataIntervalStart: interval.start,
    dataIntervalEnd: interval.end,
    params,
    source: entry.source,
    start: false,
    now: input.now,
  });
  return run;
}
