import type { Store } from "../store/index.js";

interface Waiting {
  readonly runId: string;
  readonly taskIds: readonly string[];
  readonly resolve: (results: Map<string, unknown>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Reads the upstream results of the tries a worker starts together, whichever runs they belong
 * to, in one store call (getTaskResultsOfRuns) instead of one each (issue 17: a backfill's worker
 * starts tries of many runs at once, and each read was a statement, a round trip on PostgreSQL):
 * asks made in the same turn of the event loop are answered together, as mapped-item-loader.ts
 * does for mapped elements. Each ask gets a map of its own, parsed for it alone (a task may change
 * its inputs).
 */
export class TaskResultsLoader {
  readonly #store: Store;
  #waiting: Waiting[] = [];

  constructor(store: Store) {
    this.#store = store;
  }

  /** The results of `taskIds` in run `runId`, as store.getTaskResults gives them. */
  load(runId: string, taskIds: readonly string[]): Promise<Map<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ runId, taskIds, resolve, reject });
      if (this.#waiting.length === 1) setImmediate(() => this.#readAll());
    });
  }

  #readAll(): void {
    const asks = this.#waiting;
    this.#waiting = [];
    // (Called in a promise: a store that throws at once rejects the asks too.)
    Promise.resolve(asks.map(({ runId, taskIds }) => ({ runId, taskIds }))).then((list) => this.#store.getTaskResultsOfRuns(list)).then(
      (results) => {
        // A value parsed once goes to its first asker; later askers of the same result get copies.
        const handedOut = new Set<string>();
        for (const ask of asks) {
          const own = new Map<string, unknown>();
          const ofRun = results.get(ask.runId);
          for (const taskId of ask.taskIds) {
            if (ofRun?.has(taskId) !== true) continue;
            const key = `${ask.runId}\u0000${taskId}`;
            own.set(taskId, handedOut.has(key) ? structuredClone(ofRun.get(taskId)) : ofRun.get(taskId));
            handedOut.add(key);
          }
          ask.resolve(own);
        }
      },
      (error: unknown) => {
        for (const ask of asks) ask.reject(error);
      },
    );
  }
}
