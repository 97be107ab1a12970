/**
 * Tries lost to infrastructure (issue 15): a zombie (its worker stopped heartbeating: killed,
 * machine gone), a try killed by a shutdown past its grace period, a task process that died of
 * something other than the try's own code (the OOM killer, an operator, a neighbouring try's crash
 * in a shared process), a worker that lost its lease. They are not the task's fault, so they are
 * retried at once without counting against the task's `retries`, up to a bound (like Hatchet's
 * reassignments) so that a task that keeps taking its process down still ends. Past the bound a
 * lost try counts like any failed try.
 *
 * A try whose own code ends its process (`process.exit`, an uncaught exception) is not lost: that
 * is the task's own failure (`crash`), and counts.
 */

/** Error kinds of tries lost to infrastructure. */
export const LOST_TRY_KINDS: ReadonlySet<string> = new Set(["zombie", "lost"]);

/** How many lost tries of one task instance are retried for free, unless configured. */
export const DEFAULT_LOST_TRY_RETRIES = 3;

export function isLostTry(errorKind: string | undefined): boolean {
  return errorKind !== undefined && LOST_TRY_KINDS.has(errorKind);
}

/** Whether a lost try gets a free retry, given how many the instance has had since it was created or cleared. */
export function hasLostTryRetryLeft(lostSoFar: number, bound: number = DEFAULT_LOST_TRY_RETRIES): boolean {
  return lostSoFar < bound;
}

/** The state history's reason for a free retry. */
export function lostTryRetryReason(errorKind: string, retry: number, bound: number): string {
  return `try lost to infrastructure (${errorKind}): retry ${retry} of ${bound} that does not count against the task's retries`;
}

/** What a dead letter says when a task's tries were lost more often than the bound allows. */
export function lostTriesExhaustedMessage(error: string, bound: number): string {
  return `the task's tries were lost to infrastructure more than ${bound} times (the limit of retries that do not count, TRIBUTARY_LOST_TRY_RETRIES) and it has no retries of its own left; last: ${error}`;
}
