/**
 * OpenLineage run events (https://openlineage.io/spec/2-0-2/OpenLineage.json) for DAG runs and
 * task tries: START, COMPLETE, FAIL and ABORT, with input and output datasets, the nominal time
 * facet (the data interval), the parent run facet (a try's DAG run) and the error message facet.
 * Pure functions: the emitter gathers the facts, these shape them.
 */
import { dagRunUuid, datasetNaming, taskTryUuid } from "./naming.js";

export type OpenLineageEventType = "START" | "COMPLETE" | "FAIL" | "ABORT";

export const PRODUCER = "https://github.com/tributary-dev/tributary";
const SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
const FACETS = "https://openlineage.io/spec/facets";

export interface OpenLineageDataset {
  readonly namespace: string;
  readonly name: string;
  readonly facets?: Record<string, unknown>;
}

export interface OpenLineageRunEvent {
  readonly eventType: OpenLineageEventType;
  readonly eventTime: string;
  readonly producer: string;
  readonly schemaURL: string;
  readonly run: { readonly runId: string; readonly facets: Record<string, unknown> };
  readonly job: { readonly namespace: string; readonly name: string; readonly facets: Record<string, unknown> };
  readonly inputs: readonly OpenLineageDataset[];
  readonly outputs: readonly OpenLineageDataset[];
}

/** What an event says about the DAG run it concerns. */
export interface RunFacts {
  readonly runId: string;
  readonly dagId: string;
  readonly dataIntervalStart: Date;
  readonly dataIntervalEnd: Date;
}

export interface TaskTryFacts {
  readonly taskId: string;
  readonly mapIndex: number | null;
  readonly tryNumber: number;
}

export interface EventFacts {
  readonly namespace: string;
  readonly type: OpenLineageEventType;
  readonly at: Date;
  readonly run: RunFacts;
  /** Absent for an event about the DAG run itself. */
  readonly task?: TaskTryFacts;
  readonly inputs: readonly string[];
  /** Output dataset URIs, with the metadata of their dataset events when there are any. */
  readonly outputs: readonly { readonly uri: string; readonly metadata?: Readonly<Record<string, unknown>> }[];
  readonly error?: string | null;
}

const facet = (name: string, version: string) => ({ _producer: PRODUCER, _schemaURL: `${FACETS}/${version}/${name}.json#/$defs/${name}` });

export function buildRunEvent(facts: EventFacts): OpenLineageRunEvent {
  const { run, task, namespace } = facts;
  const runFacets: Record<string, unknown> = {
    nominalTime: {
      ...facet("NominalTimeRunFacet", "1-0-1"),
      nominalStartTime: run.dataIntervalStart.toISOString(),
      nominalEndTime: run.dataIntervalEnd.toISOString(),
    },
  };
  if (task) {
    runFacets["parent"] = {
      ...facet("ParentRunFacet", "1-0-1"),
      run: { runId: dagRunUuid(run.runId) },
      job: { namespace, name: run.dagId },
    };
  }
  if ((facts.type === "FAIL" || facts.type === "ABORT") && facts.error) {
    runFacets["errorMessage"] = { ...facet("ErrorMessageRunFacet", "1-0-1"), message: facts.error, programmingLanguage: "TypeScript" };
  }
  runFacets["tributary"] = {
    _producer: PRODUCER,
    _schemaURL: `${PRODUCER}/blob/main/docs/lineage.md#openlineage`,
    runId: run.runId,
    ...(task ? { taskId: task.taskId, mapIndex: task.mapIndex, tryNumber: task.tryNumber } : {}),
  };
  return {
    eventType: facts.type,
    eventTime: facts.at.toISOString(),
    producer: PRODUCER,
    schemaURL: SCHEMA_URL,
    run: { runId: task ? taskTryUuid(run.runId, task.taskId, task.mapIndex, task.tryNumber) : dagRunUuid(run.runId), facets: runFacets },
    job: {
      namespace,
      name: task ? `${run.dagId}.${task.taskId}` : run.dagId,
      facets: { jobType: { ...facet("JobTypeJobFacet", "2-0-3"), processingType: "BATCH", integration: "TRIBUTARY", jobType: task ? "TASK" : "DAG" } },
    },
    inputs: [...new Set(facts.inputs)].map((uri) => datasetNaming(uri)),
    outputs: mergeOutputs(facts.outputs),
  };
}

function mergeOutputs(outputs: EventFacts["outputs"]): OpenLineageDataset[] {
  const byUri = new Map<string, Record<string, unknown> | undefined>();
  for (const o of outputs) if (!byUri.has(o.uri) || o.metadata) byUri.set(o.uri, o.metadata as Record<string, unknown> | undefined);
  return [...byUri].map(([uri, metadata]) => {
    const naming = datasetNaming(uri);
    if (!metadata || Object.keys(metadata).length === 0) return naming;
    // The metadata of `ctx.emit(dataset, { rows })` travels as a custom dataset facet.
    return { ...naming, facets: { tributary_event: { _producer: PRODUCER, _schemaURL: `${PRODUCER}/blob/main/docs/lineage.md#openlineage`, ...metadata } } };
  });
}
