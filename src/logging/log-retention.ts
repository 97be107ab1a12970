/**
 * Task log retention (`--log-retention 30d`): a loop that deletes the log lines of tries that
 * ended longer ago than the retention. It runs with the scheduler role; several schedulers
 * deleting the same old lines is harmless.
 */
import type { Store } from "../store/index.js";
import { ServiceLoop } from "../runtime/service-loop.js";
import type { LogFn } from "./log-fields.js";

export interface LogRetentionOptions {
  readonly store: Store;
  readonly retentionMs: number;
  /** How often to clean up (default: a tenth of the retention, between one minute and one hour). */
  readonly intervalMs?: number;
  readonly now?: () => Date;
  readonly log?: LogFn;
  readonly onError: (error: unknown) => void;
}

export function createLogRetentionLoop(options: LogRetentionOptions): ServiceLoop {
  const intervalMs = options.intervalMs ?? Math.min(3_600_000, Math.max(60_000, Math.floor(options.retentionMs / 10)));
  const now = options.now ?? (() => new Date());
  return new ServiceLoop(async () => {
    const cutoff = new Date(now().getTime() - options.retentionMs);
    const deleted = await options.store.deleteTaskLogsBefore(cutoff);
    if (deleted > 0) {
      options.log?.(`log retention: deleted ${deleted} task log line(s) of tries that ended before ${cutoff.toISOString()}`, {
        deletedLines: deleted,
        cutoff: cutoff.toISOString(),
      });
    }
    return intervalMs;
  }, options.onError);
}
