import type { Store } from "../store/index.js";

interface Waiting {
  readonly index: number;
  readonly resolve: (item: { readonly value: unknown }) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Reads the elements mapped instances work on, one store call for the instances of one mapped
 * task that start together (a claim hands a worker up to its free slots at once), instead of
 * one each: asks made in the same turn of the event loop are answered together.
 */
export class MappedItemLoader {
  readonly #store: Store;
  /** Asks waiting for the next read, by run and task. */
  readonly #waiting = new Map<string, { readonly runId: string; readonly taskId: string; readonly asks: Waiting[] }>();
  #scheduled = false;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Element `index` of what `taskId` gives its mapped downstream (value undefined when there is none). */
  load(runId: string, taskId: string, index: number): Promise<{ readonly value: unknown }> {
    return new Promise((resolve, reject) => {
      const key = `${runId}\u0000${taskId}`;
      let entry = this.#waiting.get(key);
      if (!entry) {
        entry = { runId, taskId, asks: [] };
        this.#waiting.set(key, entry);
      }
      entry.asks.push({ index, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#readAll());
      }
    });
  }

  #readAll(): void {
    this.#scheduled = false;
    const entries = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const { runId, taskId, asks } of entries) {
      this.#store.getMappedItems(runId, taskId, asks.map((ask) => ask.index)).then(
        (items) => {
          for (const ask of asks) ask.resolve({ value: items.get(ask.index) });
        },
        (error: unknown) => {
          for (const ask of asks) ask.reject(error);
        },
      );
    }
  }
}
