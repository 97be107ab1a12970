/**
 * Loads DAG files without a build step: TypeScript is compiled on import by tsx.
 *
 * Each load imports its files in a fresh tsx namespace, which gives them (and the modules they
 * import) new module instances: loading a file again after it changed gives the new version. The
 * price is that every load keeps its modules in memory (ES modules cannot be unloaded), so a
 * long-running process should reload only files that changed. The namespace's hooks are left
 * registered so that a task may still `import()` TypeScript lazily, at run time.
 *
 * A file that fails (throws, does not compile, breaks a DAG rule) is an error for that file
 * alone; the other files still load. DAGs are recognised by their `DAG_BRAND` symbol rather than
 * by class, because a DAG file may build them with another copy of Tributary.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DagDefinitionError, DagImportError, DagNotFoundError, type TributaryError } from "../core/errors.js";
import { collectDags } from "./dag-exports.js";
import { adoptError } from "./adopt-error.js";
import { DagImportCheck } from "./import-check.js";
import { ImportWatch } from "./import-watch.js";
import { listDagFiles } from "./dag-files.js";
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
  const shared = new SharedNamespace();
  const session = new LoadSession(shared, importCheck([path], options, shared), importWatch(options));
  try {
    await session.load(path);
  } finally {
    session.close();
  }
  return session.result();
}

/**
 * Loads several files in one tsx namespace, so the DSL and any helpers they share are compiled
 * and instantiated once for all of them (a namespace per file costs about 0.3 s and 1 MB each),
 * yet gives each file a result of its own: a file that fails is an error for that file alone, and
 * a DAG id is checked for duplicates within its file only, as `loadDagFile` does.
 */
export async function loadDagFilesSeparately(files: readonly string[], options: LoadOptions = {}): Promise<Map<string, LoadResult>> {
  const shared = new SharedNamespace();
  const check = importCheck(files.map((file) => resolve(file)), options, shared);
  const watch = importWatch(options);
  const results = new Map<string, LoadResult>();
  try {
    await importInOrder(files, importWidth(watch), async (file) => {
      const session = new LoadSession(shared, check, watch);
      const imported = await session.import(resolve(file));
      return () => {
        session.record(imported);
        results.set(file, session.result());
      };
    });
  } finally {
    watch?.close();
  }
  return results;
}

/**
 * Loads every DAG file in a folder (see dag-files.ts for which files count). A folder that cannot
 * be read throws an `InvalidInputError`; a file that cannot be loaded is reported in `errors`.
 */
export async function loadDagFolder(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const files = await listDagFiles(dir);
  const watch = importWatch(options);
  const shared = new SharedNamespace();
  const session = new LoadSession(shared, importCheck(files, options, shared), watch);
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

/**
 * Imports up to `width` files at once and hands each file's result to the function its import
 * returned, in the files' order: what a load records (which file defined a DAG id first) never
 * depends on which import finished first.
 */
async function importInOrder(files: readonly string[], width: number, importFile: (file: string) => Promise<() => void>): Promise<void> {
  const started: Promise<() => void>[] = [];
  const startNext = () => {
    const file = files[started.length];
    if (file !== undefined) started.push(importFile(file));
  };
  for (let i = 0; i < width; i++) startNext();
  for (let i = 0; i < files.length; i++) {
    const record = await started[i];
    startNext();
    record?.();
  }
}

function importCheck(files: readonly string[], options: LoadOptions, namespace: SharedNamespace): DagImportCheck | undefined {
  if ((options.hangs ?? "thread") !== "thread" || files.length === 0) return undefined;
  return new DagImportCheck(files, { signal: options.signal, namespace: namespace.name });
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

type ScopedImport = (specifier: string, parentURL: string) => Promise<unknown>;

/** A tsx namespace, named now and started on first use. */
class SharedNamespace {
  readonly name = nextNamespaceName();
  #import: ScopedImport | undefined;

  get import(): ScopedImport {
    this.#import ??= startNamespace(this.name);
    return this.#import;
  }
}

type ImportedFile =
  | { readonly file: string; readonly exports: Readonly<Record<string, unknown>> }
  | { readonly file: string; readonly error: TributaryError };

/** One load's DAGs and errors. Its files share one tsx namespace, so a DAG re-exported by another file is the same object. */
class LoadSession {
  readonly #dags: LoadedDag[] = [];
  readonly #errors: TributaryError[] = [];
  /** By the object the DAG file exported, to skip re-exports of a DAG already loaded. */
  readonly #seen = new Set<object>();
  readonly #fileOfId = new Map<string, string>();
  readonly #namespace: SharedNamespace;
  readonly #check: DagImportCheck | undefined;
  readonly #watch: ImportWatch | undefined;

  constructor(namespace: SharedNamespace, check: DagImportCheck | undefined, watch: ImportWatch | undefined) {
    this.#namespace = namespace;
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
      const load = () => this.#namespace.import(pathToFileURL(file).href, import.meta.url);
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

/**
 * A fresh tsx namespace. The CommonJS hooks matter for DAG files outside a `"type": "module"`
 * package: tsx compiles those to CommonJS, whose `require`s must also map `.js` to `.ts`.
 */
function startNamespace(namespace: string): ScopedImport {
  const started = loadTsx().then(([cjs, esm]) => {
    forgetNamespacedCommonJs();
    cjs.register({ namespace });
    return esm.register({ namespace }).import;
  });
  return async (specifier, parentURL) => (await started)(specifier, parentURL);
}

/**
 * tsx, imported on the first DAG file load: a process that never imports DAG code (a scheduler
 * working from DAG shapes, most commands) does not pay the ~100 ms and the memory it costs.
 */
const importTsx = () => Promise.all([import("tsx/cjs/api"), import("tsx/esm/api")]);
let tsx: ReturnType<typeof importTsx> | undefined;
const loadTsx = () => (tsx ??= importTsx());

const NAMESPACE_COUNT = Symbol.for("tributary.dagLoadNamespaces");

/**
 * Namespace names need only be new within this process, so they are counted (`tributary-1`, `-2`...)
 * rather than random: tsx writes a file compiled to CommonJS with its namespace in the code, and its
 * transform cache is keyed by that code, so with random names no compile was ever reused (and every
 * start left one more cache entry per file in the OS temp folder). Counted, a process's first load
 * (a service's start, a task process's) finds what the previous process compiled. The count lives
 * on `globalThis` so that two copies of this module in one process (src and dist) never share a name.
 */
export function nextNamespaceName(): string {
  const counter = globalThis as { [NAMESPACE_COUNT]?: number };
  counter[NAMESPACE_COUNT] = (counter[NAMESPACE_COUNT] ?? 0) + 1;
  return `tributary-${counter[NAMESPACE_COUNT]}`;
}

/**
 * tsx keys CommonJS modules of a namespace as `file?namespace=...`, and a `require` in a new
 * namespace still finds the entry of an older one: without this, a helper module that a
 * CommonJS DAG file requires would keep its first version. Only those namespaced entries are
 * dropped; modules already loaded keep working, as their importers hold them.
 */
function forgetNamespacedCommonJs(): void {
  const cache = createRequire(import.meta.url).cache;
  for (const key of Object.keys(cache)) {
    if (key.includes("?namespace=")) delete cache[key];
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
