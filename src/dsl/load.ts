/**
 * Loads DAG files without a build step: TypeScript is compiled on import by tsx.
 *
 * Each load imports its files in a scope of its own (load-scope.ts), which gives them (and the
 * modules they import) new module instances: loading a file again after it changed gives the new
 * version. The price is that every load keeps its modules in memory (ES modules cannot be
 * unloaded), so a long-running process should reload only files that changed. The module hooks
 * stay registered so that a task may still `import()` TypeScript lazily, at run time.
 *
 * A file that fails (throws, does not compile, breaks a DAG rule) is an error for that file
 * alone; the other files still load. DAGs are recognised by their `DAG_BRAND` symbol rather than
 * by class, because a DAG file may build them with another copy of Tributary.
 */
import { resolve } from "node:path";
import { DagDefinitionError, DagImportError, DagNotFoundError, type TributaryError } from "../core/errors.js";
import { collectDags } from "./dag-exports.js";
import { adoptError } from "./adopt-error.js";
import { DagImportCheck } from "./import-check.js";
import { ImportWatch } from "./import-watch.js";
import { listDagFiles } from "./dag-files.js";
import { LoadScope } from "./load-scope.js";
import type { Dag } from "./types.js";

/** A DAG a load found: with its code (`Dag`), or as data (`DagShape`, evaluate-dag-files.ts). */
export interface LoadedDag<D = Dag> {
  readonly dag: D;
  /** Absolute path of the file that exports the DAG. */
  readonly file: string;
  /** `"default"` or the name of the export. */
  readonly exportName: string;
}

export interface LoadResult<D = Dag> {
  readonly dags: readonly LoadedDag<D>[];
  /** One error per file that failed to load, with `location.file` set; the DAGs of other files are still in `dags`. */
  readonly errors: readonly TributaryError[];
}

export interface LoadOptions {
  /**
   * How a file that hangs at import is caught, so that it is an error rather than a stalled process:
   * - `"thread"` (default): each file is first imported in a worker thread (import-check.ts); the
   *   process goes on whatever a file does. For services and `tributary dags check`.
   * - `"watch"`: imported straight away and watched (import-watch.ts); about half the start-up of
   *   `"thread"`, but a file that loops ends the process. For one-shot commands.
   * - `"none"`: task processes, which only load files their scheduler already loaded.
   */
  readonly hangs?: "thread" | "watch" | "none";
  /** Stops the import check: files not yet imported become errors (see DagImportCheck). */
  readonly signal?: AbortSignal;
}

/** Loads the DAGs that one file exports. */
export async function loadDagFile(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const path = resolve(file);
  const scope = new LoadScope();
  const session = new LoadSession(scope, importCheck([path], options, scope), importWatch(options));
  try {
    await session.load(path);
  } finally {
    session.close();
  }
  return session.result();
}

/**
 * Loads several files in one scope, so the DSL and any helpers they share are compiled and
 * instantiated once for all of them (a scope per file costs about 0.3 s and 1 MB each),
 * yet gives each file a result of its own: a file that fails is an error for that file alone, and
 * a DAG id is checked for duplicates within its file only, as `loadDagFile` does.
 */
export async function loadDagFilesSeparately(
  files: readonly string[],
  options: LoadOptions & {
    /**
     * Told each file's result as soon as its import ends, before the load ends: files have a
     * session each, so one that never finishes holds up no other.
     */
    readonly onFileLoaded?: (file: string, result: LoadResult) => void;
  } = {},
): Promise<Map<string, LoadResult>> {
  const scope = new LoadScope();
  const check = importCheck(files.map((file) => resolve(file)), options, scope);
  const watch = importWatch(options);
  const loaded = new Map<string, LoadResult>();
  try {
    await eachAtOnce(files, importWidth(watch), async (file) => {
      const session = new LoadSession(scope, check, watch);
      session.record(await session.import(resolve(file)));
      const result = session.result();
      loaded.set(file, result);
      options.onFileLoaded?.(file, result);
    });
  } finally {
    watch?.close();
  }
  // In the files' order, whatever order they finished in.
  return new Map(files.flatMap((file) => {
    const result = loaded.get(file);
    return result === undefined ? [] : [[file, result] as const];
  }));
}

/**
 * Loads every DAG file in a folder (see dag-files.ts for which files count). A folder that cannot
 * be read throws an `InvalidInputError`; a file that cannot be loaded is reported in `errors`.
 */
export async function loadDagFolder(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const files = await listDagFiles(dir);
  const watch = importWatch(options);
  const scope = new LoadScope();
  const session = new LoadSession(scope, importCheck(files, options, scope), watch);
  try {
    await importInOrder(files, importWidth(watch), async (file) => {
      const imported = await session.import(file);
      return () => session.record(imported);
    });
  } finally {
    session.close();
  }
  return session.result();
}

