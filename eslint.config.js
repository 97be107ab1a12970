// @ts-check
import { readdirSync } from "node:fs";
import { join } from "node:path";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layers of src/, lowest first (docs/architecture.md, "Layers"). A folder imports only
 * folders of lower layers: never its own layer's other folders, never a higher one. Moving a
 * folder up or down here is a design decision; say why in docs/architecture.md.
 */
const LAYERS = [
  ["core"],
  ["dsl", "store", "access", "scaffold"],
  ["runtime", "secrets", "sensors"],
  ["alerts", "lineage", "logging", "observability"],
  // Peers: the scheduler decides what runs, workers run it; only app/ puts them together.
  ["scheduler", "worker"],
  ["app", "api", "testing"],
  ["cli"],
];
/** The public entry point (src/index.ts) sits on top, but only the library's parts are its business. */
const ENTRY_FORBIDDEN = ["api", "cli", "testing"];
/** Database drivers and the query builder: only store/ speaks SQL. */
const SQL_MODULES = "^(kysely|pg|pg-[a-z-]+|better-sqlite3)(/|$)";
/** The store's insides: outside store/, only its index.ts (the contract), open-store.ts and the dialects' open functions. */
const STORE_INTERNALS = "store/(?!index\\.js$|open-store\\.js$|(sqlite|postgres)/open-[a-z-]+\\.js$)";
/** Source files sit at most this many folders below src/ (or below ui/src/). */
const MAX_DEPTH = 3;

const up = (depth) => `(\\.\\./){${depth}}`;
const folderPattern = (depth, folders) => `^${up(depth)}(${folders.join("|")})(/|$)`;

/** One config per folder and depth: a file gets exactly one `no-restricted-imports`, so every rule for it goes in. */
function restrictions(files, patterns) {
  return {
    files,
    rules: {
      "no-restricted-imports": ["error", { patterns: patterns.map((p) => ({ regex: p.regex, message: p.message })) }],
      // Dynamic import() is not checked by no-restricted-imports (cli/main.ts and app/ load lazily).
      "no-restricted-syntax": [
        "error",
        ...patterns.map((p) => ({ selector: `ImportExpression[source.value=/${p.regex.replaceAll("/", "\\/")}/]`, message: p.message })),
      ],
    },
  };
}

const layerOf = new Map(LAYERS.flatMap((folders, layer) => folders.map((folder) => [folder, layer])));
// A folder without a layer would escape every rule below.
const unplaced = readdirSync(join(import.meta.dirname, "src"), { withFileTypes: true }).filter((e) => e.isDirectory() && !layerOf.has(e.name));
if (unplaced.length > 0) throw new Error(`eslint.config.js: give ${unplaced.map((e) => `src/${e.name}/`).join(", ")} a layer in LAYERS`);
const sqlRule = { regex: SQL_MODULES, message: "Only store/ speaks SQL: add a domain operation to the Store contract instead (docs/architecture.md, Storage)." };

const layerConfigs = [...layerOf].flatMap(([folder, layer]) => {
  const above = [...layerOf].filter(([other, l]) => other !== folder && l >= layer).map(([other]) => other);
  return Array.from({ length: MAX_DEPTH }, (_, i) => {
    const depth = i + 1;
    const files = [`src/${folder}/${"*/".repeat(i)}*.{ts,tsx}`];
    const patterns = [];
    if (above.length > 0) {
      patterns.push({
        regex: folderPattern(depth, above),
        message:
          layer === 0
            ? `${folder}/ holds pure rules: it imports nothing of ours (docs/architecture.md "Layers").`
            : `${folder}/ is in layer ${layer}: it imports only lower layers (eslint.config.js LAYERS, docs/architecture.md "Layers").`,
      });
    }
    if (folder !== "store") {
      patterns.push(sqlRule, {
        regex: `^${up(depth)}${STORE_INTERNALS}`,
        message: "Outside store/, use store/index.js (the contract), open-store.js or a dialect's open function, not the store's internals.",
      });
    }
    return restrictions(files, patterns);
  });
});

const entryConfig = restrictions(
  ["src/*.ts"],
  [
    { regex: `^\\./(${ENTRY_FORBIDDEN.join("|")})(/|$)`, message: "The public entry point exports the library, not the API server, the CLI or the test kit." },
    sqlRule,
    { regex: `^\\./${STORE_INTERNALS}`, message: "Use the Store contract, not the store's internals." },
  ],
);

/** ui/ is a browser app that talks to the server over HTTP; the only code of src/ it may import is generated API types. */
const uiConfigs = Array.from({ length: MAX_DEPTH }, (_, i) =>
  restrictions(
    [`ui/src/${"*/".repeat(i)}*.{ts,tsx}`],
    [
      { regex: `^${up(i + 2)}src/(?!api/generated/)`, message: "ui/ reaches the server over HTTP: import only generated API types (src/api/generated/) from src/." },
      sqlRule,
    ],
  ),
);

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".tributary/**", "coverage/**", "bin/**", "ui/dist/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      // Each file is checked with its nearest tsconfig.json: ui/ has its own (DOM, JSX).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...layerConfigs,
  entryConfig,
  ...uiConfigs,
);
