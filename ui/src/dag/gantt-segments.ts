/**
 * Gantt bars from a run's state history: for each task instance and each try, the queue wait
 * (queued → running) and the run time (running → the state that ended the try).
 */
import type { RunStep, StateChange } from "../api/types";

export interface TrySegment {
  readonly tryNumber: number;
  readonly queuedAt: number | null;
  readonly startedAt: number | null;
  /** null while it runs (or waits). */
  readonly endedAt: number | null;
  /** How the try ended: success, failed, retrying (failed with tries left) … or running. */
  readonly outcome: string;
}

export interface GanttRow {
  readonly taskId: string;
  readonly mapIndex: number | null;
  readonly tries: readonly TrySegment[];
}

const ENDS = new Set(["success", "failed", "retrying", "skipped", "upstream_failed", "scheduled"]);

/** A durable step as the Gantt view draws it: within the try that ran it (replayed steps did not run again). */
export interface StepSegment {
  readonly number: number;
  readonly name: string;
  readonly tryNumber: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** The steps of each task instance, keyed like the rows (`taskId`, NUL, map index). */
export function stepsByInstance(steps: readonly RunStep[]): Map<string, StepSegment[]> {
  const byKey = new Map<string, StepSegment[]>();
  for (const step of steps) {
    const key = `${step.taskId}\u0000${step.mapIndex ?? ""}`;
    const segment = { number: step.number, name: step.name, tryNumber: step.tryNumber, startedAt: Date.parse(step.startedAt), endedAt: Date.parse(step.endedAt) };
    byKey.set(key, [...(byKey.get(key) ?? []), segment]);
  }
  return byKey;
}

export function ganttRows(changes: readonly StateChange[], order: readonly string[]): GanttRow[] {
  const rows = new Map<string, { taskId: string; mapIndex: number | null; tries: TrySegment[]; open: { queuedAt: number | null; startedAt: number | null } | null }>();
  for (const change of changes) {
    if (change.taskId === null) continue;
    const key = `${change.taskId}\u0000${change.mapIndex ?? ""}`;
    let row = rows.get(key);
    if (!row) {
      row = { taskId: change.taskId, mapIndex: change.mapIndex, tries: [], open: null };
      rows.set(key, row);
    }
    const at = Date.parse(change.at);
    if (change.toState === "queued") {
      row.open = { queuedAt: at, startedAt: null };
    } else if (change.toState === "running") {
      row.open = { queuedAt: row.open?.queuedAt ?? null, startedAt: at };
    } else if (ENDS.has(change.toState) && row.open) {
      // A try ended, or an instance was cleared (back to scheduled) or marked before it ran.
      if (row.open.startedAt !== null || change.toState !== "scheduled") {
        row.tries.push({ tryNumber: row.tries.length + 1, queuedAt: row.open.queuedAt, startedAt: row.open.startedAt, endedAt: at, outcome: change.toState === "scheduled" ? "cleared" : change.toState });
      }
      row.open = null;
    }
  }
  for (const row of rows.values()) {
    if (row.open) row.tries.push({ tryNumber: row.tries.length + 1, queuedAt: row.open.queuedAt, startedAt: row.open.startedAt, endedAt: null, outcome: row.open.startedAt === null ? "queued" : "running" });
  }
  const rank = (taskId: string) => {
    const i = order.indexOf(taskId);
    return i < 0 ? order.length : i;
  };
  return [...rows.values()]
    .filter((r) => r.tries.length > 0)
    .sort((a, b) => rank(a.taskId) - rank(b.taskId) || (a.mapIndex ?? -1) - (b.mapIndex ?? -1))
    .map(({ taskId, mapIndex, tries }) => ({ taskId, mapIndex, tries }));
}
