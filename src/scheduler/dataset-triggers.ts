/**
 * Data-aware schedules (docs/architecture.md §4): a DAG with `schedule: [a, b]` runs once every listed dataset
 * has a new event since the events that triggered its last run (`{ datasets, when: "any" }`: once
 * any has). All the pending events are consumed by one run, which records them. Idempotent across
 * schedulers: an event triggers a DAG at most once (a unique key in the store), so when two
 * schedulers decide at once, one run is created.
 */
import type { ResolvedSchedule } from "../core/schedule.js";

import type { DatasetEventRecord } from "../store/index.js";
import type { DagRunRecord, Store } from "../store/index.js";
import type { RegisteredDag } from "./dag-registry.js";
import { defaultParamsOf } from "./run-params.js";

type DatasetsSchedule = Extract<ResolvedSchedule, { kind: "datasets" }>;

/** The events that make a DAG due now, or undefined while it is waiting. */
export function triggeringEvents(schedule: DatasetsSchedule, pending: readonly DatasetEventRecord[]): DatasetEventRecord[] | undefined {
  const listed = new Set(schedule.uris);
  const events = pending.filter((e) => listed.has(e.uri));
  const updated = new Set(events.map((e) => e.uri));
  const due = schedule.when === "any" ? updated.size > 0 : schedule.uris.every((uri) => updated.has(uri));
  return due ? events : undefined;
}

/** Creates the DAG's dataset-triggered run if it is due; resolves to the run created, if any. */
export async function createDatasetTriggeredRun(
  store: Store,
  entry: RegisteredDag,
  schedule: DatasetsSchedule,
  now: Date,
): Promise<DagRunRecord | undefined> {
  const { dag } = entry;
  const pending = await store.lineage.pendingTriggerEvents({ dagId: dag.id, uris: schedule.uris });
  const events = triggeringEvents(schedule, pending);
  if (events === undefined || events.length === 0) return undefined;
  const times = events.map((e) => e.at.getTime());
  const first = new Date(Math.min(...times));
  const last = new Date(Math.max(...times));
  const lastId = Math.max(...events.map((e) => e.id));
  const result = await store.lineage.createTriggeredRun({
    // The same events give the same id, so two schedulers deciding at once collide on it.
    runId: `${dag.id}__event__${last.toISOString()}__e${lastId}`,
    runType: "event",
    graph: dag.graph,
    // The run covers the span of the events that triggered it.
    logicalDate: last,
    dataIntervalStart: first,
    dataIntervalEnd: last,
    params: (await defaultParamsOf(entry, 1))(),
    start: false,
    now,
    eventIds: events.map((e) => e.id),
  });
  return result.created ? result.run : undefined;
}
