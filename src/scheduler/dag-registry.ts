/**
 * The DAGs a long-running process knows: loaded from a folder, kept in step with it (a changed,
 * added or removed file is reloaded on the next refresh, without a restart), with the import
 * errors of the files that failed. When a file breaks, the DAGs it exported before stay loaded
 * (the last good version keeps running) and its error is reported.
 */
import { readFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import type { TributaryError } from "../core/errors.js";
import { resolveSchedule, type ResolvedSchedule } from "../core/schedule.js";
import { parseDateInZone } from "../core/calendar.js";
import { listDagFiles } from "../dsl/dag-files.js";
import { loadDagFilesSeparately, type LoadedDag, type LoadResult } from "../dsl/load.js";
import type { Dag } from "../dsl/types.js";

/** A loaded DAG with what the scheduler needs precomputed. */
export interface RegisteredDag {
  readonly dag: Dag;
  readonly file: string;
  readonly schedule: ResolvedSchedule;
  readonly startDate: Date | undefined;
  readonly endDate: Date | undefined;
  /** The DAG file's source text as loaded: with the graph, the run's DAG version. */
  readonly source: string | undefined;
}

interface FileState {
  /** Modification time and size: a change to either means the file changed. */
  readonly version: string;
  readonly dags: readonly RegisteredDag[];
  readonly error: TributaryError | undefined;
}

export class DagRegistry {
  readonly dir: string;
  readonly #files = new Map<string, FileState>();
  #byId = new Map<string, RegisteredDag>();
  #loading = new AbortController();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Loads what changed since the last call. Returns true when any DAG or error changed. */
  async refresh(): Promise<boolean> {
    // Taken now: a cancelLoading() while this refresh lists the folder must stop it too.
    const { signal } = this.#loading;
    const files = await listDagFiles(this.dir);
    let changed = false;
    const present = new Set(files);
    for (const file of [...this.#files.keys()]) {
      if (!present.has(file)) {
        this.#files.delete(file);
        changed = true;
      }
    }
    const stale = new Map<string, string>();
    for (const file of files) {
      const version = await stat(file).then((s) => `${s.mtimeMs}:${s.size}`, () => "missing");
      const previous = this.#files.get(file);
      if (!previous || previous.version !== version) stale.set(file, version);
    }
    // The changed files load together in one tsx namespace, each with results of its own.
    const results = stale.size === 0 ? new Map<string, LoadResult>() : await loadDagFilesSeparately([...stale.keys()], { signal });
    // Stopped while loading: record nothing, so the next refresh loads these files again.
    if (signal.aborted) {
      if (changed) this.#rebuild();
      return changed;
    }
    for (const [file, version] of stale) {
      const previous = this.#files.get(file);
      changed = true;
      const result = results.get(file) ?? { dags: [], errors: [] };
      const error = result.errors[0];
      const dags: RegisteredDag[] = [];
      let scheduleError: TributaryError | undefined;
      for (const loaded of result.dags) {
        try {
          dags.push(register(loaded));
        } catch (e) {
          scheduleError ??= e as TributaryError;
        }
      }
      // A broken file keeps its last good DAGs running.
      const failed = error ?? scheduleError;
      this.#files.set(file, {
        version,
        dags: failed && previous ? previous.dags : dags,
        error: failed,
      });
    }
    if (changed) this.#rebuild();
    return changed;
  }

  /**
   * Stops a refresh that waits on a DAG file's import (a process that is stopping must not wait
   * out the import timeout). Later refreshes load again.
   */
  cancelLoading(): void {
    this.#loading.abort();
    this.#loading = new AbortController();
  }

  get(dagId: string): RegisteredDag | undefined {
    return this.#byId.get(dagId);
  }

  /** Every DAG by id (the first file wins when two files define the same id). */
  all(): ReadonlyMap<string, RegisteredDag> {
    return this.#byId;
  }

  importErrors(): TributaryError[] {
    return [...this.#files.values()].flatMap((f) => (f.error ? [f.error] : []));
  }

  #rebuild(): void {
    const byId = new Map<string, RegisteredDag>();
    for (const [, state] of [...this.#files].sort(([a], [b]) => a.localeCompare(b))) {
      for (const dag of state.dags) if (!byId.has(dag.dag.id)) byId.set(dag.dag.id, dag);
    }
    this.#byId = byId;
  }
}

/** What the store records of each DAG (`store.upsertDags`). */
export function storedDags(entries: Iterable<RegisteredDag>): { dagId: string; file: string; graph: Dag["graph"] }[] {
  return [...entries].map((entry) => ({ dagId: entry.dag.id, file: entry.file, graph: entry.dag.graph }));
}

/** Precomputes a loaded DAG's schedule and dates; throws a DagDefinitionError naming the field. */
export function register(loaded: LoadedDag): RegisteredDag {
  const { dag, file } = loaded;
  const { timezone } = dag.options;
  const where = { file, dagId: dag.id };
  const startDate = dag.options.startDate === undefined ? undefined : parseDateInZone(dag.options.startDate, timezone, { ...where, field: "startDate" });
  const endDate = dag.options.endDate === undefined ? undefined : parseDateInZone(dag.options.endDate, timezone, { ...where, field: "endDate" });
  const schedule = resolveSchedule(dag.options.schedule, timezone, startDate, where, dag.options.calendar);
  return { dag, file, schedule, startDate, endDate, source: readSource(file) };
}

function readSource(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Whether a folder exists and can be listed (for a clear error before starting). */
export async function isReadableDir(dir: string): Promise<boolean> {
  return readdir(dir).then(() => true, () => false);
}
