/**
 * The module a task process, a task thread or the DAG code thread starts from: the one of the
 * same build as the module that starts it. From `dist/` that is plain JavaScript. From source
 * (`.ts`, under tsx or a test runner) it is the `.ts` file, which then runs through tsx: about
 * 470 ms of CPU to start a task process against 150 ms from `dist/` (measured 2026-12-07), paid
 * by every task process the test suite's services start.
 *
 * `TRIBUTARY_BUILT_ENTRIES=1` (what `npm test` sets, right after it has built `dist/`): from
 * source, start the same module of `dist/` instead, where it exists. Only for a `dist/` built from
 * the same source: a stale one would run other code than the tests read.
 */
import { existsSync } from "node:fs";
import { basename, dirname, extname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

export interface EntryModule {
  /** The file to start. */
  readonly path: string;
  /** It is TypeScript: whatever starts it registers tsx first. */
  readonly typescript: boolean;
}

/** `name` (without extension) beside `importMetaUrl`, the starting module's own URL. */
export function entryModule(importMetaUrl: string, name: string, env: NodeJS.ProcessEnv = process.env): EntryModule {
  const here = fileURLToPath(importMetaUrl);
  const typescript = extname(here) === ".ts";
  const path = join(dirname(here), `${name}${extname(here)}`);
  if (!typescript || env["TRIBUTARY_BUILT_ENTRIES"] !== "1") return { path, typescript };
  const built = builtTwin(path);
  return built !== undefined && existsSync(built) ? { path: built, typescript: false } : { path, typescript };
}

/** `<root>/src/a/b.ts` → `<root>/dist/a/b.js` (the last `src` folder of the path). */
function builtTwin(path: string): string | undefined {
  const marker = `${sep}src${sep}`;
  const at = path.lastIndexOf(marker);
  if (at === -1) return undefined;
  const relative = path.slice(at + marker.length);
  return join(path.slice(0, at), "dist", dirname(relative), `${basename(relative, ".ts")}.js`);
}
