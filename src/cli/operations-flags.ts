/**
 * The flags `start`, `scheduler` and `worker` share for logging and secrets: `--log-format`,
 * `--log-level`, `--log-retention` and `--secrets-dir` (docs/logging.md, docs/secrets.md).
 */
import { parseDuration } from "../core/duration.js";
import { InvalidInputError } from "../core/errors.js";
import { resolveLogFormat, resolveLogLevel, type LogFormat } from "../logging/logger.js";
import type { LogLevel } from "../logging/log-fields.js";
import type { Store } from "../store/index.js";

export const OPERATIONS_FLAGS = {
  "log-format": { type: "string" },
  "log-level": { type: "string" },
  "log-retention": { type: "string" },
  "secrets-dir": { type: "string" },
} as const;

export const OPERATIONS_USAGE = `
Logs: --log-format text|json (default text, or TRIBUTARY_LOG_FORMAT), --log-level debug|info|warn|error,
--log-retention 30d (delete task logs of tries that ended longer ago; scheduler role; default keep).
Secrets: --secrets-dir <dir> (one file per secret, or TRIBUTARY_SECRETS_DIR); stored secrets need
TRIBUTARY_SECRET_KEY (or TRIBUTARY_SECRET_KEY_FILE), without which a worker refuses to start (exit code 2).
Tasks get PATH, HOME, locale, TZ, proxies and NODE_OPTIONS of the environment, plus the variables
named in TRIBUTARY_TASK_ENV (e.g. "AWS_PROFILE, PG*"); never TRIBUTARY_* (docs/secrets.md).`;

export interface OperationsSettings {
  readonly logging: { readonly format: LogFormat; readonly level: LogLevel };
  readonly logRetentionMs: number | undefined;
  readonly secretsDir: string | undefined;
}

export function parseOperationsFlags(values: {
  readonly "log-format"?: string | undefined;
  readonly "log-level"?: string | undefined;
  readonly "log-retention"?: string | undefined;
  readonly "secrets-dir"?: string | undefined;
}): OperationsSettings {
  const retention = values["log-retention"];
  const logRetentionMs = retention === undefined ? undefined : parseDuration(retention, { field: "log-retention" });
  if (logRetentionMs === 0) throw new InvalidInputError("--log-retention must be longer than 0 (leave it out to keep every log)", { field: "log-retention" });
  return {
    logging: { format: resolveLogFormat(values["log-format"]), level: resolveLogLevel(values["log-level"]) },
    logRetentionMs,
    secretsDir: values["secrets-dir"],
  };
}

export function roleName(roles: { readonly scheduler: boolean; readonly worker: boolean }): string {
  return roles.scheduler && roles.worker ? "start" : roles.scheduler ? "scheduler" : roles.worker ? "worker" : "api";
}

/** For a start-up check that fails after the store was opened: close it, then fail. */
export function closeAndThrow(store: Store): (error: unknown) => Promise<never> {
  return async (error: unknown) => {
    await store.close();
    throw error;
  };
}
