/**
 * The results a worker hands from the outcomes it just recorded to the successors claimed in the
 * same transaction, so a successor's inputs cost no read of the store (issue 17: a round trip at
 * every step of a chain on PostgreSQL). The transaction that recorded an upstream's success also
 * queued and claimed its successor, so what it stored is exactly what a read would return: the
 * result as JSON text, parsed anew for each task that takes it.
 *
 * Only unmapped upstreams are handed on: a mapped task's input is the list of all its instances'
 * results, which one outcome does not make.
 */
import type { DagGraph } from "../core/types.js";
import { storedResultJson, type ClaimedTask, type CompleteTryInput, type CompleteTryResult } from "../store/index.js";

/** A recorded outcome, with the claim of the try it ended. */
export interface RecordedOutcome {
  readonly claimed: ClaimedTask;
  readonly input: CompleteTryInput;
  readonly result: CompleteTryResult;
}

/**
 * A result handed on: its JSON text as the store holds it, made when a successor first needs it
 * (a large result that no successor reads is not serialised again).
 */
export type HandedOnResult = () => string;

/** Per run: the task ids whose success was recorded, and their results. */
export type HandedOnResults = ReadonlyMap<string, ReadonlyMap<string, HandedOnResult>>;

export function handOnResults(recorded: readonly RecordedOutcome[]): HandedOnResults {
  const byRun = new Map<string, Map<string, HandedOnResult>>();
  for (const { claimed, input, result } of recorded) {
    const { instance, run } = claimed;
    if (input.outcome !== "success" || result.state !== "success" || !result.applied) continue;
    if (instance.mapIndex !== null || isMapped(input.graph, instance.taskId)) continue;
    const results = byRun.get(run.runId) ?? new Map<string, HandedOnResult>();
    let json: string | undefined;
    results.set(instance.taskId, () => (json ??= storedResultJson(input.result)));
    byRun.set(run.runId, results);
  }
  return byRun;
}

function isMapped(graph: DagGraph, taskId: string): boolean {
  return graph.tasks.find((task) => task.id === taskId)?.mapOver !== undefined;
}
