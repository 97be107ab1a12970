/**
 * Imports DAG files for their code in the DAG code thread (dag-code-thread.ts, for
 * RegisteredDag.code): params a schema checks or defaults, an approval's form. The files asked for
 * in one turn of the event loop load together, in one load scope (a load per file would cost about
 * 0.7 s each), and a file is loaded once per content: every DAG of it, and every registration of
 * the same text (a revalidation, a DAG registered again), shares that load (each load keeps a copy
 * of the modules it imports, about 20 MB). A file whose content is still what the registry's
 * import check saw finish is imported without another check; a file changed since goes through
 * the check's thread first, as any new file does.
 *
 * Each file's callers are answered as soon as it is loaded, and the loader tells its owner, by
 * the batch's number, each time a file of a batch is done (`onProgress`), and in which batch each
 * call waits (`code`'s `joined`): the DAG code host (dag-code-host.ts) then counts a call's time
 * from the last file of its own batch done, not from when the batch began.
 */
import { readFileSync } from "node:fs";
import { findDag, loadDagFilesSeparately, type LoadResult } from "../dsl/load.js";
import type { Dag } from "../dsl/types.js";
import { contentHash } from "./dag-shape-cache.js";

interface Waiting {
  /** Whether the file's content is still what the import check saw finish. */
  readonly checked: boolean;
  readonly promise: Promise<LoadResult>;
  readonly resolve: (result: LoadResult) => void;
  readonly reject: (error: unknown) => void;
}

export class DagCodeLoader {
  readonly #onProgress: ((batch: number) => void) | undefined;
  #waiting = new Map<string, Waiting>();
  /** The number of the batch the files asked for now (`#waiting`) load in. */
  #nextBatch = 1;
  /** The last load of each file, by the content it loaded (a failed load is not kept), with its batch. */
  readonly #loaded = new Map<string, { readonly hash: string; readonly result: Promise<LoadResult>; readonly batch: number }>();

  constructor(options: { readonly onProgress?: (batch: number) => void } = {}) {
    this.#onProgress = options.onProgress;
  }

  /**
   * The DAG `dagId` of `file` as the file is now, with its code. A file that no longer loads, or no
   * longer defines the DAG, rejects with its error. `joined` is told the batch the call waits
   * for, if it waits for one.
   */
  async code(file: string, dagId: string, checkedHash?: string, joined?: (batch: number) => void): Promise<Dag> {
    const result = await this.#load(file, checkedHash, joined);
    const broken = result.errors[0];
    if (broken && !result.dags.some((loaded) => loaded.dag.id === dagId)) throw broken;
    return findDag(result, dagId).dag;
  }

  #load(file: string, checkedHash: string | undefined, joined: ((batch: number) => void) | undefined): Promise<LoadResult> {
    const waiting = this.#waiting.get(file);
    if (waiting) {
      joined?.(this.#nextBatch);
      return waiting.promise;
    }
    const hash = currentHash(file);
    const loaded = this.#loaded.get(file);
    if (loaded !== undefined && loaded.hash === hash) {
      // (Loading still, or loaded: told either way; a batch's number is never reused.)
      joined?.(loaded.batch);
      return loaded.result;
    }
    if (this.#waiting.size === 0) setImmediate(() => void this.#flush());
    const batch = this.#nextBatch;
    joined?.(batch);
    let resolve!: Waiting["resolve"];
    let reject!: Waiting["reject"];
    const promise = new Promise<LoadResult>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    this.#waiting.set(file, { checked: hash !== undefined && hash === checkedHash, promise, resolve, reject });
    if (hash !== undefined) {
      this.#loaded.set(file, { hash, result: promise, batch });
      promise.then(
        (result) => {
          if (result.errors.length > 0) this.#forget(file, promise);
        },
        () => this.#forget(file, promise),
      );
    }
    return promise;
  }

  #forget(file: string, result: Promise<LoadResult>): void {
    if (this.#loaded.get(file)?.result === result) this.#loaded.delete(file);
  }

  async #flush(): Promise<void> {
    const entries = [...this.#waiting];
    this.#waiting = new Map();
    const batch = this.#nextBatch++;
    const checked = entries.filter(([, waiting]) => waiting.checked);
    const unchecked = entries.filter(([, waiting]) => !waiting.checked);
    await Promise.all([this.#loadBatch(batch, checked, "none"), this.#loadBatch(batch, unchecked, "thread")]);
  }

  /** Loads files of batch number `batch` (its checked or its unchecked ones). */
  async #loadBatch(batch: number, files: readonly [string, Waiting][], hangs: "none" | "thread"): Promise<void> {
    if (files.length === 0) return;
    try {
      // Each file's callers are answered as soon as it is loaded, not when the whole batch is.
      const waitingFor = new Map(files);
      const results = await loadDagFilesSeparately(
        files.map(([file]) => file),
        {
          hangs,
          onFileLoaded: (file, result) => {
            waitingFor.get(file)?.resolve(result);
            this.#onProgress?.(batch);
          },
        },
      );
      for (const [file, waiting] of files) waiting.resolve(results.get(file) ?? { dags: [], errors: [] });
    } catch (error) {
      for (const [, waiting] of files) waiting.reject(error);
    }
  }
}

function currentHash(file: string): string | undefined {
  try {
    return contentHash(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}
