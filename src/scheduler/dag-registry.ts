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
import { dagShape, needsCode, type DagShape } from "../dsl/dag-shape.js";
import { evaluateDagFiles, type EvaluationResult } from "../dsl/evaluate-dag-files.js";
import { DagCodeHost } from "./dag-code-host.js";
import { hostedCode, inProcessCode, type DagCode } from "./dag-code.js";
import { contentHash, dagShapeCache, type DagShapeCache } from "./dag-shape-cache.js";
import type { LoadedDag } from "../dsl/load.js";

/** A DAG as the registry knows it (as data, see dag-shape.ts), with what the scheduler needs precomputed. */
export interface RegisteredDag {
  readonly dag: DagShape;
  readonly file: string;
  readonly schedule: ResolvedSchedule;
  readonly startDate: Date | undefined;
  readonly endDate: Date | undefined;
  /** The DAG file's source text as loaded: with the graph, the run's DAG version. */
  readonly source: string | undefined;
  /**
   * The DAG's code, for what data cannot do: params a schema checks or defaults, an approval's
   * form (dag-code.ts). A registry runs it in its DAG code thread (dag-code-host.ts), which imports
   * the file as it is at the first call, never in this thread; the registry warms it in the
   * background for each DAG that declares params or has an approval (dag-shape.ts needsCode).
   */
  readonly code: DagCode;
}

interface FileState {
  /** Modification time and size: a change to either means the file changed. */
  readonly version: string;
  readonly dags: readonly RegisteredDag[];
  readonly error: TributaryError | undefined;
}

/** Files registered from the cache, being imported again in the background (see dag-shape-cache.ts). */
interface Revalidation {
  /** Each file's version and content hash when it was registered from the cache. */
  readonly files: ReadonlyMap<string, { readonly version: string; readonly hash: string }>;
  readonly done: Promise<void>;
  results: Map<string, EvaluationResult> | undefined;
}

export interface DagRegistryOptions {
  /** Where what the files gave is kept between starts (dag-shape-cache.ts); `false`: nowhere. Default: `TRIBUTARY_DAG_CACHE`. */
  readonly cache?: DagShapeCache | false;
}

export class DagRegistry {
  readonly dir: string;
  readonly #files = new Map<string, FileState>();
  #byId = new Map<string, RegisteredDag>();
  #loading = new AbortController();
  readonly #cache: DagShapeCache | undefined;
  #revalidations: Revalidation[] = [];
  readonly #codeHost = new DagCodeHost();

  constructor(dir: string, options: DagRegistryOptions = {}) {
    this.dir = dir;
    this.#cache = options.cache === false ? undefined : (options.cache ?? dagShapeCache(dir));
  }

