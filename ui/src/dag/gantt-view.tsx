/**
 * The Gantt chart of one run: per task instance and try, the queue wait (pale) and the run time
 * (solid), with the durable steps each try ran as thin bars under it.
 */
import { useEffect, useMemo } from "react";
import { get, seg } from "../api/client";
import type { DagDetail, RunHistory } from "../api/types";
import { useResource } from "../api/use-resource";
import { Empty, ErrorBox, Loading } from "../components/status";
import { formatDuration, instanceName } from "../format";
import { useChangeTick } from "../live/live-updates";
import { useNow } from "../time/use-now";
import { useTimes } from "../time/use-times";
import { ganttRows, stepsByInstance } from "./gantt-segments";

interface Props {
  readonly dag: DagDetail;
  readonly runId: string;
  onSelectTask(taskId: string, mapIndex: number | null): void;
}

export function GanttView({ dag, runId, onSelectTask }: Props) {
  const history = useResource((signal) => get<RunHistory>(`runs/${seg(runId)}/history`, undefined, signal), [runId]);
  const tick = useChangeTick((c) => c.runId === runId, 500);
  useEffect(() => {
    if (tick > 0) history.reload();
  }, [tick, history.reload]);
  const times = useTimes();
  const rows = useMemo(() => ganttRows(history.data?.changes ?? [], dag.tasks.map((t) => t.id)), [history.data, dag.tasks]);
  const steps = useMemo(() => stepsByInstance(history.data?.steps ?? []), [history.data]);
  // While something runs, the open bars grow with the clock.
  const now = useNow(rows.some((r) => r.tries.some((t) => t.endedAt === null)));

  if (history.loading) return <Loading label="Loading the run's history…" />;
  if (history.error && !history.data) return <ErrorBox error={history.error} onRetry={history.reload} />;
  if (rows.length === 0) return <Empty title="Nothing has run yet in this run" />;

  const instants = rows.flatMap((r) => r.tries.flatMap((t) => [t.queuedAt ?? t.startedAt, t.endedAt ?? now])).filter((t): t is number => t !== null);
  for (const list of steps.values()) for (const s of list) instants.push(s.startedAt, s.endedAt);
  const start = Math.min(...instants);
  const end = Math.max(...instants, start + 1);
  const span = end - start;
  const pct = (t: number) => `${((t - start) / span) * 100}%`;
  const width = (a: number, b: number) => `${Math.max(0.3, ((b - a) / span) * 100)}%`;

  return (
    <div className="gantt" role="table" aria-label="Gantt chart: queue wait and run time of each try">
      <div className="gantt-row gantt-axis" role="row">
        <span className="gantt-label" role="columnheader">
          task
        </span>
        <span className="gantt-track" role="columnheader">
          <span className="gantt-tick" style={{ left: 0 }}>
            {times.time(new Date(start).toISOString())}
          </span>
          <span className="gantt-tick gantt-tick-end">{formatDuration(span)}</span>
        </span>
      </div>
      {rows.map((row) => (
        <div className="gantt-row" role="row" key={`${row.taskId}/${row.mapIndex ?? ""}`}>
          <button type="button" className="gantt-label link" role="rowheader" onClick={() => onSelectTask(row.taskId, row.mapIndex)}>
            {instanceName(row.taskId, row.mapIndex)}
          </button>
          <span className="gantt-track" role="cell">
            {row.tries.map((t) => {
              const queuedAt = t.queuedAt ?? t.startedAt ?? now;
              const startedAt = t.startedAt;
              const endedAt = t.endedAt ?? now;
              const title = `try ${t.tryNumber}: waited ${formatDuration(startedAt === null ? endedAt - queuedAt : startedAt - queuedAt)} in the queue, ran ${startedAt === null ? "–" : formatDuration(endedAt - startedAt)} (${t.outcome})`;
              return (
                <span key={t.tryNumber} title={title} aria-label={title}>
                  <span className="gantt-wait" style={{ left: pct(queuedAt), width: width(queuedAt, startedAt ?? endedAt) }} />
                  {startedAt !== null ? <span className={`gantt-bar state-${t.outcome}`} style={{ left: pct(startedAt), width: width(startedAt, endedAt) }} /> : null}
                </span>
              );
            })}
            {(steps.get(`${row.taskId}\u0000${row.mapIndex ?? ""}`) ?? []).map((s) => {
              const title = `step ${s.number} "${s.name}" (try ${s.tryNumber}): ran ${formatDuration(s.endedAt - s.startedAt)}`;
              return <span key={s.number} className="gantt-step" data-testid="gantt-step" title={title} aria-label={title} style={{ left: pct(s.startedAt), width: width(s.startedAt, s.endedAt) }} />;
            })}
          </span>
        </div>
      ))}
      <p className="muted small">Pale: waiting in the queue. Solid: running, coloured by how the try ended. Thin: a durable step, under the try that ran it. Hover a bar for its times.</p>
    </div>
  );
}
