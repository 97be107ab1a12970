/**
 * A send-and-forget queue for reports that leave the process (OpenLineage events, trace spans):
 * `send` only queues and returns, delivery runs on a later turn of the event loop, in order, and
 * a batch that cannot be delivered is reported and dropped. So a slow or absent receiver never
 * holds up the code that sends.
 */
export interface DeliveryQueueOptions<T> {
  /** Delivers one batch; a throw is reported through `onError` and the batch is dropped. */
  readonly deliver: (batch: readonly T[]) => Promise<void>;
  readonly batchSize: number;
  readonly onError: (error: unknown) => void;
  /** Names the queue in the report of dropped items. */
  readonly label: string;
  /** At most this many items wait; beyond, the oldest are dropped (default 10,000). */
  readonly maxQueued?: number;
}

const DEFAULT_MAX_QUEUED = 10_000;

export class DeliveryQueue<T> {
  readonly #options: DeliveryQueueOptions<T>;
  readonly #queue: T[] = [];
  #draining: Promise<void> | undefined;

  constructor(options: DeliveryQueueOptions<T>) {
    this.#options = options;
  }

  /** Queues an item; returns at once. */
  send(item: T): void {
    const max = this.#options.maxQueued ?? DEFAULT_MAX_QUEUED;
    if (this.#queue.length >= max) {
      this.#queue.shift();
      this.#options.onError(new Error(`${this.#options.label}: more than ${max} waiting to be delivered; dropped the oldest`));
    }
    this.#queue.push(item);
    // Delivery starts on a later turn of the event loop: nothing of it runs in the sender's time.
    this.#draining ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#drain())
      .finally(() => {
        this.#draining = undefined;
      });
  }

  /** Resolves once every queued item was delivered or given up on. */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    // Deliver in the order queued; the loop takes what arrived while it was delivering too.
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#options.batchSize);
      try {
        await this.#options.deliver(batch);
      } catch (error) {
        this.#options.onError(error);
      }
    }
  }
}
