/**
 * Posting an event (API `POST /api/v1/events`, CLI `tributary events send`): starts one run of
 * every DAG subscribed to it (the DAG option `events`), and delivers it to every task waiting for
 * it (`ctx.waitForEvent`, docs/durable-steps.md), the params being the wait's payload. Every
 * subscriber's params are checked first: a bad param starts nothing and delivers nothing.
 */
import type { DagRunRecord, Store } from "../store/index.js";
import type { RegisteredDag } from "./dag-registry.js";
import { runParams } from "./run-params.js";
import { triggerRun } from "./trigger-run.js";

export interface PostedEvent {
  /** The runs started, one per subscribed DAG. */
  readonly runs: DagRunRecord[];
  /** How many waiting tasks the event reached. */
  readonly delivered: number;
}

export async function postEvent(
  store: Store,
  dags: Iterable<RegisteredDag>,
  input: { readonly event: string; readonly params: Readonly<Record<string, unknown>>; readonly now: Date },
): Promise<PostedEvent> {
  const subscribers = [...dags].filter((entry) => entry.dag.options.events.includes(input.event));
  // Throws a params error naming the DAG and the field.
  for (const entry of subscribers) await runParams(entry, input.params);
  const delivered = await store.steps.deliverEvent({ name: input.event, payloadJson: JSON.stringify(input.params), now: input.now });
  const runs: DagRunRecord[] = [];
  for (const entry of subscribers) runs.push(await triggerRun(store, entry, { runType: "event", params: input.params, now: input.now }));
  return { runs, delivered };
}
