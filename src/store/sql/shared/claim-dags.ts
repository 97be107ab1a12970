import type { ClaimRequest } from "../../contract/store.js";

/**
 * The DAGs of a claim the worker serves, as a set: a claim names every DAG its worker serves (3,000
 * in a large deployment), and which of them may wait or have limits. Looking each of those up by
 * scanning the list cost 3,000 x 3,000 comparisons a claim, 13 ms a step of a chain. One set per
 * list: a worker's claims share their list until its DAGs change (worker.ts).
 */
const sets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** The DAGs a claim serves (its `dagIds`), as a set. */
export function servedDagSet(dagIds: readonly string[]): ReadonlySet<string> {
  let set = sets.get(dagIds);
  if (set === undefined) {
    set = new Set(dagIds);
    sets.set(dagIds, set);
  }
  return set;
}

const NO_DAGS: readonly string[] = Object.freeze([]);

/** Of `wakeDagIds`, those served, by the lists they came from (a worker's claims share both until its DAGs change). */
const wakes = new WeakMap<readonly string[], { readonly dagIds: readonly string[]; readonly wake: string[] }>();

/** The claim's DAGs whose waits it wakes (`wakeDagIds`), among those it serves, in their order. */
export function wakeDagsOf(request: Pick<ClaimRequest, "dagIds" | "wakeDagIds">): readonly string[] {
  // The same empty list each time: a list's identity stands for its content (postgres/served-dag-sets.ts).
  if (request.wakeDagIds === undefined) return NO_DAGS;
  const kept = wakes.get(request.wakeDagIds);
  if (kept?.dagIds === request.dagIds) return kept.wake;
  const dags = servedDagSet(request.dagIds);
  const wake = request.wakeDagIds.filter((dagId) => dags.has(dagId));
  wakes.set(request.wakeDagIds, { dagIds: request.dagIds, wake });
  return wake;
}

/** The claim's DAGs with a limit on running instances (`maxActiveTasks`), among those it serves, sorted. */
export function limitedDagsOf(request: Pick<ClaimRequest, "dagIds" | "maxActiveTasks">): string[] {
  if (request.maxActiveTasks === undefined || request.maxActiveTasks.size === 0) return [];
  const dags = servedDagSet(request.dagIds);
  return [...request.maxActiveTasks.keys()].filter((dagId) => dags.has(dagId)).sort();
}
