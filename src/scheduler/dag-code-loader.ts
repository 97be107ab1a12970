/**
 * Imports DAG files for their code in the DAG code thread (dag-code-thread.ts, for
 * RegisteredDag.code): params a schema checks or defaults, an approval's form. The files asked for
 * in one turn of the event loop load together, in one load scope (a load per file would cost about
 * 0.7 s each), and a file is loaded once per content: every DAG of it, and every registration of
 * the same text (a revalidation, a DAG registered again), shares that load (each load keeps a copy
 * of the modules it imports, about 20 MB). A file whose content is still what the registry's
 * import check saw finish is imported without another check; a file changed since goes through
 * the check's thread first, as any new file does.
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
  #waiting = new Map<string, Waiting>();
  /** The last load of each file, by the content it loaded (a failed load is not kept). */
  readonly #loaded = new Map<string, { readonly hash: string; readonly result: Promise<LoadResult> }>();

  /**
   * The DAG `dagId` of `file` as the file is now, with its code. A file that no longer loads, or no
   * longer defines the DAG, rejects with its error.
   */
  async code(file: string, dagId: string, checkedHash?: string): Promise<Dag> {
    const result = await this.#load(file, checkedHash);
    const broken = result.errors[0];
    if (broken && !result.dags.some((loaded) => loaded.dag.id === dagId)) throw broken;
    return findDag(result, dagId).dag;
  }

  #load(file: string, checkedHash: string | undefined): Promise<LoadResult> {
    const waiting = this.#waiting.get(file);
    if (waiting) return waiting.promise;
    const hash = currentHash(file);
    const loaded = this.#loaded.get(file);
    if (loaded !== undefined && loaded.hash === hash) return loaded.result;
    if (this.#waiting.size === 0) setImmediate(() => void this.#flush());
    let resolve!: Waiting["resolve"];
    let reject!: Waiting["reject"];
    const promise = new Promise<LoadResult>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    this.#waiting.set(file, { checked: hash !== undefined && hash === checkedHash, promise, resolve, reject });
    if (hash !== undefined) {
      this.#loaded.set(file, { hash, result: promise });
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
    const batch = this.#waiting;
    this.#waiting = new Map();
    const entries = [...batch];
    const checked = entries.filter(([, waiting]) => waiting.checked);
    const unchecked = entries.filter(([, waiting]) => !waiting.checked);
    await Promise.all([this.#loadBatch(checked, "none"), this.#loadBatch(unchecked, "thread")]);
  }

  async #loadBatch(batch: readonly [string, Waiting][], hangs: "none" | "thread"): Promise<void> {
    if (batch.length === 0) return;
    try {
      // Each file's callers are answered as soon as it is loaded, not when the whole batch is:
      // a call's clock (dag-code-host.ts) then runs from the last file done, not from the first.
      const waitingFor = new Map(batch);
      const results = await loadDagFilesSeparately(
        batch.map(([file]) => file),
        { hangs, onFileLoaded: (file, result) => waitingFor.get(file)?.resolve(result) },
      );
      for (const [file, waiting] of batch) waiting.resolve(results.get(file) ?? { dags: [], errors: [] });
    } catch (error) {
      for (const [, waiting] of batch) waiting.reject(error);
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
