/**
 * Where OpenLineage events go: an HTTP endpoint (e.g. Marquez's `/api/v1/lineage`), a file of JSON
 * lines, or both. Set in `tributary.config.ts` (`openlineage: { url, file, namespace, headers }`)
 * or by `TRIBUTARY_OPENLINEAGE_URL`, `TRIBUTARY_OPENLINEAGE_FILE` and
 * `TRIBUTARY_OPENLINEAGE_NAMESPACE` (the environment wins). Nothing set: no events.
 */
import { resolve } from "node:path";
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

interface Section {
  url?: string;
  file?: string;
  namespace?: string;
  headers?: Record<string, string>;
  maxAttempts?: number;
  timeoutMs?: number;
}

function checkSection(section: unknown, file: string): Section {
  if (section === undefined || section === null) return {};
  const at = (field: string) => ({ file, field: `openlineage.${field}` });
  if (typeof section !== "object" || Array.isArray(section)) throw new InvalidInputError("openlineage must be an object", { file, field: "openlineage" });
  const raw = section as Record<string, unknown>;
  const known = ["url", "file", "namespace", "headers", "maxAttempts", "timeoutMs"];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new InvalidInputError(`unknown openlineage setting "${key}" (known: ${known.join(", ")})`, at(key));
  }
  const out: Section = {};
  for (const key of ["url", "file", "namespace"] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") throw new InvalidInputError(`openlineage.${key} must be a non-empty string`, at(key));
    out[key] = value;
  }
  if (raw["headers"] !== undefined) {
    const headers = raw["headers"];
    if (typeof headers !== "object" || headers === null || Object.values(headers).some((v) => typeof v !== "string")) {
      throw new InvalidInputError("openlineage.headers must map header names to strings", at("headers"));
    }
    out.headers = headers as Record<string, string>;
  }
  for (const key of ["maxAttempts", "timeoutMs"] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw new InvalidInputError(`openlineage.${key} must be a positive integer`, at(key));
    out[key] = value;
  }
  return out;
}
