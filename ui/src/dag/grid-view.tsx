/**
 * The grid: runs as columns (oldest left, latest right), tasks as rows, one coloured cell per
 * task instance. A run's header bar is as tall as the run was long. Arrow keys move between
 * cells; Enter opens the task instance.
 */
import { useMemo, useRef, type KeyboardEvent } from "react";
import type { DagDetail, DagRun } from "../api/types";
import { StateLegend } from "../components/state";
import { Empty, ErrorBox, Loading } from "../components/status";
import { between, formatDuration, instanceName, stateLabel } from "../format";
import { useTimes, type Times } from "../time/use-times";
import { byTask, groupState } from "./instance-groups";
import type { DagRuns } from "./use-dag-runs";

interface Props {
  readonly dag: DagDetail;
  readonly data: DagRuns;
  readonly selectedRunId: string | undefined;
  readonly selectedTask: { taskId: string; mapIndex: number | null } | undefined;
  onSelectRun(runId: string): void;
  onSelectTask(runId: string, taskId: string, mapIndex: number | null): void;
}

export function GridView({ dag, data, selectedRunId, selectedTask, onSelectRun, onSelectTask }: Props) {
  const columns = useMemo(() => [...data.runs].reverse(), [data.runs]);
  const grouped = useMemo(() => new Map(columns.map((r) => [r.runId, byTask(data.instances.get(r.runId) ?? [])])), [columns, data.instances]);
  const taskIds = useMemo(() => {
    // Tasks of the DAG in topological order, then any that only old runs have (removed since).
    const ids = dag.tasks.map((t) => t.id);
    for (const list of data.instances.values()) for (const ti of list) if (!ids.includes(ti.taskId)) ids.push(ti.taskId);
    return ids;
  }, [dag.tasks, data.instances]);
  const longest = useMemo(() => Math.max(1, ...columns.map((r) => between(r.startedAt, r.endedAt) ?? 0)), [columns]);
  const gridRef = useRef<HTMLDivElement>(null);
  const times = useTimes();

  if (data.loading && data.runs.length === 0) return <Loading label="Loading runs…" />;
  if (data.error && data.runs.length === 0) return <ErrorBox error={data.error} onRetry={data.reload} />;
  if (data.runs.length === 0) return <Empty title="No runs yet">Trigger a run, or wait for the schedule: it appears here live.</Empty>;

  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    const row = Number(target.dataset.row);
    const col = Number(target.dataset.col);
    if (!Number.isInteger(row) || !Number.isInteger(col)) return;
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const next = gridRef.current?.querySelector<HTMLElement>(`[data-row="${row + move[0]}"][data-col="${col + move[1]}"]`);
    next?.focus();
  };

  return (
    <div className="grid-view">
      <div className="grid-scroll" ref={gridRef} onKeyDown={onKeyDown}>
        <table className="grid" aria-label={`Task instances of the latest ${columns.length} runs`}>
          <thead>
            <tr>
              <th scope="col" className="grid-corner">
                <span className="muted small">{data.total > columns.length ? `latest ${columns.length} of ${data.total} runs` : `${columns.length} run${columns.length === 1 ? "" : "s"}`}</span>
                <span className="muted small grid-zone">logical dates in {times.zoneName}</span>
              </th>
              {columns.map((run, col) => (
                <th key={run.runId} scope="col" className={run.runId === selectedRunId ? "grid-run selected" : "grid-run"}>
                  <RunBar run={run} times={times} longest={longest} col={col} onSelect={() => onSelectRun(run.runId)} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {taskIds.map((taskId, row) => (
              <tr key={taskId}>
                <th scope="row" className="grid-task">
                  <span title={taskId}>{taskId}</span>
                </th>
                {columns.map((run, col) => {
                  const group = grouped.get(run.runId)?.get(taskId) ?? [];
                  const state = groupState(group);
                  const mapped = group.length > 1 || (group[0]?.mapIndex ?? null) !== null;
                  const first = group[0];
                  const selected = run.runId === selectedRunId && selectedTask?.taskId === taskId;
                  const label = `${taskId} in run ${times.logical(run.logicalDate)}: ${state ? stateLabel(state) : "no instance"}${mapped ? ` (${group.length} mapped)` : ""}`;
                  return (
                    <td key={run.runId} className={run.runId === selectedRunId ? "selected-col" : undefined}>
                      <button
                        type="button"
                        className={`cell state-${state ?? "none"}${selected ? " cell-selected" : ""}`}
                        data-row={row}
                        data-col={col}
                        data-task={taskId}
                        data-run={run.runId}
                        data-state={state ?? "none"}
                        aria-label={label}
                        title={label}
                        disabled={!first}
                        tabIndex={row === 0 && col === columns.length - 1 ? 0 : -1}
                        onClick={() => first && onSelectTask(run.runId, taskId, mapped ? (first.mapIndex ?? null) : null)}
                      >
                        {mapped ? <span className="cell-count">{group.length}</span> : null}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <StateLegend />
      {selectedTask && selectedTask.mapIndex !== null ? <p className="muted small">Showing {instanceName(selectedTask.taskId, selectedTask.mapIndex)}.</p> : null}
    </div>
  );
}

function RunBar({ run, times, longest, col, onSelect }: { run: DagRun; times: Times; longest: number; col: number; onSelect: () => void }) {
  const duration = between(run.startedAt, run.endedAt);
  const height = duration === null ? 6 : Math.max(6, Math.round((duration / longest) * 56));
  const label = `Run ${times.logical(run.logicalDate)} (${run.runType}): ${stateLabel(run.state)}, ${formatDuration(duration)}`;
  return (
    <button type="button" className="run-bar-button" onClick={onSelect} title={label} aria-label={label} data-col={col} data-row={-1} data-run-state={run.state}>
      <span className={`run-bar state-${run.state}`} style={{ height }} />
      <span className="run-date">{times.logicalShort(run.logicalDate)}</span>
    </button>
  );
}
