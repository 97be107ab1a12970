/**
 * Where a command finds the DAG folder and the store: `--dags` / `--db` flags first, then the
 * `dags` / `db` settings of a `tributary.config.ts` (or `.js`) in the current folder, then
 * `TRIBUTARY_DATABASE_URL` for the store, then the defaults `./dags` and
 * `./.tributary/tributary.db`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidInputError } from "../core/errors.js";

export interface ProjectConfig {
  /** The config file these settings came from (undefined: there is none). */
  readonly file?: string;
  /** Folder of DAG files. */
  readonly dags?: string;
  /** SQLite file path or postgres:// URL. */
  readonly db?: string;
  /** Where OpenLineage events go: checked by lineage/openlineage/config.ts. */
  readonly openlineage?: unknown;
  /** Where OpenTelemetry trace spans go: checked by observability/tracing/config.ts. */
  readonly otlp?: unknown;
  /** Global alert settings: checked by alerts/alert-config.ts. */
  readonly alerts?: unknown;
  /** Which proxies the API believes about client addresses: checked by api/trust-proxy.ts. */
  readonly trustProxy?: unknown;
}

const CONFIG_FILES = ["tributary.config.ts", "tributary.config.mts", "tributary.config.js", "tributary.config.mjs"];

export async function loadProjectConfig(cwd = process.cwd()): Promise<ProjectConfig> {
  const file = CONFIG_FILES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  if (!file) return {};
  let loaded: unknown;
  try {
    // tsx only when there is a config file: it costs every command about 60 ms to load.
    const { tsImport } = await import("tsx/esm/api");
    loaded = await tsImport(pathToFileURL(file).href, import.meta.url);
  } catch (error) {
    throw new InvalidInputError(`cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  // A .ts config in a package that is not `"type": "module"` is compiled to CommonJS, so its
  // `export default` arrives one level deeper (`default.default`). A config has no `default` key.
  // zod only when there is a config file too (project-config-settings.ts).
  const { parseProjectSettings } = await import("./project-config-settings.js");
  const config = parseProjectSettings(unwrapDefault(unwrapDefault(loaded)), file);
  return { ...config, file, dags: config.dags === undefined ? undefined : resolve(cwd, config.dags) };
}

function unwrapDefault(value: unknown): unknown {
  return typeof value === "object" && value !== null && "default" in value ? (value as { default: unknown }).default : value;
}

export async function resolveLocations(flags: { dags?: string; db?: string }): Promise<{ dagsDir: string; db: string | undefined }> {
  const config = await loadProjectConfig();
  return {
    dagsDir: resolve(flags.dags ?? config.dags ?? "dags"),
    db: flags.db ?? config.db,
  };
}
