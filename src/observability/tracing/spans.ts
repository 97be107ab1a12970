/**
 * Trace spans of what the store recorded: one span per execution of a DAG run (from its start to
 * its end) and, as its children, one span per task try. Everything comes from the run, its
 * tries and its state history, so the spans say exactly what the store says.
 */
import type { DagStateChange } from "../../store/index.js";
import type { DagRunRecord, StateChangeRecord, TaskInstanceRecord, TaskTryRecord } from "../../store/index.js";
import { runSpanIdOf, traceIdOf, trySpanIdOf } from "./ids.js";
import type { TraceSpan } from "./otlp-json.js";

const MAX_MESSAGE = 1_000;

/** A change that ends an execution of a run. */
export function endsRun(change: StateChangeRecord): boolean {
  return change.taskId === null && (change.toState === "success" || change.toState === "failed");
}

/**
 * A change that ends a task try: the instance leaves `running`, except for a sensor's wait between
 * pokes (its try goes on), which ends when it leaves `deferred` other than to poke again.
 */
export function endsTry(change: StateChangeRecord): boolean {
  if (change.taskId === null) return false;
  if (change.fromState === "running") return change.toState !== "deferred";
  return change.fromState === "deferred" && change.toState !== "queued";
}

/** Which execution of the run a change belongs to: 1, then one more after each time the run finished. */
export function executionAt(history: readonly StateChangeRecord[], changeId: number): number {
  return 1 + history.filter((h) => h.id < changeId && endsRun(h)).length;
}

export function runSpan(input: {
  readonly run: DagRunRecord;
  readonly end: DagStateChange;
  readonly history: readonly StateChangeRecord[];
  readonly instances: readonly TaskInstanceRecord[];
}): TraceSpan {
  const { run, end, history } = input;
  const execution = executionAt(history, end.id);
  // This execution's own changes of the run: after the previous end, up to this one.
  const previousEnd = history.filter((h) => h.id < end.id && endsRun(h)).at(-1);
  const own = history.filter((h) => h.taskId === null && h.id < end.id && h.id > (previousEnd?.id ?? 0));
  const started = own.filter((h) => h.toState === "running").at(-1) ?? own[0];
  const failed = input.instances.filter((ti) => ti.state === "failed" || ti.state === "upstream_failed");
  const message = end.reason ?? `failed tasks: ${failed.map((ti) => `${label(ti.taskId, ti.mapIndex)} (${ti.state})`).join(", ") || "none recorded"}`;
  return {
    traceId: traceIdOf(run.runId),
    spanId: runSpanIdOf(run.runId, execution),
    name: run.dagId,
    start: started?.at ?? run.startedAt ?? run.createdAt,
    end: end.at,
    attributes: {
      "tributary.dag.id": run.dagId,
      "tributary.run.id": run.runId,
      "tributary.run.type": run.runType,
      "tributary.run.logical_date": run.logicalDate.toISOString(),
      "tributary.run.state": end.toState,
      "tributary.run.execution": execution,
      ...(run.dagVersion ? { "tributary.dag.version": run.dagVersion } : {}),
    },
    status: end.toState === "success" ? { code: "ok" } : { code: "error", message: message.slice(0, MAX_MESSAGE) },
  };
}

export function trySpan(input: {
  readonly run: DagRunRecord;
  readonly end: DagStateChange;
  readonly history: readonly StateChangeRecord[];
  readonly attempt: TaskTryRecord;
  readonly instance: TaskInstanceRecord;
}): TraceSpan {
  const { run, end, history, attempt, instance } = input;
  // The change that started this try places it in an execution of the run (the run's span is its parent).
  const started = history.filter((h) => h.id < end.id && h.taskId === end.taskId && h.mapIndex === end.mapIndex && h.toState === "running").at(-1);
  const execution = executionAt(history, started?.id ?? end.id);
  const ok = attempt.outcome === "success" || (attempt.outcome === "running" && end.toState === "success");
  const error = attempt.error ?? end.reason ?? `ended as ${end.toState}`;
  // A failure with retries left is recorded as running -> failed -> retrying in one transaction.
  const next = history.find((h) => h.id > end.id && h.taskId === end.taskId && h.mapIndex === end.mapIndex);
  return {
    traceId: traceIdOf(run.runId),
    spanId: trySpanIdOf(run.runId, attempt.id),
    parentSpanId: runSpanIdOf(run.runId, execution),
    name: `${run.dagId}.${instance.taskId}`,
    start: attempt.startedAt,
    end: attempt.endedAt ?? end.at,
    attributes: {
      "tributary.dag.id": run.dagId,
      "tributary.run.id": run.runId,
      "tributary.task.id": instance.taskId,
      ...(instance.mapIndex !== null ? { "tributary.task.map_index": instance.mapIndex } : {}),
      "tributary.task.try_number": attempt.tryNumber,
      "tributary.task.outcome": ok ? "success" : "failed",
      "tributary.task.will_retry": next?.toState === "retrying",
      ...(attempt.errorKind ? { "tributary.task.error_kind": attempt.errorKind } : {}),
      "tributary.worker.id": attempt.workerId,
      ...(attempt.queuedAt ? { "tributary.task.queue_wait_ms": Math.max(0, attempt.startedAt.getTime() - attempt.queuedAt.getTime()) } : {}),
    },
    status: ok ? { code: "ok" } : { code: "error", message: error.slice(0, MAX_MESSAGE) },
  };
}

function label(taskId: string, mapIndex: number | null): string {
  return mapIndex === null ? taskId : `${taskId}[${mapIndex}]`;
}
