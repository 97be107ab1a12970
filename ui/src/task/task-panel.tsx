/**
 * One task instance: state, actions (by role), tries with duration and error, its durable steps, the log of any try,
 * state history, result and dataset events. It refreshes live while the instance changes. For a run
 * of an older DAG version, Clear says that the task runs again with the version loaded now. An
 * instance waiting for a human approval shows the approval's answer form.
 */
import { useEffect, useState } from "react";
import { errorMessage, get, post, seg } from "../api/client";
import type { TaskInstanceDetail, TaskInstanceList } from "../api/types";
import { useResource } from "../api/use-resource";
import { useCan } from "../auth";
import { SidePanel } from "../components/side-panel";
import { StateBadge } from "../components/state";
import { ErrorBox, Loading } from "../components/status";
import { between, formatDuration, instanceName, stateLabel } from "../format";
import { shortVersion } from "../dag/version-note";
import { useChangeTick } from "../live/live-updates";
import { href } from "../router";
import { TimeText } from "../time/time-text";
import { useNow } from "../time/use-now";
import { useTimes } from "../time/use-times";
import { LogViewer } from "./log-viewer";
import { StepList } from "./step-list";
import { TaskApproval } from "./task-approval";

interface Props {
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  /** The DAG version the run used, the one loaded now, and whether the loaded one still has this task. */
  readonly versions?: { readonly run: string | null; readonly current: string | null; readonly taskInCurrent: boolean };
  onClose(): void;
}

