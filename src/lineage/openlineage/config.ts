/**
 * Where OpenLineage events go: an HTTP endpoint (e.g. Marquez's `/api/v1/lineage`), a file of JSON
 * lines, or both. Set in `tributary.config.ts` (`openlineage: { url, file, namespace, headers }`)
 * or by `TRIBUTARY_OPENLINEAGE_URL`, `TRIBUTARY_OPENLINEAGE_FILE` and
 * `TRIBUTARY_OPENLINEAGE_NAMESPACE` (the environment wins). Nothing set: no events.
 */
import { resolve } from "node:path";
import { configField, parseConfigSection } from "../../core/config-section.js";
import { InvalidInputError } from "../../core/errors.js";

export interface OpenLineageConfig {
  /** POST each event here. */
  readonly url?: string;
  /** Append each event to this file as one JSON line. */
  readonly file?: string;
  /** The OpenLineage namespace of Tributary's jobs (default `tributary`). */
  readonly namespace: string;
  /** Extra HTTP headers (e.g. `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** HTTP attempts per event before it is dropped (default 5), and the timeout of one attempt. */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
}

/** The configuration from a config file's `openlineage` section and the environment, or undefined when off. */
export function resolveOpenLineageConfig(
  section: unknown,
  env: Readonly<Record<string, string | undefined>> = process.env,
  file = "tributary.config.ts",
): OpenLineageConfig | undefined {
  const fromFile = checkSection(section, file);
  const url = env["TRIBUTARY_OPENLINEAGE_URL"] || fromFile.url;
  const path = env["TRIBUTARY_OPENLINEAGE_FILE"] || fromFile.file;
  if (!url && !path) return undefined;
  if (url !== undefined && !/^https?:\/\//.test(url)) {
    throw new InvalidInputError(`the OpenLineage URL must be http(s)://..., got "${url}"`, { file, field: "openlineage.url" });
  }
  return {
    ...(url ? { url } : {}),
    ...(path ? { file: resolve(path) } : {}),
    namespace: env["TRIBUTARY_OPENLINEAGE_NAMESPACE"] || fromFile.namespace || "tributary",
    ...(fromFile.headers ? { headers: fromFile.headers } : {}),
    ...(fromFile.maxAttempts !== undefined ? { maxAttempts: fromFile.maxAttempts } : {}),
    ...(fromFile.timeoutMs !== undefined ? { timeoutMs: fromFile.timeoutMs } : {}),
  };
}

const SECTION = {
  url: configField.text.optional(),
  file: configField.text.optional(),
  namespace: configField.text.optional(),
  headers: configField.headers.optional(),
  maxAttempts: configField.positiveInt.optional(),
  timeoutMs: configField.positiveInt.optional(),
};

function checkSection(section: unknown, file: string) {
  return parseConfigSection("openlineage", SECTION, section, file);
}
