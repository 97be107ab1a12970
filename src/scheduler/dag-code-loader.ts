/**
 * Imports DAG files into this process for their code (RegisteredDag.code): params a schema checks,
 * an approval's form. The files asked for in one turn of the event loop load together, in one tsx
 * namespace and behind one import check (a thread of its own per file would cost about 0.7 s each).
 */
import { findDag, loadDagFilesSeparately, type LoadResult } from "../dsl/load.js";
import type { Dag } from "../dsl/types.js";

interface Waiting {
  readonly promise: Promise<LoadResult>;
  readonly resolve: (result: LoadResult) => void;
  readonly reject: (error: unknown) => void;
}

export class DagCodeLoader {
  #waiting = new Map<string, Waiting>();

  /**
   * The DAG `dagId` of `file` as the file is now, with its code. A file that no longer loads, or no
   * longer defines the DAG, rejects with its error.
   */
  async code(file: string, dagId: string): Promise<Dag> {
    const result = await this.#load(file);
    const broken = result.errors[0];
    if (broken && !result.dags.some((loaded) => loaded.dag.id === dagId)) throw broken;
    return findDag(result, dagId).dag;
  }

  #load(file: string): Promise<LoadResult> {
    const waiting = this.#waiting.get(file);
    if (waiting) return waiting.promise;
    if (this.#waiting.size === 0) setImmediate(() => void this.#flush());
    let resolve!: Waiting["resolve"];
    let reject!: Waiting["reject"];
    const promise = new Promise<LoadResult>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    this.#waiting.set(file, { promise, resolve, reject });
    return promise;
  }

  async #flush(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = new Map();
    try {
      const results = await loadDagFilesSeparately([...batch.keys()]);
      for (const [file, waiting] of batch) waiting.resolve(results.get(file) ?? { dags: [], errors: [] });
    } catch (error) {
      for (const waiting of batch.values()) waiting.reject(error);
    }
  }
}
