/**
 * Every setting of `tributary start`, `scheduler`, `worker`, `api` and `dev`, checked in one go
 * before anything happens: a typo in a flag must not surface after the store was created, tasks
 * ran and the first admin was made (exit code 2 naming the flag, and nothing done).
 */
import { existsSync, statSync } from "node:fs";
import { InvalidInputError } from "../core/errors.js";
import { resolveOpenLineageConfig, type OpenLineageConfig } from "../lineage/openlineage/config.js";
import { resolveOtlpConfig } from "../observability/tracing/config.js";
import { loadAlertConfig } from "../alerts/alert-config.js";
import { parseStoreLocation } from "../store/index.js";
import { parseTrustProxy, TRUST_PROXY_ENV, type TrustProxy } from "../api/trust-proxy.js";
import { boundedInt } from "./flags.js";
import { parseOperationsFlags, type OperationsSettings } from "./operations-flags.js";
import { loadProjectConfig, resolveLocations } from "./project-config.js";
import { DEFAULT_DB_PATH } from "./store-location.js";

/** setTimeout fires at once for delays above 2^31-1 ms: no interval may be longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1_000);

export interface ServiceFlags {
  readonly dags?: string | undefined;
  readonly db?: string | undefined;
  readonly workers?: string | undefined;
  readonly concurrency?: string | undefined;
  readonly queues?: string | undefined;
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly "base-path"?: string | undefined;
  readonly grace?: string | undefined;
  readonly "tick-ms"?: string | undefined;
  readonly "zombie-after"?: string | undefined;
  readonly "queued-timeout"?: string | undefined;
  readonly "log-format"?: string | undefined;
  readonly "log-level"?: string | undefined;
  readonly "log-retention"?: string | undefined;
  readonly "secrets-dir"?: string | undefined;
  readonly "trust-proxy"?: string | undefined;
}

export interface ServiceSettings {
  readonly dagsDir: string;
  readonly db: string | undefined;
  readonly workers: number;
  readonly queues: readonly string[] | undefined;
  readonly port: number;
  readonly host: string | undefined;
  readonly basePath: string | undefined;
  readonly graceMs: number;
  readonly tickMs: number | undefined;
  readonly zombieAfterMs: number;
  /** TRIBUTARY_LOST_TRY_RETRIES: free retries of tries lost to infrastructure (core/lost-tries.ts). */
  readonly lostTryRetries: number | undefined;
  readonly queuedTimeoutMs: number;
  readonly operations: OperationsSettings;
  readonly openLineage: OpenLineageConfig | undefined;
  readonly tracing: ReturnType<typeof resolveOtlpConfig>;
  readonly alerts: ReturnType<typeof loadAlertConfig>;
  readonly trustProxy: TrustProxy | undefined;
}

export async function resolveServiceSettings(values: ServiceFlags): Promise<ServiceSettings> {
  const { dagsDir, db } = await resolveLocations(values);
  if (!existsSync(dagsDir) || !statSync(dagsDir).isDirectory()) {
    throw new InvalidInputError(`no such DAG folder: ${dagsDir} (use --dags <dir>)`, { field: "dags" });
  }
  // Checked here, not when the store opens: opening creates files.
  parseStoreLocation(db ?? process.env["TRIBUTARY_DATABASE_URL"] ?? DEFAULT_DB_PATH);
  const workersFlag = values.workers === undefined ? "concurrency" : "workers";
  const config = await loadProjectConfig();
  return {
    dagsDir,
    db,
    workers: boundedInt(values.workers ?? values.concurrency, workersFlag, 1, 10_000) ?? 4,
    queues: parseQueues(values.queues),
    port: listenPort(values.port),
    host: parseHost(values.host),
    basePath: parseBasePath(values["base-path"]),
    graceMs: (boundedInt(values.grace, "grace", 1, MAX_SECONDS) ?? 30) * 1_000,
    tickMs: boundedInt(values["tick-ms"], "tick-ms", 1, MAX_TIMER_MS),
    zombieAfterMs: (boundedInt(values["zombie-after"], "zombie-after", 1, MAX_SECONDS) ?? 60) * 1_000,
    lostTryRetries: lostTryRetriesFromEnv(),
    queuedTimeoutMs: (boundedInt(values["queued-timeout"], "queued-timeout", 1, MAX_SECONDS) ?? 600) * 1_000,
    operations: parseOperationsFlags(values),
    openLineage: resolveOpenLineageConfig(config.openlineage, process.env, config.file),
    tracing: resolveOtlpConfig(config.otlp, process.env, config.file),
    alerts: loadAlertConfig(config.alerts, process.env, config.file),
    trustProxy: resolveTrustProxy(values["trust-proxy"], config.trustProxy, config.file),
  };
}

/** TRIBUTARY_LOST_TRY_RETRIES, a whole number from 0 (lost tries count like any other) to 1000. */
function lostTryRetriesFromEnv(): number | undefined {
  const text = process.env["TRIBUTARY_LOST_TRY_RETRIES"];
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 1_000) {
    throw new InvalidInputError(`TRIBUTARY_LOST_TRY_RETRIES must be an integer from 0 to 1000, got "${text}"`, { field: "TRIBUTARY_LOST_TRY_RETRIES" });
  }
  return n;
}

/** `--trust-proxy`, else `TRIBUTARY_TRUST_PROXY`, else the config file's `trustProxy`, else none. */
function resolveTrustProxy(flag: string | undefined, fromConfig: unknown, file: string | undefined): TrustProxy | undefined {
  if (flag !== undefined) return parseTrustProxy(flag, "trust-proxy");
  const env = process.env[TRUST_PROXY_ENV];
  if (env !== undefined && env.trim() !== "") return parseTrustProxy(env, TRUST_PROXY_ENV);
  if (fromConfig === undefined) return undefined;
  try {
    return parseTrustProxy(fromConfig, "trustProxy");
  } catch (error) {
    throw error instanceof InvalidInputError ? error.at({ file }) : error;
  }
}

function parseQueues(text: string | undefined): readonly string[] | undefined {
  if (text === undefined) return undefined;
  const queues = text.split(",").map((q) => q.trim()).filter((q) => q.length > 0);
  if (queues.length === 0) throw new InvalidInputError(`--queues must name at least one queue, got "${text}"`, { field: "queues" });
  return queues;
}

function parseHost(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[A-Za-z0-9.:[\]%_-]+$/.test(text)) throw new InvalidInputError(`--host must be a host name or an IP address, got "${text}"`, { field: "host" });
  return text;
}

function parseBasePath(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[A-Za-z0-9._~/-]*$/.test(text)) {
    throw new InvalidInputError(`--base-path may hold only letters, digits, / . _ ~ and -, got "${text}"`, { field: "base-path" });
  }
  return text;
}

/** --port, else TRIBUTARY_PORT (for platforms that hand a service its port), else 8080. */
function listenPort(flag: string | undefined): number {
  const env = process.env["TRIBUTARY_PORT"];
  if (flag === undefined && env !== undefined && env !== "") return boundedInt(env, "TRIBUTARY_PORT", 0, 65_535, "TRIBUTARY_PORT") ?? 8080;
  return boundedInt(flag, "port", 0, 65_535) ?? 8080;
}
