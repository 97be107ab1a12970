/**
 * One DAG run, next to the grid when a run is picked: its id, state, type, dates, duration and
 * params (kept current by the live stream), and its note. Closes with ✕ or Escape.
 */
import { useEffect } from "react";
import { get, seg } from "../api/client";
import type { DagRun } from "../api/types";
import { useResource } from "../api/use-resource";
import { SidePanel } from "../components/side-panel";
import { StateBadge } from "../components/state";
import { ErrorBox, Loading } from "../components/status";
import { between, formatDuration } from "../format";
import { useChangeTick } from "../live/live-updates";
import { TimeText } from "../time/time-text";
import { RunNoteEditor } from "./run-note-editor";
import { shortVersion } from "./version-note";

export function RunPanel({ runId, onClose }: { runId: string; onClose: () => void }) {
  const run = useResource((signal) => get<DagRun>(`runs/${seg(runId)}`, undefined, signal), [runId]);
  // Its state, times and duration follow the run live.
  const tick = useChangeTick((c) => c.runId === runId && c.taskId === null, 300);
  useEffect(() => {
    if (tick > 0) run.reload();
  }, [tick, run.reload]);
  const r = run.data;
  return (
    <SidePanel
      titleId="run-panel-title"
      title="Run"
      subtitle={
        <div className="muted small run-id" data-testid="run-id">
          {runId}
        </div>
      }
      what="run"
      testId="run-panel"
      className="run-panel"
      onClose={onClose}
    >
      {run.loading ? <Loading /> : null}
      {run.error && !r ? <ErrorBox error={run.error} onRetry={run.reload} /> : null}
      {r ? (
        <>
          <div className="task-summary">
            <StateBadge state={r.state} />
            <span className="muted small">
              {r.runType} · {formatDuration(between(r.startedAt, r.endedAt))}
            </span>
          </div>
          <dl className="facts compact-facts">
            <dt>Logical date</dt>
            <dd>
              <TimeText iso={r.logicalDate} style="logical" />
            </dd>
            <dt>Data interval</dt>
            <dd>
              <TimeText iso={r.dataIntervalStart} style="logical" /> → <TimeText iso={r.dataIntervalEnd} style="logical" />
            </dd>
            <dt>Started</dt>
            <dd>
              <TimeText iso={r.startedAt} style="dateTimeSeconds" />
            </dd>
            <dt>Ended</dt>
            <dd>
              <TimeText iso={r.endedAt} style="dateTimeSeconds" />
            </dd>
            <dt>DAG version</dt>
            <dd>{r.dagVersion ? <code title={r.dagVersion}>{shortVersion(r.dagVersion)}</code> : "–"}</dd>
            <dt>Params</dt>
            <dd>
              <code>{JSON.stringify(r.params)}</code>
            </dd>
          </dl>
          <h3>Note</h3>
          <RunNoteEditor runId={r.runId} note={r.note ?? null} onSaved={(note) => run.mutate((current) => current && { ...current, note })} />
        </>
      ) : null}
    </SidePanel>
  );
}
