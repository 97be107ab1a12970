/**
 * Sends OpenTelemetry trace spans of DAG runs and task tries to an OTLP/HTTP receiver (see
 * docs/tracing.md). Like the OpenLineage emitter it reads the store's state history through a
 * shared read position (runtime/state-change-feed.ts), so every span is sent by exactly one
 * scheduler, and it delivers in the background (runtime/delivery-queue.ts), so a receiver that
 * is slow or down never holds up a task or the scheduler.
 *
 * A run's span is sent when the run finishes, a try's span when the try ends: OTLP has no
 * "span started" message, and a span's children may arrive before it.
 */
import { DeliveryQueue } from "../../runtime/delivery-queue.js";
import { postWithRetries } from "../../runtime/post-with-retries.js";
import { RunFacts } from "../../runtime/run-facts.js";
import { StateChangeFeed } from "../../runtime/state-change-feed.js";
import type { DagStateChange } from "../../store/index.js";
import type { Store } from "../../store/index.js";
import { tracesUrl, type OtlpConfig } from "./config.js";
import { encodeTraceRequest, type TraceSpan } from "./otlp-json.js";
import { endsRun, endsTry, runSpan, trySpan } from "./spans.js";

export interface TraceEmitterOptions {
  readonly store: Store;
  readonly config: OtlpConfig;
  /** Time between passes over the history (default 1 s). */
  readonly intervalMs?: number;
  /** See StateChangeFeedOptions.settleMs. */
  readonly settleMs?: number;
  /** The read position's name (default `otlp-traces`); a new name with `fromStart` replays the history. */
  readonly consumer?: string;
  readonly fromStart?: boolean;
  readonly now?: () => Date;
  readonly onError?: (error: unknown) => void;
  /** Also receives every span built (tests, logs). */
  readonly onSpan?: (span: TraceSpan) => void;
}

/** Spans per export request. */
const BATCH = 100;

export class TraceEmitter {
  readonly #options: TraceEmitterOptions;
  readonly #feed: StateChangeFeed;
  readonly #queue: DeliveryQueue<TraceSpan>;

  constructor(options: TraceEmitterOptions) {
    this.#options = options;
    const onError = options.onError ?? (() => undefined);
    const url = tracesUrl(options.config.endpoint);
    this.#feed = new StateChangeFeed({
      store: options.store,
      consumer: options.consumer ?? "otlp-traces",
      handle: (changes) => this.#report(changes),
      intervalMs: options.intervalMs,
      settleMs: options.settleMs,
      fromStart: options.fromStart,
      now: options.now,
      onError,
    });
    this.#queue = new DeliveryQueue<TraceSpan>({
      label: "OTLP traces",
      batchSize: BATCH,
      onError,
      deliver: async (spans) => {
        const result = await postWithRetries(url, encodeTraceRequest(spans), {
          headers: options.config.headers,
          maxAttempts: options.config.maxAttempts,
          timeoutMs: options.config.timeoutMs,
          retryBaseMs: options.config.retryDelayMs,
        });
        if (!result.ok) throw new Error(`OTLP traces: could not POST ${spans.length} span(s) to ${url} after ${result.attempts} attempt(s): ${result.error ?? "unknown error"}`);
      },
    });
  }

  start(): void {
    this.#feed.start();
  }

  wake(): void {
    this.#feed.wake();
  }

  /** Reads the next state changes and queues their spans; resolves to how many changes were read. */
  pass(): Promise<number> {
    return this.#feed.pass();
  }

  /** Stops reading and waits for the spans already queued to be delivered (or given up on). */
  async stop(): Promise<void> {
    await this.#feed.stop();
    await this.flush();
  }

  flush(): Promise<void> {
    return this.#queue.flush();
  }

  async #report(changes: readonly DagStateChange[]): Promise<void> {
    const facts = new RunFacts(this.#options.store);
    for (const change of changes) {
      const span = endsRun(change) ? await this.#runSpan(change, facts) : endsTry(change) ? await this.#trySpan(change, facts) : undefined;
      if (!span) continue;
      this.#options.onSpan?.(span);
      this.#queue.send(span);
    }
  }

  async #runSpan(change: DagStateChange, facts: RunFacts): Promise<TraceSpan | undefined> {
    const run = await facts.run(change.runId);
    if (!run) return undefined;
    return runSpan({ run, end: change, history: await facts.history(run.runId), instances: await facts.instances(run.runId) });
  }

  async #trySpan(change: DagStateChange, facts: RunFacts): Promise<TraceSpan | undefined> {
    const run = await facts.run(change.runId);
    if (!run) return undefined;
    const instance = (await facts.instances(run.runId)).find((ti) => ti.taskId === change.taskId && ti.mapIndex === change.mapIndex);
    // Gone when a cleared mapped task collapsed back to its placeholder: its tries went with it.
    if (!instance) return undefined;
    const attempt = await facts.tryAt(instance.id, change.at);
    if (!attempt) return undefined;
    return trySpan({ run, end: change, history: await facts.history(run.runId), attempt, instance });
  }
}
