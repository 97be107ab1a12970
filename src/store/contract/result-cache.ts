/**
 * Cached task results (a task's `cache` option, docs/concepts.md "Cached results"): the result of
 * a successful try, stored under (DAG, task, key) until it expires. A later try of the same task
 * whose key finds an unexpired result is recorded as `success` with that result, without running.
 */

/** A stored result. `key` is the lookup identity the worker chose (a hash of the task's key). */
export interface CachedResultRecord {
  readonly dagId: string;
  readonly taskId: string;
  readonly key: string;
  readonly result: unknown;
  /** The run whose try produced it. */
  readonly runId: string;
  readonly storedAt: Date;
  readonly expiresAt: Date;
}

/**
 * What a try had to do with the cache, recorded with its outcome (`completeTry`): its key, and
 * whether its result came from the cache (`hit`). A successful try that missed stores its result
 * until `expiresAt`, in the same transaction.
 */
export interface TryCacheNote {
  /** The lookup identity (a hash of the task's key). */
  readonly key: string;
  /** The task's key as people read it (secret values masked, shortened): shown with the try. */
  readonly label: string;
  readonly hit: boolean;
  readonly expiresAt?: Date;
}

export interface ResultCacheStore {
  /** The result stored for (DAG, task, key) that has not expired at `now`, if any. */
  find(input: { dagId: string; taskId: string; key: string; now: Date }): Promise<CachedResultRecord | undefined>;
  /** Forgets the stored results of a DAG, or of one of its tasks: their next tries run. Resolves to how many. */
  invalidate(input: { dagId: string; taskId?: string }): Promise<number>;
}
