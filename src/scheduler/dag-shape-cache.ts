/**
 * What a DAG folder's files gave when they were last imported, kept between starts: each file's
 * DAG shapes (dag-shape.ts) under the hash of its content. A restarted service registers a file
 * whose content is unchanged from here at once, as Airflow's scheduler starts from its serialized
 * DAGs, and imports it again in the background (DagRegistry): a file's DAGs can depend on more
 * than its own text (modules it imports, the environment), so the cache only ever stands in for
 * the seconds an import of the whole folder takes.
 *
 * One JSON file per folder, in the OS temp folder beside tsx's compile cache, read once at start
 * and written after each load that imported files. A file that failed to load is not kept: its
 * error is reported fresh on every start. The cache is not used at all when the environment
 * differs from the one its entries were made in, or when a module of the folder that defines no
 * DAG (a helper) changed. Set `TRIBUTARY_DAG_CACHE=off` to go without.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { ExportedDag } from "../dsl/dag-exports.js";
import type { DagShape } from "../dsl/dag-shape.js";

/**
 * Changes with Tributary's version and with the code that makes shapes (dsl/ and core/ of this
 * copy), so that a cache never hands out shapes of another form.
 */
const FORMAT = `${packageVersion()}:${sourceHash([new URL("../dsl/", import.meta.url), new URL("../core/", import.meta.url)])}`;

interface CacheEntry {
  readonly hash: string;
  readonly dags: readonly ExportedDag<DagShape>[];
}

interface CacheFile {
  readonly format: string;
  /** The environment the entries were made in (a hash): DAG files may read it. */
  readonly env: string;
  readonly files: Record<string, CacheEntry>;
}

export class DagShapeCache {
  readonly #path: string;
  readonly #env: string;
  #files: Record<string, CacheEntry> | undefined;
  #dirty = false;

  /**
   * The cache of the DAG folder `dir`, kept in `cacheDir` (default: `tributary-<uid>/dag-shapes`
   * in the OS temp folder), for processes with the environment `env`.
   */
  constructor(dir: string, cacheDir: string = defaultCacheDir(), env: NodeJS.ProcessEnv = process.env) {
    this.#path = join(cacheDir, `${createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 32)}.json`);
    this.#env = contentHash(JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  }

  /**
   * Whether the entries may stand in for imports now. Not when a module of the folder that defines
   * no DAG (a helper the DAG files import) changed or went (`hashes`: the content of the files
   * listed now, where known), since the DAG files that import it may give other DAGs.
   */
  usable(present: ReadonlySet<string>, hashes: ReadonlyMap<string, string>): boolean {
    for (const [file, entry] of Object.entries(this.#read())) {
      if (entry.dags.length > 0) continue;
      if (!present.has(file)) return false;
      const hash = hashes.get(file);
      if (hash !== undefined && hash !== entry.hash) return false;
    }
    return true;
  }

  /** The shapes of `file` as last imported, when its content (`hash`) is the same. */
  get(file: string, hash: string): readonly ExportedDag<DagShape>[] | undefined {
    const entry = this.#read()[file];
    return entry?.hash === hash ? entry.dags : undefined;
  }

  set(file: string, hash: string, dags: readonly ExportedDag<DagShape>[]): void {
    const files = this.#read();
    const entry = { hash, dags };
    if (JSON.stringify(files[file]) === JSON.stringify(entry)) return;
    files[file] = entry;
    this.#dirty = true;
  }

  delete(file: string): void {
    const files = this.#read();
    if (!(file in files)) return;
    delete files[file];
    this.#dirty = true;
  }

  /** Writes what changed since the last save. A cache that cannot be written is only a slower next start. */
  save(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    // Written whole and renamed into place, so that a process stopped mid-write leaves the old file.
    const temporary = `${this.#path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      // Only this user may write it: a planted entry would stand in for a DAG file.
      mkdirSync(dirname(this.#path), { recursive: true, mode: 0o700 });
      writeFileSync(temporary, JSON.stringify({ format: FORMAT, env: this.#env, files: this.#read() } satisfies CacheFile), { mode: 0o600 });
      renameSync(temporary, this.#path);
    } catch {
      rmSync(temporary, { force: true });
    }
  }

  #read(): Record<string, CacheEntry> {
    if (this.#files !== undefined) return this.#files;
    this.#files = {};
    try {
      const stored = JSON.parse(readFileSync(this.#path, "utf8")) as Partial<CacheFile>;
      if (stored.format !== FORMAT || stored.env !== this.#env || typeof stored.files !== "object" || stored.files === null) return this.#files;
      // An entry of another form (a hand-edited or damaged file) is a miss, never a crash.
      for (const [file, entry] of Object.entries(stored.files)) if (isEntry(entry)) this.#files[file] = entry;
    } catch {
      // No cache yet, or not readable: every file is imported.
    }
    return this.#files;
  }
}

function isEntry(value: unknown): value is CacheEntry {
  const entry = value as Partial<CacheEntry> | null;
  return (
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.hash === "string" &&
    Array.isArray(entry.dags) &&
    entry.dags.every((found: Partial<ExportedDag<Partial<DagShape>>> | null) => {
      const dag = found?.dag;
      return typeof found?.exportName === "string" && typeof dag?.id === "string" && typeof dag.options === "object" && Array.isArray(dag.graph?.tasks);
    })
  );
}

/** The cache of `dir`, or undefined when `TRIBUTARY_DAG_CACHE` is `off` (or `0`, `false`, `no`). */
export function dagShapeCache(dir: string, env: NodeJS.ProcessEnv = process.env): DagShapeCache | undefined {
  return OFF.has((env["TRIBUTARY_DAG_CACHE"] ?? "").toLowerCase()) ? undefined : new DagShapeCache(dir, undefined, env);
}

const OFF = new Set(["off", "0", "false", "no"]);

/** A file's content hash, the cache's key. */
export function contentHash(source: string): string {
  return createHash("sha256").update(source).digest("hex");
}

function defaultCacheDir(): string {
  let user: string;
  try {
    user = String(userInfo().uid >= 0 ? userInfo().uid : userInfo().username);
  } catch {
    user = "user";
  }
  return join(tmpdir(), `tributary-${user}`, "dag-shapes");
}

function packageVersion(): string {
  try {
    return (JSON.parse(readOr(new URL("../../package.json", import.meta.url))) as { version?: string }).version ?? "";
  } catch {
    return "";
  }
}

/** A hash of the source files directly in these folders. */
function sourceHash(folders: readonly URL[]): string {
  const hash = createHash("sha256");
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      continue;
    }
    for (const name of names) if (/\.[cm]?[jt]s$/.test(name)) hash.update(name).update(readOr(new URL(name, folder)));
  }
  return hash.digest("hex");
}

function readOr(url: URL): string {
  try {
    return readFileSync(url, "utf8");
  } catch {
    return "";
  }
}
