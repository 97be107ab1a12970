// The JavaScript of dist/ without tsc: each file of src/ transpiled on its own by esbuild, which
// the compiler options allow (`isolatedModules` and `verbatimModuleSyntax` in tsconfig.json: no
// file's output depends on another's types). `npm test` builds with this and type-checks beside
// the suite (scripts/test.ts): tsc took 16 s of a slow machine's time before any test could start
// (2026-12-06), esbuild about 1 s. `npm run build` still uses tsc, which also writes the type
// declarations that the package ships. Then scripts/vendor-kysely.ts runs, as after tsc.
// Usage: node --import tsx scripts/build-js.ts
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const src = join(root, "src");
const entryPoints = readdirSync(src, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
  .map((file) => join(src, file));

await build({
  entryPoints,
  outbase: src,
  outdir: join(root, "dist"),
  bundle: false,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