  /**
   * Loads what changed since the last call. Returns true when any DAG or error changed. A file
   * seen for the first time whose content the cache knows is registered from the cache and
   * imported again in the background; a later refresh applies what that import gave.
   */
  async refresh(): Promise<boolean> {
    // Taken now: a cancelLoading() while this refresh lists the folder must stop it too.
    const { signal } = this.#loading;
    let changed = this.#applyRevalidations();
    const files = await listDagFiles(this.dir);
    const present = new Set(files);
    for (const file of [...this.#files.keys()]) {
      if (!present.has(file)) {
        this.#files.delete(file);
        this.#cache?.delete(file);
        changed = true;
      }
    }
    const stale = new Map<string, string>();
    for (const file of files) {
      const version = await stat(file).then((s) => `${s.mtimeMs}:${s.size}`, () => "missing");
      const previous = this.#files.get(file);
      if (!previous || previous.version !== version) stale.set(file, version);
    }
    // Each changed file is read once: its hash keys the cache and the code loader, its text is the runs' DAG version.
    const contents = new Map<string, FileContent>();
    for (const file of stale.keys()) {
      const content = readContent(file);
      if (content !== undefined) contents.set(file, content);
    }
    const hashes = new Map([...contents].map(([file, { hash }]) => [file, hash]));
    const cached = new Map<string, EvaluationResult>();
    const cache = this.#cache?.usable(present, hashes) ? this.#cache : undefined;
    for (const [file, hash] of hashes) {
      const shapes = this.#files.has(file) ? undefined : cache?.get(file, hash);
      if (shapes) cached.set(file, { dags: shapes.map(({ dag, exportName }) => ({ dag, file, exportName })), errors: [] });
    }
    // The other changed files are imported in the import check's thread, which gives their DAGs as data.
    const toImport = [...stale.keys()].filter((file) => !cached.has(file));
    const results = toImport.length === 0 ? new Map<string, EvaluationResult>() : await evaluateDagFiles(toImport, { signal });
    // Stopped while loading: record nothing, so the next refresh loads these files again.
    if (signal.aborted) {
      if (changed) this.#rebuild();
      return changed;
    }
    for (const [file, version] of stale) {
      changed = true;
      const fromCache = cached.get(file);
      const result = fromCache ?? results.get(file) ?? { dags: [], errors: [] };
      this.#record(file, version, contents.get(file), result);
      if (!fromCache) this.#remember(file, hashes.get(file), result);
    }
    this.#cache?.save();
    if (cached.size > 0) this.#revalidate(new Map([...cached.keys()].map((file) => [file, { version: stale.get(file) ?? "", hash: hashes.get(file) ?? "" }])));
    if (changed) this.#rebuild();
    return changed;
  }

  /** Stops the DAG code thread (calls waiting on it fail); the registry starts a new one if asked again. */
  async close(): Promise<void> {
    this.cancelLoading();
    await this.#codeHost.close();
  }

  /** Resolves when the background imports of files registered from the cache have ended (a refresh then applies them). */
  async revalidated(): Promise<void> {
    await Promise.all(this.#revalidations.map((revalidation) => revalidation.done));
  }

  /** Registers what a file gave (`content`: what it was imported from). */
  #record(file: string, version: string, content: FileContent | undefined, result: EvaluationResult): void {
    const previous = this.#files.get(file);
    const error = result.errors[0];
    const dags: RegisteredDag[] = [];
    let scheduleError: TributaryError | undefined;
    for (const evaluated of result.dags) {
      try {
        dags.push(registerShape(evaluated, hostedCode(this.#codeHost, evaluated.file, evaluated.dag.id, content?.hash), content?.source));
      } catch (e) {
        scheduleError ??= e as TributaryError;
      }
    }
    // A broken file keeps its last good DAGs running.
    const failed = error ?? scheduleError;
    this.#files.set(file, { version, dags: failed && previous ? previous.dags : dags, error: failed });
    // The code of a DAG that takes params or answers from people is imported now, in the background,
    // so that the first trigger or answer does not wait for it (an error waits for that call).
    if (!failed) for (const entry of dags) if (needsCode(entry.dag)) entry.code.warm();
  }

  /** Keeps a file's shapes for the next start; a file that failed is not kept. */
  #remember(file: string, hash: string | undefined, result: EvaluationResult): void {
    if (hash !== undefined && result.errors.length === 0) {
      this.#cache?.set(file, hash, result.dags.map(({ dag, exportName }) => ({ dag, exportName })));
    } else {
      this.#cache?.delete(file);
    }
  }

  #revalidate(files: Revalidation["files"]): void {
    const { signal } = this.#loading;
    const revalidation: Revalidation = {
      files,
      results: undefined,
      // Stopped (the process is stopping) or failed: dropped, the files stay as the cache gave them.
      done: evaluateDagFiles([...files.keys()], { signal }).then(
        (results) => {
          revalidation.results = signal.aborted ? new Map() : results;
        },
        () => {
          revalidation.results = new Map();
        },
      ),
    };
    this.#revalidations.push(revalidation);
  }

  /** Applies the background imports that have ended to the files that did not change since. */
  #applyRevalidations(): boolean {
    let changed = false;
    for (const revalidation of this.#revalidations) {
      const { results } = revalidation;
      if (results === undefined) continue;
      for (const [file, { version, hash }] of revalidation.files) {
        const current = this.#files.get(file);
        const result = results.get(file);
        // Changed since it was registered (the import may have read either version): the
        // refresh that follows loads it again.
        if (current?.version !== version || result === undefined) continue;
        const content = readContent(file);
        if (content?.hash !== hash) continue;
        this.#remember(file, hash, result);
        if (sameDags(current, result)) continue;
        this.#record(file, version, content, result);
        changed = true;
      }
    }
    this.#revalidations = this.#revalidations.filter((revalidation) => revalidation.results === undefined);
    this.#cache?.save();
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
export function storedDags(entries: Iterable<RegisteredDag>): { dagId: string; file: string; graph: DagShape["graph"] }[] {
  return [...entries].map((entry) => ({ dagId: entry.dag.id, file: entry.file, graph: entry.dag.graph }));
}

/** Precomputes a loaded DAG's schedule and dates; throws a DagDefinitionError naming the field. */
export function register(loaded: LoadedDag): RegisteredDag {
  const { dag } = loaded;
  return registerShape({ dag: dagShape(dag), file: loaded.file, exportName: loaded.exportName }, inProcessCode(dag));
}

/** Precomputes an evaluated DAG's schedule and dates; throws a DagDefinitionError naming the field. */
export function registerShape(evaluated: LoadedDag<DagShape>, code: DagCode, source: string | undefined = readSource(evaluated.file)): RegisteredDag {
  const { dag, file } = evaluated;
  const { timezone } = dag.options;
  const where = { file, dagId: dag.id };
  const startDate = dag.options.startDate === undefined ? undefined : parseDateInZone(dag.options.startDate, timezone, { ...where, field: "startDate" });
  const endDate = dag.options.endDate === undefined ? undefined : parseDateInZone(dag.options.endDate, timezone, { ...where, field: "endDate" });
  const schedule = resolveSchedule(dag.options.schedule, timezone, startDate, where, dag.options.calendar);
  return { dag, file, schedule, startDate, endDate, source, code };
}

/** Whether a file's new import gave what it had registered: the same DAGs, in the same form, and no error. */
function sameDags(current: FileState, result: EvaluationResult): boolean {
  if (result.errors.length > 0 || current.error !== undefined) return false;
  return JSON.stringify(current.dags.map((entry) => entry.dag)) === JSON.stringify(result.dags.map((entry) => entry.dag));
}

interface FileContent {
  readonly source: string;
  readonly hash: string;
}

function readContent(file: string): FileContent | undefined {
  const source = readSource(file);
  return source === undefined ? undefined : { source, hash: contentHash(source) };
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
