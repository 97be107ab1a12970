/**
 * Where trace spans go: an OTLP/HTTP receiver (an OpenTelemetry Collector, Jaeger, Tempo, ...),
 * set in `tributary.config.ts` (`otlp: { endpoint, headers }`) or by `TRIBUTARY_OTLP_ENDPOINT`
 * and `TRIBUTARY_OTLP_HEADERS` (the environment wins). Nothing set: no tracing at all.
 */
import { configField, parseConfigSection } from "../../core/config-section.js";
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

const SECTION = {
  endpoint: configField.text.optional(),
  headers: configField.headers.optional(),
  maxAttempts: configField.positiveInt.optional(),
  timeoutMs: configField.positiveInt.optional(),
  retryDelayMs: configField.positiveInt.optional(),
};

function checkSection(section: unknown, file: string) {
  return parseConfigSection("otlp", SECTION, section, file);
}
