/** What an alert says about its source, and the key that deduplicates it. */
import type { AlertSource } from "../store/index.js";

/**
 * One open alert per (DAG, task, kind): a DAG that misses its SLA run after run, or a task that
 * dead-letters in every run (or in many map indexes), is one alert with a count of occurrences,
 * paged and ticketed once, not once per run. `task` is empty for a DAG's own SLA. Ids cannot
 * contain ':' (src/dsl/ids.ts), so the key is unambiguous.
 */
export function alertDedupKey(source: Pick<AlertSource, "kind" | "dagId" | "taskId"> & { readonly sourceId?: number }): string {
  // Each approval request is news of its own (a clear asks again): one alert per request, never a count.
  if (source.kind === "approval") return `approval:${source.dagId}:${source.taskId ?? ""}:${source.sourceId ?? ""}`;
  return `${source.kind}:${source.dagId}:${source.taskId ?? ""}`;
}

export function alertText(source: AlertSource): { title: string; details: string } {
  if (source.kind === "dead_letter") {
    const task = source.mapIndex === null ? source.taskId : `${source.taskId}[${source.mapIndex}]`;
    return {
      title: `${source.dagId}.${task} failed for good (dead letter)`,
      details: `Run ${source.runId}, try ${source.tryNumber} failed and no retries are left.\nError: ${source.error ?? "(none recorded)"}`,
    };
  }
  if (source.kind === "approval") {
    const task = source.mapIndex === null ? source.taskId : `${source.taskId}[${source.mapIndex}]`;
    return {
      title: `Approval waiting: ${source.dagId}.${task}`,
      details: `Run ${source.runId} waits for an answer to ${task} until ${source.deadlineAt.toISOString()}. Answer it in the UI (Approvals), with the API, or with \`tributary approvals\`.`,
    };
  }
  const what = source.taskId === null ? `DAG ${source.dagId}` : `task ${source.dagId}.${source.taskId}`;
  return {
    title: `SLA missed: ${source.taskId === null ? source.dagId : `${source.dagId}.${source.taskId}`}`,
    details: `${what} had not succeeded in run ${source.runId} by its deadline ${source.deadlineAt.toISOString()} (state then: ${source.stateAtDetection}).`,
  };
}
