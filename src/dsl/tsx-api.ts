/**
 * tsx's APIs as a worker thread imports them to load TypeScript (the DAG import check, task
 * threads): its ES module API, resolved as an import would (its CommonJS build cannot register
 * hooks from a worker thread), and its CommonJS API. Under a runner without `import.meta.resolve`,
 * the same files by their package paths.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

export const TSX_API = ((): { readonly tsxEsm: string; readonly tsxCjs: string } => {
  const require = createRequire(import.meta.url);
  const tsxCjs = pathToFileURL(require.resolve("tsx/cjs/api")).href;
  if (typeof import.meta.resolve === "function") return { tsxEsm: import.meta.resolve("tsx/esm/api"), tsxCjs };
  return { tsxEsm: pathToFileURL(require.resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href, tsxCjs };
})();
