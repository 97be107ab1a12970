/**
 * Where events go. Sending never blocks or fails task execution: `send` only queues, a background
 * loop delivers, an HTTP endpoint that is down gets retries with backoff, and an event that still
 * cannot be delivered is reported and dropped.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { DeliveryQueue } from "../../runtime/delivery-queue.js";
import { postWithRetries } from "../../runtime/post-with-retries.js";
import type { OpenLineageConfig } from "./config.js";
import type { OpenLineageRunEvent } from "./events.js";

export interface OpenLineageTransport {
  /** Queues an event; returns at once. */
  send(event: OpenLineageRunEvent): void;
  /** Resolves once every queued event was delivered or given up on. */
  flush(): Promise<void>;
}

abstract class QueuedTransport implements OpenLineageTransport {
  readonly #queue: DeliveryQueue<OpenLineageRunEvent>;

  constructor(onError: (error: unknown) => void, batchSize: number) {
    this.#queue = new DeliveryQueue({ deliver: (batch) => this.deliver(batch), batchSize, onError, label: "OpenLineage" });
  }

  send(event: OpenLineageRunEvent): void {
    this.#queue.send(event);
  }

  flush(): Promise<void> {
    return this.#queue.flush();
  }

  protected abstract deliver(events: readonly OpenLineageRunEvent[]): Promise<void>;
}

/** POSTs each event as JSON, retrying with backoff (0.5 s doubling) up to `maxAttempts` times. */
export class HttpTransport extends QueuedTransport {
  readonly #url: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number;
  readonly #retryBaseMs: number;

  constructor(config: Pick<OpenLineageConfig, "url" | "headers" | "maxAttempts" | "timeoutMs"> & { url: string }, onError: (error: unknown) => void, retryBaseMs = 500) {
    super(onError, 1);
    this.#url = config.url;
    this.#headers = config.headers ?? {};
    this.#maxAttempts = config.maxAttempts ?? 5;
    this.#timeoutMs = config.timeoutMs ?? 5_000;
    this.#retryBaseMs = retryBaseMs;
  }

  protected async deliver(events: readonly OpenLineageRunEvent[]): Promise<void> {
    for (const event of events) {
      const result = await postWithRetries(this.#url, event, {
        headers: this.#headers,
        maxAttempts: this.#maxAttempts,
        timeoutMs: this.#timeoutMs,
        retryBaseMs: this.#retryBaseMs,
      });
      if (!result.ok) {
        throw new Error(`OpenLineage: could not POST the ${event.eventType} event of ${event.job.name} to ${this.#url}: ${result.error ?? "unknown error"}`);
      }
    }
  }
}

/** Appends each event to a file as one JSON line. */
export class FileTransport extends QueuedTransport {
  readonly #path: string;
  #ready: Promise<unknown> | undefined;

  constructor(path: string, onError: (error: unknown) => void) {
    super(onError, 500);
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
