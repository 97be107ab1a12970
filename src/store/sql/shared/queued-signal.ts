/**
 * How a transaction says "I queued work": `moveTasks` marks the transaction when it moves task
 * instances to `queued` (and unmarks them when it moves them on), and the store tells idle workers
 * once that transaction has committed (in-process on SQLite, LISTEN/NOTIFY on PostgreSQL). Workers
 * still poll as a fallback.
 */
import type { Tx } from "./tx.js";

/** The task instances a transaction queued and has not itself claimed since. */
const queuedIn = new WeakMap<Tx, Set<number>>();

export function markQueued(tx: Tx, instanceIds: readonly number[]): void {
  let ids = queuedIn.get(tx);
  if (!ids) {
    ids = new Set();
    queuedIn.set(tx, ids);
  }
  for (const id of instanceIds) ids.add(id);
}

/** Instances that left `queued` in the same transaction (claimed, cancelled): nobody needs waking for them. */
export function markDequeued(tx: Tx, instanceIds: readonly number[]): void {
  const ids = queuedIn.get(tx);
  if (ids) for (const id of instanceIds) ids.delete(id);
}

/**
 * How many instances the transaction left queued for someone (0: none). A completion whose claim took what it
 * queued (the chain's next task, claimed by the worker that finished the previous one) wakes no
 * other worker, and costs PostgreSQL no pg_notify.
 */
export function queuedCount(tx: Tx): number {
  return queuedIn.get(tx)?.size ?? 0;
}

/** A dialect's way to wake workers. */
export interface QueuedNotifier {
  /** Inside the transaction, before commit (PostgreSQL: pg_notify, delivered at commit). */
  readonly inTransaction?: (tx: Tx) => Promise<void>;
  /** After commit (SQLite: an in-process event). */
  readonly afterCommit?: () => void;
  /** Calls `listener` whenever any process sharing the store queued work. */
  readonly subscribe: (listener: () => void) => Promise<() => Promise<void>>;
}
