/**
 * What the store keeps of a step a try finished (`ctx.step`, `ctx.sleep`, `ctx.waitForEvent`):
 * the try's report of it, under the claimed instance and try. One mapping for the worker and the
 * testing kit; `resultJson` lets the worker pass the result with the try's secrets masked.
 */
import type { ClaimedTask, StepRecord } from "../store/index.js";
import type { FinishedStep } from "./task-protocol.js";

export function stepRecord(claimed: ClaimedTask, step: FinishedStep, resultJson: string = step.resultJson): StepRecord {
  return {
    taskInstanceId: claimed.instance.id,
    number: step.number,
    name: step.name,
    kind: step.kind,
    tryNumber: claimed.tryNumber,
    resultJson,
    startedAt: new Date(step.startedAt),
    endedAt: new Date(step.endedAt),
    ...(step.waiting === true ? { waiting: true } : {}),
  };
}

/**
 * Whether a DAG's task instances can wait `deferred`: a sensor between pokes, an approval, or a
 * function task at a `ctx.sleep` or `ctx.waitForEvent` (any task but a shell task).
 */
export function graphMayWait(tasks: readonly { readonly kind: string }[]): boolean {
  return tasks.some((task) => task.kind !== "shell");
}
