/**
 * The SLA timer, run on every scheduler tick: records a miss (once: a unique key per run and
 * task) for each scheduled run that had not succeeded `sla` after its data interval ended, and for
 * each task that had not succeeded `deadline` after it. The alert dispatcher raises the alerts.
 */
import type { DagGraph } from "../core/types.js";
import type { SlaMissRecord } from "../store/index.js";
import type { Store } from "../store/index.js";

export async function checkSlas(store: Store, graphs: Iterable<DagGraph>, now: Date): Promise<SlaMissRecord[]> {
  const recorded: SlaMissRecord[] = [];
  for (const graph of graphs) {
    const deadlines = graph.tasks.flatMap((t) => (t.deadlineMs === undefined ? [] : [{ taskId: t.id, deadlineMs: t.deadlineMs }]));
    if (graph.slaMs === undefined && deadlines.length === 0) continue;
    recorded.push(...(await store.alerts.recordSlaMisses({ dagId: graph.dagId, slaMs: graph.slaMs, deadlines, now })));
  }
  return recorded;
}
