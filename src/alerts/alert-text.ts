/** What an alert says about its source, and the key that deduplicates it. */
import type { AlertSource } from "../store/alert-records.js";

export function alertDedupKey(source: AlertSource): string {
  // One open alert per task instance: a task instance dead-lettered again (after a manual retry)
  // while its alert is open counts as another occurrence, not a second page.
  return source.kind === "dead_letter" ? `task_instance:${source.taskInstanceId}` : `sla:${source.runId}:${source.taskId ?? ""}`;
}

export function alertText(source: AlertSource): { title: string; details: string } {
  if (source.kind === "dead_letter") {
    const task = source.mapIndex === null ? source.taskId : `${source.taskId}[${source.mapIndex}]`;
    return {
      title: `${source.dagId}.${task} failed for good (dead letter)`,
      details: `Run ${source.runId}, try ${source.tryNumber} failed and no retries are left.\nError: ${source.error ?? "(none recorded)"}`,
    };
  }
  const what = source.taskId === null ? `DAG ${source.dagId}` : `task ${source.dagId}.${source.taskId}`;
  return {
    title: `SLA missed: ${source.taskId === null ? source.dagId : `${source.dagId}.${source.taskId}`}`,
    details: `${what} had not succeeded in run ${source.runId} by its deadline ${source.deadlineAt.toISOString()} (state then: ${source.stateAtDetection}).`,
  };
}
