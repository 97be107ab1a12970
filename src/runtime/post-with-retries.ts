/**
 * POSTs a JSON body until it is accepted, retrying with backoff (doubling from `retryBaseMs`)
 * what may get better: network errors, timeouts, 5xx, 408 and 429. Used by background delivery
 * only (OpenLineage, traces), never on a task's path.
 */
import { postJson } from "./post-json.js";

export interface RetryPolicy {
  /** Attempts before giving up (default 5). */
  readonly maxAttempts?: number;
  /** Time limit of one attempt (default 5 s). */
  readonly timeoutMs?: number;
  /** Wait before the second attempt; doubles after each (default 0.5 s). */
  readonly retryBaseMs?: number;
}

export interface PostResult {
  readonly ok: boolean;
  readonly attempts: number;
  /** Why the last attempt failed (null when accepted). */
  readonly error: string | null;
}

export async function postWithRetries(
  url: string,
  body: unknown,
  options: RetryPolicy & { readonly headers?: Readonly<Record<string, string>> } = {},
): Promise<PostResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 500;
  let error: string | null = null;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const outcome = await postJson(url, body, { headers: options.headers, timeoutMs: options.timeoutMs ?? 5_000 });
    if (outcome.ok) return { ok: true, attempts: attempt, error: null };
    error = outcome.error ?? `HTTP ${outcome.status ?? "error"}`;
    if (!outcome.retryable) return { ok: false, attempts: attempt, error };
    if (attempt < maxAttempts) await new Promise((r) => setTimeout(r, retryBaseMs * 2 ** (attempt - 1)));
  }
  return { ok: false, attempts: maxAttempts, error };
}
