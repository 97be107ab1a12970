/**
 * Fresh module instances for every load of DAG files, with module hooks registered once per thread.
 *
 * A load must give new instances of a file and of the modules it imports, so that a file loaded
 * again after it changed gives its new version. tsx can do that with a namespace per load, but on
 * Node 20 each namespace is one more `module.register`, and Node keeps every registered hook for
 * good and runs each import through all of them: the 200th load of a long-lived process (a
 * service reloading changed files, a task process, a test runner) cost twice the first.
 *
 * So each thread registers one tsx namespace (`TSX_NAMESPACE`) and one small hook of its own. A
 * load imports its files with a `tributary-load=<id>` query parameter, and the hook passes that
 * parameter on to every module the file imports in the namespace: a new id is a new set of module
 * URLs, so new instances, exactly as a new tsx namespace gave. CommonJS modules (a TypeScript DAG
 * file outside an ES module package is compiled to CommonJS) are keyed by tsx without the query;
 * a load that starts forgets the namespace's CommonJS entries instead (`forgetNamespacedCommonJs`).
 */
import module, { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** The one tsx namespace a thread imports DAG files through (the import check's thread uses it too). */
export const TSX_NAMESPACE = "tributary";

/** The query parameter that gives a load's modules instances of their own. */
const LOAD_PARAM = "tributary-load";

// The hook runs in Node's hooks thread, so it is a self-contained module, registered as a data URL
// (the same from src/ and from dist/). It is registered after tsx's, so it sees what tsx resolved.
const HOOK_SOURCE = `
const LOAD_PARAM = ${JSON.stringify(LOAD_PARAM)};
const NAMESPACE = ${JSON.stringify(TSX_NAMESPACE)};
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const parent = context.parentURL;
  if (parent === undefined || !parent.startsWith("file:") || !resolved.url.startsWith("file:")) return resolved;
  const load = new URL(parent).searchParams.get(LOAD_PARAM);
  if (load === null) return resolved;
  const url = new URL(resolved.url);
  // Only what tsx put in the namespace, which is what a new namespace would have given new instances.
  if (url.searchParams.get("tsx-namespace") !== NAMESPACE || url.searchParams.has(LOAD_PARAM)) return resolved;
  url.searchParams.set(LOAD_PARAM, load);
  return { ...resolved, url: url.href };
}
`;

type ScopedImport = (specifier: string, parentURL: string) => Promise<unknown>;

const REGISTERED = Symbol.for("tributary.dagLoadHooks");
const LOAD_COUNT = Symbol.for("tributary.dagLoadCount");

/**
 * tsx and the hook, registered on this thread's first DAG load. tsx itself is imported then too:
 * a process that never imports DAG code (a scheduler working from DAG shapes, most commands) does
 * not pay the ~100 ms and the memory it costs. Kept on `globalThis`, so that two copies of this
 * module in one thread (src and dist) register once.
 */
function registered(): Promise<ScopedImport> {
  const holder = globalThis as { [REGISTERED]?: Promise<ScopedImport> };
  holder[REGISTERED] ??= Promise.all([import("tsx/cjs/api"), import("tsx/esm/api")]).then(([cjs, esm]) => {
    // The CommonJS hooks matter for DAG files outside a `"type": "module"` package: tsx compiles
    // those to CommonJS, whose `require`s must also map `.js` to `.ts`.
    cjs.register({ namespace: TSX_NAMESPACE });
    const { import: scopedImport } = esm.register({ namespace: TSX_NAMESPACE });
    module.register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`);
    return scopedImport;
  });
  return holder[REGISTERED];
}

/**
 * A new load id, new within this thread: counted on `globalThis`, so that two copies of this module
 * never hand out the same one.
 */
function nextLoadId(): number {
  const counter = globalThis as { [LOAD_COUNT]?: number };
  counter[LOAD_COUNT] = (counter[LOAD_COUNT] ?? 0) + 1;
  return counter[LOAD_COUNT];
}

/** One load's module instances: files imported through the same scope share them. */
export class LoadScope {
  readonly #id = nextLoadId();
  #started: Promise<ScopedImport> | undefined;

  /** Imports a file (an absolute path) in this load's scope; `parentURL` is the importer's URL. */
  async import(file: string, parentURL: string): Promise<unknown> {
    this.#started ??= registered().then((scopedImport) => {
      forgetNamespacedCommonJs();
      return scopedImport;
    });
    const url = new URL(pathToFileURL(file));
    url.searchParams.set(LOAD_PARAM, String(this.#id));
    return (await this.#started)(url.href, parentURL);
  }
}

/**
 * tsx keys CommonJS modules of a namespace as `file?namespace=...`: without this, a helper module
 * that a CommonJS DAG file requires would keep its first version. Only those namespaced entries
 * are dropped; modules already loaded keep working, as their importers hold them.
 */
function forgetNamespacedCommonJs(): void {
  const cache = createRequire(import.meta.url).cache;
  for (const key of Object.keys(cache)) {
    if (key.includes("?namespace=")) delete cache[key];
  }
}
