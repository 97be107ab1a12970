/**
 * The DAG files a task process has loaded. Loading (importing, compiling TypeScript, validating)
 * is the expensive part of starting a try, so each file is loaded once per process and loaded
 * again only when its modification time changes. (Modules a DAG file imports are not watched:
 * changing only them needs new processes.)
 *
 * The modification time is read synchronously: a try reads it before it starts, and `statSync` of a
 * local file costs about 2 µs where the promise's round trip through libuv's thread pool costs
 * 15-35 µs of CPU, a fifth of a no-op try's cost in its task process.
 */
import { statSync } from "node:fs";
import type { Dag, TaskDefinition } from "../dsl/types.js";
import type { LoadResult } from "../dsl/load.js";
import { loadDagFile, loadDagFilesSeparately } from "../dsl/load.js";

interface CachedFile {
  readonly mtimeMs: number;
  readonly loading: Promise<LoadResult>;
}

export interface FoundTask {
  readonly dag: Dag;
  readonly definition: TaskDefinition;
}

/** The DAG or task a request names is not in its file (as loaded by this process). */
export class TaskLookupError extends Error {
  override readonly name = "TaskLookupError";
}

export class DagFileCache {
  readonly #files = new Map<string, CachedFile>();
  /** Checks in progress, so that two callers (a preload and a try) never load one file twice. */
  readonly #checking = new Map<string, Promise<LoadResult>>();

  load(file: string): Promise<LoadResult> {
    const inFlight = this.#checking.get(file);
    if (inFlight) return inFlight;
    const checking = this.#load(file).finally(() => this.#checking.delete(file));
    this.#checking.set(file, checking);
    return checking;
  }

  async #load(file: string): Promise<LoadResult> {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch (error) {
      throw new TaskLookupError(`cannot read DAG file ${file}: ${(error as Error).message}`);
    }
    const cached = this.#files.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.loading;
    const loading = loadDagFile(file, { hangs: "none" }).then((result) => keepLastGood(result, cached?.loading));
    this.#files.set(file, { mtimeMs, loading });
    // A file with errors stays cached too: loading again would give the same errors, and every load
    // keeps its modules in memory for good. Changing the file (its mtime) loads it again.
    return loading.catch((error: unknown) => {
      this.#files.delete(file);
      throw error;
    });
  }

  /**
   * Loads the files not loaded yet (or changed) together, in one load scope: loading each on
   * its own would compile and instantiate the DSL once per file. Errors stay with their files.
   */
  async preload(files: readonly string[]): Promise<void> {
    const fresh: [string, number][] = [];
    for (const file of new Set(files)) {
      if (this.#checking.has(file)) continue;
      const mtimeMs = mtimeOf(file);
      // A file that cannot be read is reported by the try that needs it.
      if (mtimeMs === undefined || this.#files.get(file)?.mtimeMs === mtimeMs) continue;
      fresh.push([file, mtimeMs]);
    }
    if (fresh.length === 0) return;
    const all = loadDagFilesSeparately(fresh.map(([file]) => file), { hangs: "none" });
    for (const [file, mtimeMs] of fresh) {
      const previous = this.#files.get(file)?.loading;
      this.#files.set(file, { mtimeMs, loading: all.then((results) => keepLastGood(results.get(file) ?? { dags: [], errors: [] }, previous)) });
    }
    await all;
  }

  async find(file: string, dagId: string, taskId: string): Promise<FoundTask> {
    const { dags, errors } = await this.load(file);
    const found = dags.find((entry) => entry.dag.id === dagId);
    if (!found) {
      const problems = errors.map((error) => `\n  ${error.describe()}`).join("");
      const known = dags.map((entry) => entry.dag.id).join(", ") || "none";
      throw new TaskLookupError(`DAG "${dagId}" is not in ${file} (DAGs found: ${known})${problems}`);
    }
    const definition = found.dag.definitions.get(taskId);
    if (!definition) {
      const known = [...found.dag.definitions.keys()].join(", ");
      throw new TaskLookupError(`task "${taskId}" is not in DAG "${dagId}" (${file}); its tasks: ${known}`);
    }
    return { dag: found.dag, definition };
  }
}

/**
 * A file that broke (its new version fails to load) keeps running its last good DAGs in this
 * process too, as the scheduler's registry does: tries of the version the scheduler still runs
 * must find their code while someone fixes the file.
 */
async function keepLastGood(result: LoadResult, previous: Promise<LoadResult> | undefined): Promise<LoadResult> {
  if (result.errors.length === 0 || previous === undefined) return result;
  const last = await previous.catch(() => undefined);
  return last !== undefined && last.dags.length > 0 ? last : result;
}

/** The file's modification time, or undefined when it cannot be read. */
function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
