/**
 * Imports DAG files into this process for their code (RegisteredDag.code): params a schema checks
 * or defaults, an approval's form. The files asked for in one turn of the event loop load together,
 * in one tsx namespace (a load per file would cost about 0.7 s each). A file whose content is still
 * what the registry's import check saw finish is imported without another check; a file changed
 * since goes through the check's thread first, as any new file does.
 */
import { readFileSync } from "node:fs";
import { findDag, loadDagFilesSeparately, type LoadResult } from "../dsl/load.js";
import type { Dag } from "../dsl/types.js";
import { contentHash } from "./dag-shape-cache.js";

interface Waiting {
  /** The content hash the import check saw finish, if known. */
  readonly checkedHash: string | undefined;
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
  async code(file: string, dagId: string, checkedHash?: string): Promise<Dag> {
    const result = await this.#load(file, checkedHash);
    const broken = result.errors[0];
    if (broken && !result.dags.some((loaded) => loaded.dag.id === dagId)) throw broken;
    return findDag(result, dagId).dag;
  }

  #load(file: string, checkedHash: string | undefined): Promise<LoadResult> {
    const waiting = this.#waiting.get(file);
    if (waiting) return waiting.promise;
    if (this.#waiting.size === 0) setImmediate(() => void this.#flush());
    let resolve!: Waiting["resolve"];
    let reject!: Waiting["reject"];
    const promise = new Promise<LoadResult>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    this.#waiting.set(file, { checkedHash, promise, resolve, reject });
    return promise;
  }

  async #flush(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = new Map();
    const checked = [...batch].filter(([file, waiting]) => waiting.checkedHash !== undefined && waiting.checkedHash === currentHash(file));
    const unchecked = [...batch].filter((entry) => !checked.includes(entry));
    await Promise.all([this.#loadBatch(checked, "none"), this.#loadBatch(unchecked, "thread")]);
  }

  async #loadBatch(batch: readonly [string, Waiting][], hangs: "none" | "thread"): Promise<void> {
    if (batch.length === 0) return;
    try {
      const results = await loadDagFilesSeparately(
        batch.map(([file]) => file),
        { hangs },
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