/**
 * How many files are imported at once. One at a time, the process mostly waits: tsx's hooks run
 * in a thread of their own, and each import is a round of messages with it (3,000 files: 6.1 s one
 * at a time, 4.2 s sixteen at a time). A watched import goes alone, so that the watchdog can name
 * the file that keeps the process busy.
 */
const IMPORT_WIDTH = 16;

function importWidth(watch: ImportWatch | undefined): number {
  return watch ? 1 : IMPORT_WIDTH;
}

/** Runs `work` for each file, up to `width` at once, starting the next as soon as one ends. */
async function eachAtOnce(files: readonly string[], width: number, work: (file: string, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      await work(files[index] as string, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, files.length) }, lane));
}

/**
 * Imports up to `width` files at once and hands each file's result to the function its import
 * returned, in the files' order: what a load records (which file defined a DAG id first) never
 * depends on which import finished first.
 */
async function importInOrder(files: readonly string[], width: number, importFile: (file: string) => Promise<() => void>): Promise<void> {
  const records: (() => void)[] = [];
  let recorded = 0;
  await eachAtOnce(files, width, async (file, index) => {
    records[index] = await importFile(file);
    for (let record = records[recorded]; record !== undefined; record = records[recorded]) {
      recorded++;
      record();
    }
  });
}

function importCheck(files: readonly string[], options: LoadOptions, scope: LoadScope): DagImportCheck | undefined {
  if ((options.hangs ?? "thread") !== "thread" || files.length === 0) return undefined;
  return new DagImportCheck(files, { signal: options.signal, scope });
}

function importWatch(options: LoadOptions): ImportWatch | undefined {
  return options.hangs === "watch" ? new ImportWatch() : undefined;
}

/** The DAG with this id, or a `DagNotFoundError` listing the ids that were loaded. */
export function findDag(result: LoadResult, dagId: string): LoadedDag {
  const found = result.dags.find((loaded) => loaded.dag.id === dagId);
  if (found) return found;
  const known = result.dags.map((loaded) => loaded.dag.id).join(", ") || "none";
  throw new DagNotFoundError(`no DAG "${dagId}"; known DAGs: ${known}`, { dagId });
}

type ImportedFile =
  | { readonly file: string; readonly exports: Readonly<Record<string, unknown>> }
  | { readonly file: string; readonly error: TributaryError };

/** One load's DAGs and errors. Its files share one scope, so a DAG re-exported by another file is the same object. */
class LoadSession {
  readonly #dags: LoadedDag[] = [];
  readonly #errors: TributaryError[] = [];
  /** By the object the DAG file exported, to skip re-exports of a DAG already loaded. */
  readonly #seen = new Set<object>();
  readonly #fileOfId = new Map<string, string>();
  readonly #scope: LoadScope;
  readonly #check: DagImportCheck | undefined;
  readonly #watch: ImportWatch | undefined;

  constructor(scope: LoadScope, check: DagImportCheck | undefined, watch: ImportWatch | undefined) {
    this.#scope = scope;
    this.#check = check;
    this.#watch = watch;
  }

  async load(file: string): Promise<void> {
    this.record(await this.import(file));
  }

  /** Imports the file (once the import check let it through); never rejects. Several may run at once. */
  async import(file: string): Promise<ImportedFile> {
    const hung = await this.#check?.verdict(file);
    if (hung) return { file, error: hung };
    try {
      const load = () => this.#scope.import(file, import.meta.url);
      return { file, exports: (await (this.#watch ? this.#watch.import(file, load) : load())) as Record<string, unknown> };
    } catch (error) {
      return { file, error: fileError(error, file) };
    }
  }

  /** Records an imported file's DAGs (or its error); called in the files' order. */
  record(imported: ImportedFile): void {
    const { file } = imported;
    if (!("exports" in imported)) {
      this.#errors.push(imported.error);
      return;
    }
    const { dags, errors } = collectDags(imported.exports, file, this.#fileOfId, this.#seen);
    this.#errors.push(...errors);
    for (const { dag, exportName } of dags) this.#dags.push({ dag: adoptDag(dag), file, exportName });
  }

  result(): LoadResult {
    return { dags: [...this.#dags], errors: [...this.#errors] };
  }

  close(): void {
    this.#watch?.close();
  }
}

/** An error thrown while importing `file`, as a Tributary error naming the file. */
export function fileError(error: unknown, file: string): TributaryError {
  const adopted = adoptError(error, { file });
  if (adopted instanceof DagDefinitionError) return adopted;
  const message = adopted instanceof Error ? adopted.message : String(adopted);
  return new DagImportError(message, file, { cause: error });
}

/** The DAG with `parseParams` throwing this copy's error classes (see adopt-error.ts). */
function adoptDag(dag: Dag): Dag {
  const parse = dag.parseParams;
  return Object.freeze({
    ...dag,
    parseParams: (raw: Readonly<Record<string, unknown>>) => {
      try {
        return parse(raw);
      } catch (error) {
        throw adoptError(error);
      }
    },
  });
}
