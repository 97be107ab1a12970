/**
 * Reads the store's state history as a feed, for whatever reports what happened (OpenLineage
 * events, trace spans). Each consumer has a named read position in the store that moves in the
 * same transaction that hands out the changes, so with several schedulers every change goes to
 * exactly one of them; the consumer turns changes into messages after the fact, never in the
 * code path that runs tasks.
 */
import type { DagStateChange } from "../store/index.js";
import type { Store } from "../store/index.js";
import { ServiceLoop } from "./service-loop.js";

export interface StateChangeFeedOptions {
  readonly store: Store;
  /** The name of the shared read position (one per kind of report). */
  readonly consumer: string;
  /** Turns a batch of changes into reports; the position has already moved past them. */
  readonly handle: (changes: readonly DagStateChange[]) => Promise<void>;
  /** Time between passes (default 1 s). */
  readonly intervalMs?: number;
  /**
   * Changes younger than this wait for the next pass (default: the store's
   * `capabilities.stateChangeSettleMs`, 0 on SQLite, 2 s on PostgreSQL, where a transaction may
   * commit a lower id after a higher one).
   */
  readonly settleMs?: number;
  /** A new consumer starts at the beginning of the history instead of its end. */
  readonly fromStart?: boolean;
  readonly batch?: number;
  readonly now?: () => Date;
  readonly onError?: (error: unknown) => void;
}

const DEFAULT_BATCH = 500;

export class StateChangeFeed {
  readonly #options: StateChangeFeedOptions;
  readonly #loop: ServiceLoop;

  constructor(options: StateChangeFeedOptions) {
    this.#options = options;
    const batch = options.batch ?? DEFAULT_BATCH;
    this.#loop = new ServiceLoop(async () => {
      const taken = await this.pass();
      // A full batch means more is waiting: go again at once.
      return taken >= batch ? 0 : (options.intervalMs ?? 1_000);
    }, options.onError ?? (() => undefined));
  }

  start(): void {
    this.#loop.start();
  }

  wake(): void {
    this.#loop.wake();
  }

  /** Stops after the current pass. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Takes the next settled changes and hands them to `handle`; resolves to how many were taken. */
  async pass(): Promise<number> {
    const { store } = this.#options;
    const now = (this.#options.now ?? (() => new Date()))();
    const settleMs = this.#options.settleMs ?? store.capabilities.stateChangeSettleMs;
    const changes = await store.lineage.takeStateChanges({
      consumer: this.#options.consumer,
      limit: this.#options.batch ?? DEFAULT_BATCH,
      settledBefore: new Date(now.getTime() - settleMs),
      ...(this.#options.fromStart === true ? { fromStart: true } : {}),
      now,
    });
    if (changes.length > 0) await this.#options.handle(changes);
    return changes.length;
  }
}