export function TaskPanel({ runId, taskId, mapIndex, versions, onClose }: Props) {
  const canOperate = useCan("operator");
  const [index, setIndex] = useState(mapIndex);
  const path = `runs/${seg(runId)}/tasks/${seg(taskId)}`;
  const detail = useResource((signal) => get<TaskInstanceDetail>(path, { mapIndex: index }, signal), [path, index]);
  const siblings = useResource(
    (signal) => (mapIndex === null ? Promise.resolve([]) : get<TaskInstanceList>(`runs/${seg(runId)}/tasks`, undefined, signal).then((r) => r.taskInstances.filter((t) => t.taskId === taskId))),
    [runId, taskId, mapIndex === null],
  );
  const tick = useChangeTick((c) => c.runId === runId && c.taskId === taskId && (index === null || c.mapIndex === index), 250);
  useEffect(() => {
    if (tick > 0) detail.reload();
  }, [tick, detail.reload]);
  const [tryShown, setTryShown] = useState<number | undefined>();
  const [action, setAction] = useState<{ busy: boolean; message?: string; error?: string }>({ busy: false });
  const [downstream, setDownstream] = useState(false);

  const act = async (label: string, request: () => Promise<unknown>) => {
    setAction({ busy: true });
    try {
      await request();
      setAction({ busy: false, message: label });
      setTryShown(undefined);
      detail.reload();
    } catch (e) {
      setAction({ busy: false, error: errorMessage(e) });
    }
  };

  const ti = detail.data;
  const times = useTimes();
  // The wait of a queued try and the duration of a running one grow with the clock.
  const now = useNow(ti?.state === "running" || ti?.state === "queued" || ti?.state === "deferred");
  const finished = ti ? ["success", "failed", "skipped", "upstream_failed"].includes(ti.state) : false;
  const tries = ti ? [...ti.tries].sort((a, b) => a.tryNumber - b.tryNumber) : [];
  const shownTry = tryShown ?? (ti && ti.tryNumber > 0 ? ti.tryNumber : undefined);
  // The instance's result came from the cache when its latest try was a cache hit.
  const latestCached = tries.at(-1)?.cached === true ? tries.at(-1) : undefined;
  const olderRun = versions?.run && versions.current && versions.run !== versions.current ? { run: versions.run, current: versions.current } : undefined;
  const removed = versions?.taskInCurrent === false;

  return (
    <SidePanel titleId="task-panel-title" title={instanceName(taskId, index)} subtitle={<div className="muted small">run {runId}</div>} what="task" testId="task-panel" onClose={onClose}>
      {siblings.data && siblings.data.length > 0 ? (
        <label className="filter">
          Map index
          <select value={index ?? ""} onChange={(e) => setIndex(Number(e.target.value))}>
            {siblings.data.map((s) => (
              <option key={s.mapIndex ?? -1} value={s.mapIndex ?? ""}>
                [{s.mapIndex}] {stateLabel(s.state)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {detail.loading ? <Loading /> : null}
      {detail.error && !ti ? <ErrorBox error={detail.error} onRetry={detail.reload} /> : null}
      {ti ? (
        <>
          <div className="task-summary">
            <StateBadge state={ti.state} />
            {latestCached ? (
              <span className="badge badge-cached" data-testid="task-cached" title={`The result came from the cache (key ${latestCached.cacheKey ?? "?"}): the task did not run`}>
                cached
              </span>
            ) : null}
            <span data-testid="task-state" data-state={ti.state} className="sr-only">
              {ti.state}
            </span>
            <span className="muted small">
              try {ti.tryNumber} of {ti.maxTries} · <span data-testid="task-duration">{formatDuration(between(ti.startedAt, ti.endedAt, now))}</span>
              {ti.nextRetryAt ? ` · next try at ${times.time(ti.nextRetryAt)}` : ""}
              {ti.pokes > 0 && ti.waitReason !== "approval" ? ` · ${ti.pokes} ${ti.pokes === 1 ? "poke" : "pokes"}` : ""}
              {ti.wakeAt ? <span data-testid="task-next-poke">{ti.waitReason === "approval" ? ` · deadline ${times.dateTime(ti.wakeAt)}` : ` · next poke at ${times.time(ti.wakeAt)}`}</span> : ""}
            </span>
          </div>
          {canOperate ? (
            <div className="task-actions">
              <button
                type="button"
                className="btn"
                disabled={action.busy || !finished || removed}
                onClick={() => void act(olderRun ? `Cleared: it runs again with version ${shortVersion(olderRun.current)}.` : "Cleared: it runs again.", () => post(`${path}/clear`, { mapIndex: index, downstream }))}
                title={removed ? "The current version of the DAG has no such task" : finished ? "Run this task instance again" : "Only a finished instance can be cleared"}
              >
                ↻ Clear
              </button>
              <label className="small">
                <input type="checkbox" checked={downstream} onChange={(e) => setDownstream(e.target.checked)} /> and downstream
              </label>
              <button type="button" className="btn" disabled={action.busy || ti.state === "success"} onClick={() => void act("Marked success.", () => post(`${path}/mark`, { state: "success", mapIndex: index }))}>
                Mark success
              </button>
              <button type="button" className="btn btn-danger" disabled={action.busy || ti.state === "failed"} onClick={() => void act("Marked failed.", () => post(`${path}/mark`, { state: "failed", mapIndex: index }))}>
                Mark failed
              </button>
            </div>
          ) : null}
          {canOperate && olderRun ? (
            <p className="version-note small" data-testid="clear-version">
              {removed ? (
                <>
                  This run used version <code title={olderRun.run}>{shortVersion(olderRun.run)}</code>; the current version{" "}
                  <code title={olderRun.current}>{shortVersion(olderRun.current)}</code> has no task <code>{taskId}</code>, so it cannot be cleared.
                </>
              ) : (
                <>
                  This run used version <code title={olderRun.run}>{shortVersion(olderRun.run)}</code>. Clear runs it with the current version{" "}
                  <code title={olderRun.current}>{shortVersion(olderRun.current)}</code>.
                </>
              )}
            </p>
          ) : null}
          {action.message ? (
            <p className="notice" role="status">
              {action.message}
            </p>
          ) : null}
          {action.error ? (
            <p className="field-error" role="alert">
              {action.error}
            </p>
          ) : null}
          {ti.error ? <pre className="error-text">{ti.error}</pre> : null}
          {ti.state === "deferred" && ti.waitReason === "approval" ? (
            <TaskApproval
              dagId={ti.dagId}
              runId={runId}
              taskId={taskId}
              mapIndex={index}
              onAnswered={(_answered, decision) => {
                setAction({ busy: false, message: decision === "approve" ? "Approved." : "Rejected." });
                detail.reload();
              }}
            />
          ) : null}

          <h3>Tries</h3>
          {tries.length === 0 ? (
            <p className="muted small">No try yet.</p>
          ) : (
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">Try</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Queued</th>
                  <th scope="col">Ran</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {tries.map((t) => (
                  <tr key={t.tryNumber} className={t.tryNumber === shownTry ? "row-selected" : undefined}>
                    <td>
                      <button type="button" className="link" onClick={() => setTryShown(t.tryNumber)} aria-label={`Show the log of try ${t.tryNumber}`}>
                        #{t.tryNumber}
                      </button>
                    </td>
                    <td>
                      <StateBadge state={t.outcome} />
                      {t.cached ? (
                        <span className="badge badge-cached" title={`The result came from the cache (key ${t.cacheKey ?? "?"}): the task did not run`}>
                          cached
                        </span>
                      ) : null}
                    </td>
                    <td>{formatDuration(between(t.queuedAt, t.startedAt, now))}</td>
                    <td title={`${times.dateTimeSeconds(t.startedAt)} → ${times.dateTimeSeconds(t.endedAt)}`}>{formatDuration(between(t.startedAt, t.endedAt, now))}</td>
                    <td className="error-cell">{t.error ? `${t.errorKind ?? "error"}: ${t.error}` : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <StepList steps={ti.steps} />

          <div className="log-heading">
            <h3>Log{shownTry !== undefined ? ` · try ${shownTry}` : ""}</h3>
            {shownTry !== undefined ? (
              <a className="small" href={href(["runs", runId, "tasks", taskId, "log"], { try: shownTry, map: index })}>
                Open the full-page log
              </a>
            ) : null}
          </div>
          {shownTry === undefined ? <p className="muted small">The log appears when the first try starts.</p> : <LogViewer key={`${index ?? ""}/${shownTry}`} runId={runId} taskId={taskId} mapIndex={index} tryNumber={shownTry} />}

          <details open={ti.state === "success"}>
            <summary>Result</summary>
            {ti.result === null || ti.result === undefined ? <p className="muted small">No result.</p> : <pre className="json">{JSON.stringify(ti.result, null, 2).slice(0, 20_000)}</pre>}
          </details>
          <details>
            <summary>Datasets ({ti.datasetEvents.length})</summary>
            {ti.datasetEvents.length === 0 ? (
              <p className="muted small">This instance recorded no dataset events.</p>
            ) : (
              <ul className="plain">
                {ti.datasetEvents.map((e, i) => (
                  <li key={i}>
                    <code>{e.uri}</code> <span className="muted small">{JSON.stringify(e.metadata ?? {})}</span>
                  </li>
                ))}
              </ul>
            )}
          </details>
          <details>
            <summary>State history ({ti.history.length})</summary>
            <ol className="history">
              {ti.history.map((h) => (
                <li key={h.id}>
                  <span className="muted small">
                    <TimeText iso={h.at} style="dateTimeSeconds" />
                  </span> {h.fromState ? `${stateLabel(h.fromState)} → ` : ""}
                  <StateBadge state={h.toState} />
                  {h.reason ? <span className="muted small"> {h.reason}</span> : null}
                </li>
              ))}
            </ol>
          </details>
        </>
      ) : null}
    </SidePanel>
  );
}
