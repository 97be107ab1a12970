/**
 * Where trace spans go: an OTLP/HTTP receiver (an OpenTelemetry Collector, Jaeger, Tempo, ...),
 * set in `tributary.config.ts` (`otlp: { endpoint, headers }`) or by `TRIBUTARY_OTLP_ENDPOINT`
 * and `TRIBUTARY_OTLP_HEADERS` (the environment wins). Nothing set: no tracing at all.
 */
import { InvalidInputError } from "../../core/errors.js";

export interface OtlpConfig {
  /** The receiver's base URL, e.g. `http://collector:4318`; spans go to `{endpoint}/v1/traces`. */
  readonly endpoint: string;
  /** Extra HTTP headers (e.g. an API key). */
  readonly headers?: Readonly<Record<string, string>>;
  /** HTTP attempts per batch of spans before it is dropped (default 5), and the timeout of one attempt. */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
  /** Wait before the second attempt, doubling after each (default 500 ms). */
  readonly retryDelayMs?: number;
}

/** The URL spans are POSTed to: the base endpoint plus `/v1/traces`, unless it already ends so. */
export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return base.endsWith("/v1/traces") ? base : `${base}/v1/traces`;
}

/** The configuration from a config file's `otlp` section and the environment, or undefined when off. */
export function resolveOtlpConfig(
  section: unknown,
  env: Readonly<Record<string, string | undefined>> = process.env,
  file = "tributary.config.ts",
): OtlpConfig | undefined {
  const fromFile = checkSection(section, file);
  const endpoint = env["TRIBUTARY_OTLP_ENDPOINT"] || fromFile.endpoint;
  if (!endpoint) return undefined;
  if (!/^https?:\/\/[^/]/.test(endpoint)) {
    const field = env["TRIBUTARY_OTLP_ENDPOINT"] ? "TRIBUTARY_OTLP_ENDPOINT" : "otlp.endpoint";
    throw new InvalidInputError(`the OTLP endpoint must be http(s)://..., got "${endpoint}"`, { file, field });
  }
  const envHeaders = env["TRIBUTARY_OTLP_HEADERS"] ? parseHeaderList(env["TRIBUTARY_OTLP_HEADERS"], file) : undefined;
  const headers = envHeaders ?? fromFile.headers;
  return {
    endpoint,
    ...(headers ? { headers } : {}),
    ...(fromFile.maxAttempts !== undefined ? { maxAttempts: fromFile.maxAttempts } : {}),
    ...(fromFile.timeoutMs !== undefined ? { timeoutMs: fromFile.timeoutMs } : {}),
    ...(fromFile.retryDelayMs !== undefined ? { retryDelayMs: fromFile.retryDelayMs } : {}),
  };
}

/** `key=value,key2=value2`, as OpenTelemetry's `OTEL_EXPORTER_OTLP_HEADERS` (values may be %-encoded). */
function parseHeaderList(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq === -1 ? "" : part.slice(0, eq).trim();
    if (key === "") throw new InvalidInputError(`TRIBUTARY_OTLP_HEADERS must be key=value pairs separated by commas, got "${part.trim()}"`, { file, field: "TRIBUTARY_OTLP_HEADERS" });
    out[key] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

interface Section {
  endpoint?: string;
  headers?: Record<string, string>;
  maxAttempts?: number;
  timeoutMs?: number;
  retryDelayMs?: number;
}

function checkSection(section: unknown, file: string): Section {
  if (section === undefined || section === null) return {};
  const at = (field: string) => ({ file, field: `otlp.${field}` });
  if (typeof section !== "object" || Array.isArray(section)) throw new InvalidInputError("otlp must be an object", { file, field: "otlp" });
  const raw = section as Record<string, unknown>;
  const known = ["endpoint", "headers", "maxAttempts", "timeoutMs", "retryDelayMs"];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new InvalidInputError(`unknown otlp setting "${key}" (known: ${known.join(", ")})`, at(key));
  }
  const out: Section = {};
  const endpoint = raw["endpoint"];
  if (endpoint !== undefined) {
    if (typeof endpoint !== "string" || endpoint === "") throw new InvalidInputError("otlp.endpoint must be a non-empty string", at("endpoint"));
    out.endpoint = endpoint;
  }
  const headers = raw["headers"];
  if (headers !== undefined) {
    if (typeof headers !== "object" || headers === null || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== "string")) {
      throw new InvalidInputError("otlp.headers must map header names to strings", at("headers"));
    }
    out.headers = headers as Record<string, string>;
  }
  for (const key of ["maxAttempts", "timeoutMs", "retryDelayMs"] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw new InvalidInputError(`otlp.${key} must be a positive integer`, at(key));
    out[key] = value;
  }
  return out;
}
