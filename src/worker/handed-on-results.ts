/**
 * The results a worker hands from the outcomes it just recorded to the successors claimed in the
 * same transaction, so a successor's inputs cost no read of the store (issue 17: a round trip at
 * every step of a chain on PostgreSQL). The transaction that recorded an upstream's success also
 * queued and claimed its successor, so the result it stored is what a read would return: each is
 * serialised as the store serialised it (`storedResultJson`), and parsed anew for each task that
 * takes it. Only results a claimed task reads are kept, and only until its try has its request.
 *
 * Only unmapped upstreams are handed on: a mapped task's input is the list of all its instances'
 * results, which one outcome does not make.
 */
import type { TaskSpec } from "../core/types.js";
import { storedResultJson, type ClaimedTask, type CompleteTryInput, type CompleteTryResult } from "../store/index.js";

/** A recorded outcome, with the claim of the try it ended. */
export interface RecordedOutcome {
  readonly claimed: ClaimedTask;
  readonly input: CompleteTryInput;
  readonly result: CompleteTryResult;
}

/** For one claimed task: upstream task id to that task's result, as the store holds it (JSON). */
export type HandedOnResults = ReadonlyMap<string, string>;

/**
 * The upstream tasks whose results a try reads: its inputs, and for an instance of a mapped task
 * not yet expanded, the list it maps over. (A mapped instance reads its one element elsewhere:
 * mapped-item-loader.ts.)
 */
export function upstreamResultIds(spec: TaskSpec, mapIndex: number | null): string[] {
  const expanding = spec.mapOver !== undefined && mapIndex === null ? [spec.mapOver] : [];
  return [...new Set([...Object.values(spec.inputs), ...expanding])];
}

/** By claimed task instance id: the results it reads that `recorded` holds. */
export function handOnResults(
  claimed: readonly ClaimedTask[],
  recorded: readonly RecordedOutcome[],
  specOf: (task: ClaimedTask) => TaskSpec | undefined,
): Map<number, HandedOnResults> {
  const handed = new Map<number, HandedOnResults>();
  if (claimed.length === 0) return handed;
  // Per run, the successes recorded with this claim that any claimed task can take.
  const successes = new Map<string, Map<string, CompleteTryInput>>();
  for (const { claimed: task, input, result } of recorded) {
    if (input.outcome !== "success" || result.state !== "success" || !result.applied) continue;
    if (task.instance.mapIndex !== null || specOf(task)?.mapOver !== undefined) continue;
    const ofRun = successes.get(task.run.runId) ?? new Map<string, CompleteTryInput>();
    ofRun.set(task.instance.taskId, input);
    successes.set(task.run.runId, ofRun);
  }
  const json = new Map<CompleteTryInput, string>();
  for (const task of claimed) {
    const ofRun = successes.get(task.run.runId);
    const spec = ofRun && specOf(task);
    if (!ofRun || !spec) continue;
    const results = new Map<string, string>();
    for (const id of upstreamResultIds(spec, task.instance.mapIndex)) {
      const input = ofRun.get(id);
      if (input === undefined) continue;
      let text = json.get(input);
      if (text === undefined) {
        text = storedResultJson(input.result);
        json.set(input, text);
      }
      results.set(id, text);
    }
    if (results.size > 0) handed.set(task.instance.id, results);
  }
  return handed;
}
