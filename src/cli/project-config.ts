/**
 * Where a command finds the DAG folder and the store: `--dags` / `--db` flags first, then the
 * `dags` / `db` settings of a `tributary.config.ts` (or `.js`) in the current folder, then
 * `TRIBUTARY_DATABASE_URL` for the store, then the defaults `./dags` and
 * `./.tributary/tributary.db`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { InvalidInputError } from "../core/errors.js";

export interface ProjectConfig {
  /** Folder of DAG files. */
  readonly dags?: string;
  /** SQLite file path (or, later, a postgres:// URL). */
  readonly db?: string;
  /** Where OpenLineage events go: see lineage/openlineage/config.ts. */
  readonly openlineage?: unknown;
  /** Where OpenTelemetry trace spans go: see observability/tracing/config.ts. */
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
    loaded = await tsImport(pathToFileURL(file).href, import.meta.url);
  } catch (error) {
    throw new InvalidInputError(`cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  // A .ts config in a package that is not `"type": "module"` is compiled to CommonJS, so its
  // `export default` arrives one level deeper (`default.default`). A config has no `default` key.
  const config = unwrapDefault(unwrapDefault(loaded));
  if (typeof config !== "object" || config === null) {
    throw new InvalidInputError("the config file must export an object", { file });
  }
  const { dags, db } = config as Record<string, unknown>;
  if (dags !== undefined && typeof dags !== "string") throw new InvalidInputError("`dags` must be a folder path", { file, field: "dags" });
  if (db !== undefined && typeof db !== "string") throw new InvalidInputError("`db` must be a path or URL", { file, field: "db" });
  return {
    dags: dags === undefined ? undefined : resolve(cwd, dags),
    db,
    // Checked by lineage/openlineage/config.ts, which knows its settings.
    openlineage: (config as Record<string, unknown>)["openlineage"],
    // Checked by observability/tracing/config.ts.
    otlp: (config as Record<string, unknown>)["otlp"],
    alerts: (config as Record<string, unknown>)["alerts"],
    trustProxy: (config as Record<string, unknown>)["trustProxy"],
  };
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
