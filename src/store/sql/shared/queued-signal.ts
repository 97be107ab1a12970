/**
 * How a transaction says "I queued work": `moveTasks` marks the transaction when it moves task
 * instances to `queued`, and the store tells idle workers once that transaction has committed
 * (in-process on SQLite, LISTEN/NOTIFY on PostgreSQL). Workers still poll as a fallback.
 */
import type { Tx } from "./tx.js";

const queuedIn = new WeakSet<Tx>();

export function markQueued(tx: Tx): void {
  queuedIn.add(tx);
}

export function didQueue(tx: Tx): boolean {
  return queuedIn.has(tx);
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
