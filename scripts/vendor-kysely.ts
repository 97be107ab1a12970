// Bundles kysely into one module, dist/vendor/kysely.js, and points the compiled code's imports
// of "kysely" at it (`npm run build` runs this after tsc). Kysely is some 260 ES modules; every
// command that opens a store loaded and linked each one, about 0.1 s of its start. The bundle is
// the same code (kysely's own ES build, not minified), with kysely's licence at its top. The
// type declarations keep importing "kysely", which stays a dependency.
// Usage: node --import tsx scripts/vendor-kysely.ts
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const dist = join(root, "dist");
const bundle = join(dist, "vendor", "kysely.js");
// Kysely's ES build, as an import of "kysely" resolves (its package.json is not exported).
const entry = fileURLToPath(import.meta.resolve("kysely"));
const packageDir = resolve(dirname(entry), "..", "..");
const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string };
const licence = readFileSync(join(packageDir, "LICENSE"), "utf8").trim();
// The bundle is the kysely that runs: it must be the version package.json pins (an override or
// an upgrade in node_modules alone would otherwise change the types but not the code).
const pinned = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["kysely"];
if (pinned !== version) throw new Error(`node_modules has kysely ${version}, package.json pins ${String(pinned)}: run npm ci`);

await build({
  entryPoints: [entry],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: bundle,
  legalComments: "none",
  banner: { js: `/*!\n * kysely ${version}, bundled by scripts/vendor-kysely.ts\n *\n${licence.split("\n").map((line) => ` * ${line}`.trimEnd()).join("\n")}\n */` },
  logLevel: "warning",
});

/** Every compiled module under dist, but the bundle itself. */
function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === dirname(bundle) ? [] : modules(path);
    return entry.name.endsWith(".js") ? [path] : [];
  });
}

// tsc writes each import as `from "kysely";` (type-only imports are gone from the .js). Any
// other reference to the package (single quotes, a subpath) would load a second copy: an error.
const IMPORT = /(\bfrom\s*|\bimport\s*\(\s*)"kysely"/g;
const ANY_REFERENCE = /["']kysely(\/[^"']*)?["']/;
let rewritten = 0;
let pointing = 0;
for (const file of modules(dist)) {
  const text = readFileSync(file, "utf8");
  // (A second run finds them done.)
  if (text.includes('/vendor/kysely.js"')) pointing++;
  if (!ANY_REFERENCE.test(text)) continue;
  let target = relative(dirname(file), bundle).split(sep).join("/");
  if (!target.startsWith(".")) target = `./${target}`;
  const next = text.replace(IMPORT, (_match, prefix: string) => `${prefix}"${target}"`);
  if (ANY_REFERENCE.test(next)) throw new Error(`${relative(root, file)} refers to "kysely" in a way this script does not rewrite`);
  writeFileSync(file, next);
  rewritten++;
}
if (rewritten === 0 && pointing === 0) throw new Error("no compiled module imports kysely: is dist built?");
console.log(`kysely ${version} bundled into ${relative(root, bundle)}; ${rewritten} modules now point at it`);
