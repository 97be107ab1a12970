/**
 * Emits OpenLineage events for what happened, read from the store's state history rather than
 * hooked into the code that runs tasks: a try's outcome is recorded first and reported after, so
 * a slow or absent lineage endpoint can never hold up a task, and every path to a state (a worker,
 * the zombie sweep, a cancellation, `tributary run`) is reported the same way. The read position
 * lives in the store and moves in the same transaction that hands out the changes, so with
 * several schedulers each change is reported once.
 *
 * - DAG run: queued -> running is START; success is COMPLETE; failed is FAIL, or ABORT if cancelled.
 * - task try: -> running is START; success is COMPLETE; running -> failed is FAIL, or ABORT if cancelled.
 */
import { WAIT_RESUMED_REASON } from "../../core/sensor-wait.js";
import { RunFacts } from "../../runtime/run-facts.js";
import { StateChangeFeed } from "../../runtime/state-change-feed.js";
import type { DagStateChange } from "../../store/index.js";
import type { Store } from "../../store/index.js";
import type { OpenLineageConfig } from "./config.js";
import { buildRunEvent, type EventFacts, type OpenLineageEventType, type OpenLineageRunEvent } from "./events.js";
import { transportsFor, type OpenLineageTransport } from "./transports.js";
import { specOf } from "../../core/graph-index.js";

export interface OpenLineageEmitterOptions {
  readonly store: Store;
  readonly config: OpenLineageConfig;
  /** Defaults to the config's HTTP and file transports. */
  readonly transports?: readonly OpenLineageTransport[];
  /** Time between passes (default 1 s). */
  readonly intervalMs?: number;
  /** See StateChangeFeedOptions.settleMs. */
  readonly settleMs?: number;
  readonly now?: () => Date;
  readonly onError?: (error: unknown) => void;
  /** Also receives every event built (tests, logs). */
  readonly onEvent?: (event: OpenLineageRunEvent) => void;
}

const CONSUMER = "openlineage";

export class OpenLineageEmitter {
  readonly #options: OpenLineageEmitterOptions;
  readonly #transports: readonly OpenLineageTransport[];
  readonly #feed: StateChangeFeed;

  constructor(options: OpenLineageEmitterOptions) {
    this.#options = options;
    const onError = options.onError ?? (() => undefined);
    this.#transports = options.transports ?? transportsFor(options.config, onError);
    this.#feed = new StateChangeFeed({
      store: options.store,
      consumer: CONSUMER,
      handle: (changes) => this.#report(changes),
      intervalMs: options.intervalMs,
      settleMs: options.settleMs,
      now: options.now,
      onError,
    });
  }

  start(): void {
    this.#feed.start();
  }

  wake(): void {
    this.#feed.wake();
  }

  /** Stops reading and waits for the events already queued to be delivered (or given up on). */
  async stop(): Promise<void> {
    await this.#feed.stop();
    await this.flush();
  }

  async flush(): Promise<void> {
    await Promise.all(this.#transports.map((t) => t.flush()));
  }

  /** Reads the next state changes and sends their events; resolves to how many changes were read. */
  pass(): Promise<number> {
    return this.#feed.pass();
  }

  async #report(changes: readonly DagStateChange[]): Promise<void> {
    const facts = new RunFacts(this.#options.store);
    for (const change of changes) {
      const type = eventType(change);
      if (type === undefined) continue;
      const event = await this.#build(change, type, facts);
      if (!event) continue;
      this.#options.onEvent?.(event);
      for (const transport of this.#transports) transport.send(event);
    }
  }

  async #build(change: DagStateChange, type: OpenLineageEventType, facts: RunFacts): Promise<OpenLineageRunEvent | undefined> {
    const run = await facts.run(change.runId);
    if (!run) return undefined;
    const graph = await facts.graph(run.dagId);
    const base = {
      namespace: this.#options.config.namespace,
      type,
      at: change.at,
      run: { runId: run.runId, dagId: run.dagId, dataIntervalStart: run.dataIntervalStart, dataIntervalEnd: run.dataIntervalEnd },
    };
    const finished = type !== "START";
    const events = finished ? await facts.datasetEvents(run.runId) : [];
    if (change.taskId === null) {
      const tasks = graph?.tasks ?? [];
      const inputs = [...(graph?.datasetSchedule?.uris ?? []), ...tasks.flatMap((t) => t.inputDatasets)];
      const outputs = [...tasks.flatMap((t) => t.outputDatasets.map((uri) => ({ uri }))), ...events.map((e) => ({ uri: e.uri, metadata: e.metadata }))];
      let error: string | null = null;
      if (type === "ABORT") error = change.reason;
      else if (type === "FAIL") {
        const failed = (await facts.instances(run.runId)).filter((ti) => ti.state === "failed" || ti.state === "upstream_failed");
        error = `failed tasks: ${failed.map((ti) => `${ti.taskId} (${ti.state})`).join(", ") || "none recorded"}`;
      }
      return buildRunEvent({ ...base, inputs, outputs, error } satisfies EventFacts);
    }
    const instance = (await facts.instances(run.runId)).find((ti) => ti.taskId === change.taskId && ti.mapIndex === change.mapIndex);
    if (!instance) return undefined;
    const attempt = await facts.tryAt(instance.id, change.at);
    const tryNumber = attempt?.tryNumber ?? Math.max(1, instance.tryNumber);
    const spec = specOf(graph, change.taskId);
    const written = events.filter((e) => e.taskId === change.taskId && e.mapIndex === change.mapIndex && e.tryNumber === tryNumber);
    return buildRunEvent({
      ...base,
      task: { taskId: instance.taskId, mapIndex: instance.mapIndex, tryNumber },
      inputs: spec?.inputDatasets ?? [],
      outputs: [...(spec?.outputDatasets ?? []).map((uri) => ({ uri })), ...written.map((e) => ({ uri: e.uri, metadata: e.metadata }))],
      error: type === "ABORT" ? (attempt?.error ?? change.reason) : (attempt?.error ?? instance.error),
    });
  }
}

/** The OpenLineage event a state change makes, if any (exported for its tests). */
export function eventType(change: DagStateChange): OpenLineageEventType | undefined {
  const cancelled = change.reason?.startsWith("cancelled") === true;
  if (change.taskId === null) {
    if (change.toState === "running" && change.fromState === "queued") return "START";
    if (change.toState === "success") return "COMPLETE";
    if (change.toState === "failed") return cancelled ? "ABORT" : "FAIL";
    return undefined;
  }
  // A sensor's next poke goes on with the try that started before (docs/sensors.md).
  if (change.toState === "running") return change.reason === WAIT_RESUMED_REASON ? undefined : "START";
  if (change.toState === "success") return "COMPLETE";
  // Only a try that ran can fail or be aborted (a sensor's try runs while it waits between pokes);
  // an instance that never started has no OpenLineage run.
  const started = change.fromState === "running" || change.fromState === "deferred";
  if (change.toState === "failed" && started) return cancelled ? "ABORT" : "FAIL";
  // A sensor that timed out with softFail: its try ends without an outcome.
  if (change.toState === "skipped" && started) return "ABORT";
  return undefined;
}
