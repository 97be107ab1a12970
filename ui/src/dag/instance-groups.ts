/** Task instances grouped by task: a mapped task has many, shown as one cell with their worst state. */
import type { TaskInstance, TaskState } from "../api/types";

/** Which state a group of mapped instances shows: the one that needs attention first. */
const PRIORITY: readonly TaskState[] = ["failed", "upstream_failed", "retrying", "running", "deferred", "queued", "scheduled", "skipped", "success"];

export function groupState(instances: readonly TaskInstance[]): TaskState | undefined {
  let best: TaskState | undefined;
  for (const ti of instances) {
    if (best === undefined || PRIORITY.indexOf(ti.state) < PRIORITY.indexOf(best)) best = ti.state;
  }
  return best;
}

export function byTask(instances: readonly TaskInstance[]): Map<string, TaskInstance[]> {
  const map = new Map<string, TaskInstance[]>();
  for (const ti of instances) {
    const list = map.get(ti.taskId);
    if (list) list.push(ti);
    else map.set(ti.taskId, [ti]);
  }
  for (const list of map.values()) list.sort((a, b) => (a.mapIndex ?? -1) - (b.mapIndex ?? -1));
  return map;
}
