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
 * error is reported fresh on every start. Set `TRIBUTARY_DAG_CACHE=off` to go without.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DagShape, ExportedDag } from "../dsl/dag-shape.js";

/**
 * Changes with Tributary's version and with the module that makes shapes (dag-shape.ts), so that a
 * cache never hands out shapes of another form (what the DSL puts in a graph is caught by the
 * background import).
 */
const FORMAT = `${packageVersion()}:${contentHash(readOr(new URL(`../dsl/dag-shape${extname(fileURLToPath(import.meta.url))}`, import.meta.url)))}`;

interface CacheFile {
  readonly format: string;
  readonly files: Record<string, { readonly hash: string; readonly dags: readonly ExportedDag<DagShape>[] }>;
}

export class DagShapeCache {
  readonly #path: string;
  #files: CacheFile["files"] | undefined;
  #dirty = false;

  /** The cache of the DAG folder `dir`, kept in `cacheDir` (default: `tributary-<user>/dag-shapes` in the OS temp folder). */
  constructor(dir: string, cacheDir: string = defaultCacheDir()) {
    this.#path = join(cacheDir, `${createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 32)}.json`);
  }

  /** The shapes of `file` as last imported, when its content (`hash`) is the same. */
  get(file: string, hash: string): readonly ExportedDag<DagShape>[] | undefined {
    const entry = this.#read()[file];
    return entry?.hash === hash ? entry.dags : undefined;
  }

  set(file: string, hash: string, dags: readonly ExportedDag<DagShape>[]): void {
    this.#read()[file] = { hash, dags };
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
    try {
      mkdirSync(join(this.#path, ".."), { recursive: true });
      // Written whole and renamed into place, so that a process stopped mid-write leaves the old file.
      const temporary = `${this.#path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ format: FORMAT, files: this.#read() } satisfies CacheFile));
      renameSync(temporary, this.#path);
    } catch {
      // Not cached: the next start imports the files.
    }
  }

  #read(): CacheFile["files"] {
    if (this.#files !== undefined) return this.#files;
    try {
      const stored = JSON.parse(readFileSync(this.#path, "utf8")) as Partial<CacheFile>;
      this.#files = stored.format === FORMAT && typeof stored.files === "object" && stored.files !== null ? { ...stored.files } : {};
    } catch {
      this.#files = {};
    }
    return this.#files;
  }
}

/** The cache of `dir`, or undefined when `TRIBUTARY_DAG_CACHE=off`. */
export function dagShapeCache(dir: string, env: NodeJS.ProcessEnv = process.env): DagShapeCache | undefined {
  return env["TRIBUTARY_DAG_CACHE"] === "off" ? undefined : new DagShapeCache(dir);
}

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

function readOr(url: URL): string {
  try {
    return readFileSync(url, "utf8");
  } catch {
    return "";
  }
}
