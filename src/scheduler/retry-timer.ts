/**
 * The retry timer: moves `retrying` task instances back to `queued` once their backoff has passed.
 * The time lives in the store (next_retry_at), so a restarted process resumes exactly where the
 * previous one stopped; this loop only sleeps until the earliest due time.
 */
import { ServiceLoop } from "../runtime/service-loop.js";
import type { Store } from "../store/index.js";

export interface RetryTimerOptions {
  readonly store: Store;
  /** Called after task instances were queued, e.g. to wake an in-process worker. */
  readonly onQueued: (count: number) => void;
  readonly now?: () => Date;
  /** Longest sleep, so retries scheduled by other processes are noticed too. */
  readonly maxSleepMs?: number;
  readonly onError?: (error: unknown) => void;
}

export function createRetryTimer(options: RetryTimerOptions): ServiceLoop {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const maxSleep = options.maxSleepMs ?? 1_000;
  return new ServiceLoop(
    async () => {
      const queued = await store.queueDueRetries(now());
      if (queued > 0) options.onQueued(queued);
      const next = await store.nextRetryAt();
      return next ? Math.min(maxSleep, Math.max(1, next.getTime() - now().getTime())) : maxSleep;
    },
    options.onError ?? (() => undefined),
  );
}
