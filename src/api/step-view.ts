/** A stored step as the API shows it: its result's size and a preview rather than the whole result. */
import type { StepRecord, Store } from "../store/index.js";

const PREVIEW_CHARS = 200;

export interface StepView {
  readonly number: number;
  readonly name: string;
  readonly kind: StepRecord["kind"];
  readonly tryNumber: number;
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** An event step not reached by its event: waiting until `endedAt`, or timed out. */
  readonly waiting: boolean;
  readonly resultBytes: number;
  readonly resultPreview: string;
}

export function stepView(step: StepRecord): StepView {
  const { number, name, kind, tryNumber, startedAt, endedAt, resultJson } = step;
  const resultPreview = resultJson.length > PREVIEW_CHARS ? `${resultJson.slice(0, PREVIEW_CHARS - 1)}…` : resultJson;
  return { number, name, kind, tryNumber, startedAt, endedAt, waiting: step.waiting === true, resultBytes: Buffer.byteLength(resultJson, "utf8"), resultPreview };
}

/** Every completed step of a run, with the task instance it belongs to. */
export async function runStepViews(store: Store, runId: string): Promise<(StepView & { taskId: string; mapIndex: number | null })[]> {
  const byInstance = await store.steps.listForRun(runId);
  if (byInstance.size === 0) return [];
  const instances = new Map((await store.listTaskInstances(runId)).map((ti) => [ti.id, ti]));
  const views: (StepView & { taskId: string; mapIndex: number | null })[] = [];
  for (const [taskInstanceId, steps] of byInstance) {
    const ti = instances.get(taskInstanceId);
    if (ti === undefined) continue;
    for (const step of steps) views.push({ taskId: ti.taskId, mapIndex: ti.mapIndex, ...stepView(step) });
  }
  return views;
}
