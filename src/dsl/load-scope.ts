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
 *
 * Limits, both rare: two loads in flight at once in one thread share the CommonJS helpers of a
 * CommonJS project (the second load's start drops the first's); and a `data:` module a DAG file
 * imports is shared by every load (only `file:` URLs are tagged).
 */
import module, { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** The one tsx namespace a thread imports DAG files through (the import check's thread uses it too). */
export const TSX_NAMESPACE = "tributary";

/** The query parameter that gives a load's modules instances of their own. */
const LOAD_PARAM = "tributary-load";

/**
 * The URL a module resolved from `parentUrl` gets in the parent's load: `resolvedUrl` with the
 * parent's load id put first, as in the URL tsx makes of a load's own import of a file
 * (`file.ts?tributary-load=N&tsx-namespace=...`), so that a DAG file another file of the load
 * imports is the same module; undefined to keep `resolvedUrl`. Only what tsx put in the namespace
 * is tagged: what a new namespace gave new instances. Self-contained (its names passed in): it runs
 * as it is in Node's hooks thread too (`HOOK_SOURCE`).
 */
export function urlInLoad(resolvedUrl: string, parentUrl: string | undefined, loadParam: string, namespace: string): string | undefined {
  if (parentUrl === undefined || !parentUrl.startsWith("file:") || !resolvedUrl.startsWith("file:")) return undefined;
  const load = new URL(parentUrl).searchParams.get(loadParam);
  if (load === null) return undefined;
  const url = new URL(resolvedUrl);
  if (url.searchParams.get("tsx-namespace") !== namespace || url.searchParams.has(loadParam)) return undefined;
  url.search = `?${new URLSearchParams([[loadParam, load]]).toString()}&${url.search.slice(1)}`;
  return url.href;
}

// For Node's hooks thread (`module.register`): a self-contained module, registered as a data URL
// (the same from src/ and from dist/).
const HOOK_SOURCE = `
const urlInLoad = ${urlInLoad.toString()};
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const url = urlInLoad(resolved.url, context.parentURL, ${JSON.stringify(LOAD_PARAM)}, ${JSON.stringify(TSX_NAMESPACE)});
  return url === undefined ? resolved : { ...resolved, url };
}
`;

interface ResolveResult {
  readonly url: string;
}
type SyncResolve = (specifier: string, context: { readonly parentURL?: string }, nextResolve: (specifier: string, context: unknown) => ResolveResult) => ResolveResult;
/** `module.registerHooks` (Node >= 22.15), which this version's types may not declare. */
type RegisterHooks = (hooks: { readonly resolve: SyncResolve }) => unknown;

/**
 * Our hook, registered after tsx's so that it sees what tsx resolved. Where Node has in-thread
 * hooks (tsx uses them on Node >= 22.22.3 and 24.11.1), ours must be one too: in-thread hooks run
 * before every `module.register` hook, so an off-thread one would only see what Node resolved,
 * before tsx put it in the namespace.
 */
function registerLoadHook(): void {
  const registerHooks = (module as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks !== "function") {
    module.register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`);
    return;
  }
  registerHooks({
    resolve: (specifier, context, nextResolve) => {
      const resolved = nextResolve(specifier, context);
      const url = urlInLoad(resolved.url, context.parentURL, LOAD_PARAM, TSX_NAMESPACE);
      return url === undefined ? resolved : { ...resolved, url };
    },
  });
}

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
    registerLoadHook();
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

  /**
   * A file's URL in this load. The import check's thread imports it so too: tsx writes the URL into
   * a file it compiles to CommonJS and keys its compile cache by the code, so the process's import
   * then finds the file compiled.
   */
  urlOf(file: string): string {
    const url = new URL(pathToFileURL(file));
    url.searchParams.set(LOAD_PARAM, String(this.#id));
    return url.href;
  }

  /** Imports a file (an absolute path) in this load's scope; `parentURL` is the importer's URL. */
  async import(file: string, parentURL: string): Promise<unknown> {
    this.#started ??= registered().then((scopedImport) => {
      forgetNamespacedCommonJs();
      return scopedImport;
    });
    return (await this.#started)(this.urlOf(file), parentURL);
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
