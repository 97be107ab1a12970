/**
 * The task and DAG run state machines (docs/architecture.md §3). This is the only module that knows which state
 * changes are allowed; the store asks it before every write.
 */
import { InvalidTransitionError, type ErrorLocation } from "./errors.js";
import type { RunState, TaskState } from "./types.js";

/**
 * Allowed moves of a task instance, by current state. Besides the moves of docs/architecture.md §3: an operator
 * may mark any instance success or failed (Airflow's "mark success/failed"), whatever its state,
 * and a cancelled run skips the instances that have not started (sql/runs/cancel-run.ts).
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  // failed from scheduled/queued/retrying: the task can no longer run, or was marked failed.
  // success: marked success by an operator (so for every state below).
  scheduled: ["queued", "skipped", "upstream_failed", "failed", "success"],
  // queued -> scheduled: cleared before a worker started it.
  queued: ["running", "scheduled", "skipped", "upstream_failed", "failed", "success"],
  // deferred: a sensor's poke found nothing yet; skipped: a sensor with softFail timed out.
  running: ["success", "failed", "deferred", "skipped"],
  // queued: its wake-up time came (the try goes on); failed: its run was cancelled or it was
  // marked failed (its open try is closed either way); success: marked.
  deferred: ["queued", "failed", "success"],
  // queued: manual retry of a dead letter; scheduled: cleared for a re-run.
  failed: ["retrying", "queued", "scheduled", "success"],
  // skipped: its run was cancelled while it waited for its retry.
  retrying: ["queued", "scheduled", "failed", "skipped", "success"],
  // Terminal states leave when cleared for a re-run, or when marked the other way by an operator.
  success: ["scheduled", "failed"],
  skipped: ["scheduled", "success", "failed"],
  upstream_failed: ["scheduled", "success", "failed"],
};

/** Allowed moves of a DAG run. A finished run re-opens when some of its tasks are cleared. */
export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  queued: ["running", "failed"],
  running: ["success", "failed"],
  success: ["running", "queued"],
  failed: ["running", "queued"],
};

// A stored `failed` is final: with tries left, an instance moves on to `retrying` in the same
// transaction that failed it.
const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set(["success", "failed", "skipped", "upstream_failed"]);
const TERMINAL_RUN_STATES: ReadonlySet<RunState> = new Set(["success", "failed"]);

export function canTransitionTask(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

export function assertTaskTransition(from: TaskState, to: TaskState, location?: ErrorLocation): void {
  if (!canTransitionTask(from, to)) throw new InvalidTransitionError("task", from, to, location);
}

export function isTerminalTaskState(state: TaskState): boolean {
  return TERMINAL_TASK_STATES.has(state);
}

export function canTransitionRun(from: RunState, to: RunState): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

export function assertRunTransition(from: RunState, to: RunState, location?: ErrorLocation): void {
  if (!canTransitionRun(from, to)) throw new InvalidTransitionError("run", from, to, location);
}

export function isTerminalRunState(state: RunState): boolean {
  return TERMINAL_RUN_STATES.has(state);
}

/**
 * The state a DAG run should be in, given its task instances (Airflow's rule): `running` while any
 * instance is unfinished; then `failed` if any instance of a leaf task failed or had an upstream
 * failure; else `success`. Failures of non-leaf tasks that a leaf tolerated (e.g. through
 * `all_done`) do not fail the run.
 */
export function runStateFromTasks(
  instances: readonly { readonly taskId: string; readonly state: TaskState }[],
  leafTaskIds: ReadonlySet<string>,
): RunState {
  if (instances.some((i) => !isTerminalTaskState(i.state))) return "running";
  const leafFailed = instances.some(
    (i) => leafTaskIds.has(i.taskId) && (i.state === "failed" || i.state === "upstream_failed"),
  );
  return leafFailed ? "failed" : "success";
}
