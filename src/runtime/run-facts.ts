/**
 * What one pass of a state-change consumer (the OpenLineage emitter, the trace emitter) reads
 * about runs, looked up once per pass: a batch of changes often holds many changes of one run.
 */
import type { DagGraph } from "../core/types.js";
import type { DatasetEventRecord } from "../store/index.js";
import type { DagRunRecord, StateChangeRecord, Store, TaskInstanceRecord, TaskTryRecord } from "../store/index.js";

export class RunFacts {
  readonly #store: Store;
  readonly #runs = new Map<string, Promise<DagRunRecord | undefined>>();
  readonly #graphs = new Map<string, Promise<DagGraph | undefined>>();
  readonly #histories = new Map<string, Promise<StateChangeRecord[]>>();
  readonly #instances = new Map<string, Promise<TaskInstanceRecord[]>>();
  readonly #events = new Map<string, Promise<DatasetEventRecord[]>>();

  constructor(store: Store) {
    this.#store = store;
  }

  run(runId: string): Promise<DagRunRecord | undefined> {
    return memo(this.#runs, runId, () => this.#store.getRun(runId));
  }

  graph(dagId: string): Promise<DagGraph | undefined> {
    return memo(this.#graphs, dagId, async () => (await this.#store.getDag(dagId))?.graph);
  }

  history(runId: string): Promise<StateChangeRecord[]> {
    return memo(this.#histories, runId, () => this.#store.listStateHistory(runId));
  }

  instances(runId: string): Promise<TaskInstanceRecord[]> {
    return memo(this.#instances, runId, () => this.#store.listTaskInstances(runId));
  }

  datasetEvents(runId: string): Promise<DatasetEventRecord[]> {
    return memo(this.#events, runId, () => this.#store.lineage.listDatasetEvents({ runId }));
  }

  /** The try a change of this task instance belongs to: the last one that had started by then (read afresh). */
  async tryAt(instanceId: number, at: Date): Promise<TaskTryRecord | undefined> {
    const tries = await this.#store.listTries(instanceId);
    return [...tries].reverse().find((t) => t.startedAt.getTime() <= at.getTime()) ?? tries.at(-1);
  }
}

function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = map.get(key);
  if (!value) {
    value = load();
    map.set(key, value);
  }
  return value;
}
