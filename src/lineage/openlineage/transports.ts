/**
 * Where events go. Sending never blocks or fails task execution: `send` only queues, a background
 * loop delivers, an HTTP endpoint that is down gets retries with backoff, and an event that still
 * cannot be delivered is reported and dropped.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { OpenLineageConfig } from "./config.js";
import type { OpenLineageRunEvent } from "./events.js";

export interface OpenLineageTransport {
  /** Queues an event; returns at once. */
  send(event: OpenLineageRunEvent): void;
  /** Resolves once every queued event was delivered or given up on. */
  flush(): Promise<void>;
}

/** At most this many events wait for a slow endpoint; beyond, the oldest are dropped (and reported). */
const MAX_QUEUED = 10_000;

abstract class QueuedTransport implements OpenLineageTransport {
  readonly #queue: OpenLineageRunEvent[] = [];
  readonly #onError: (error: unknown) => void;
  #draining: Promise<void> | undefined;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  send(event: OpenLineageRunEvent): void {
    if (this.#queue.length >= MAX_QUEUED) {
      this.#queue.shift();
      this.#onError(new Error(`OpenLineage: more than ${MAX_QUEUED} events waiting; dropped the oldest`));
    }
    this.#queue.push(event);
    // Delivery starts on a later turn of the event loop: nothing of it runs in the sender's time.
    this.#draining ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#drain())
      .finally(() => {
        this.#draining = undefined;
      });
  }

  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  protected abstract deliver(events: readonly OpenLineageRunEvent[]): Promise<void>;
  protected abstract batchSize: number;

  async #drain(): Promise<void> {
    // Deliver in the order queued; the loop takes what arrived while it was delivering too.
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.batchSize);
      try {
        await this.deliver(batch);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}

/** POSTs each event as JSON, retrying with backoff (0.5 s doubling) up to `maxAttempts` times. */
export class HttpTransport extends QueuedTransport {
  protected batchSize = 1;
  readonly #url: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number;
  readonly #retryBaseMs: number;

  constructor(config: Pick<OpenLineageConfig, "url" | "headers" | "maxAttempts" | "timeoutMs"> & { url: string }, onError: (error: unknown) => void, retryBaseMs = 500) {
    super(onError);
    this.#url = config.url;
    this.#headers = config.headers ?? {};
    this.#maxAttempts = config.maxAttempts ?? 5;
    this.#timeoutMs = config.timeoutMs ?? 5_000;
    this.#retryBaseMs = retryBaseMs;
  }

  protected async deliver(events: readonly OpenLineageRunEvent[]): Promise<void> {
    for (const event of events) {
      let lastError: unknown;
      for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
        try {
          const response = await fetch(this.#url, {
            method: "POST",
            headers: { "content-type": "application/json", ...this.#headers },
            body: JSON.stringify(event),
            signal: AbortSignal.timeout(this.#timeoutMs),
          });
          await response.body?.cancel();
          if (response.ok) {
            lastError = undefined;
            break;
          }
          lastError = new Error(`HTTP ${response.status}`);
          // A 4xx other than 408/429 will not get better by retrying.
          if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
        } catch (error) {
          lastError = error;
        }
        if (attempt < this.#maxAttempts) await new Promise((r) => setTimeout(r, this.#retryBaseMs * 2 ** (attempt - 1)));
      }
      if (lastError !== undefined) {
        const reason = lastError instanceof Error ? lastError.message : String(lastError);
        throw new Error(`OpenLineage: could not POST the ${event.eventType} event of ${event.job.name} to ${this.#url}: ${reason}`);
      }
    }
  }
}

/** Appends each event to a file as one JSON line. */
export class FileTransport extends QueuedTransport {
  protected batchSize = 500;
  readonly #path: string;
  #ready: Promise<unknown> | undefined;

  constructor(path: string, onError: (error: unknown) => void) {
    super(onError);
    this.#path = path;
  }

  protected async deliver(events: readonly OpenLineageRunEvent[]): Promise<void> {
    this.#ready ??= mkdir(dirname(this.#path), { recursive: true });
    await this.#ready;
    await appendFile(this.#path, events.map((e) => `${JSON.stringify(e)}\n`).join(""));
  }
}

export function transportsFor(config: OpenLineageConfig, onError: (error: unknown) => void): OpenLineageTransport[] {
  const out: OpenLineageTransport[] = [];
  if (config.url !== undefined) out.push(new HttpTransport({ ...config, url: config.url }, onError));
  if (config.file !== undefined) out.push(new FileTransport(config.file, onError));
  return out;
}
