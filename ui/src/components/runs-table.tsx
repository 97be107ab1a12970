/**
 * A page of DAG runs with state and type filters, paging, each run's note, and for operators clear
 * and cancel per run and bulk actions on the runs ticked.
 */
import { useEffect, useState } from "react";
import { errorMessage, get, post, seg } from "../api/client";
import type { RunList } from "../api/types";
import { useResource } from "../api/use-resource";
import { useCan } from "../auth";
import { between, formatDuration } from "../format";
import { useChangeTick } from "../live/live-updates";
import { href } from "../router";
import { TimeText } from "../time/time-text";
import { useTimes } from "../time/use-times";
import { BulkOutcomeNote, BulkRunActions, type BulkOutcome } from "./bulk-run-actions";
import { StateBadge } from "./state";
import { Empty, ErrorBox, Loading } from "./status";

const PAGE_SIZE = 50;

export function RunsTable({ dagId, onOpenRun }: { dagId?: string; onOpenRun?: (runId: string) => void }) {
  const canOperate = useCan("operator");
  const times = useTimes();
  const [state, setState] = useState("");
  const [runType, setRunType] = useState("");
  const [offset, setOffset] = useState(0);
  const [actionError, setActionError] = useState<string | undefined>();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulkOutcome, setBulkOutcome] = useState<BulkOutcome | undefined>();
  const runs = useResource(
    (signal) => get<RunList>("runs", { dagId, state, runType, limit: PAGE_SIZE, offset }, signal),
    [dagId, state, runType, offset],
  );
  // Another page or filter: ticked runs out of sight are not acted on by surprise.
  useEffect(() => setSelected(new Set()), [dagId, state, runType, offset]);
  const tick = useChangeTick((c) => c.taskId === null && (dagId === undefined || c.dagId === dagId), 800);
  useEffect(() => {
    if (tick > 0) runs.reload();
  }, [tick, runs.reload]);

  const act = async (request: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await request();
      runs.reload();
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };

  const total = runs.data?.total ?? 0;
  const pageIds = runs.data?.runs.map((r) => r.runId) ?? [];
  const allTicked = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const toggle = (runId: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(runId);
      else next.delete(runId);
      return next;
    });
  return (
    <div className="runs-table">
      <div className="filters">
        <label className="filter">
          State
          <select
            value={state}
            onChange={(e) => {
              setState(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">any</option>
            <option value="queued">queued</option>
            <option value="running">running</option>
            <option value="success">success</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <label className="filter">
          Type
          <select
            value={runType}
            onChange={(e) => {
              setRunType(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">any</option>
            <option value="scheduled">scheduled</option>
            <option value="manual">manual</option>
            <option value="backfill">backfill</option>
            <option value="event">event</option>
          </select>
        </label>
        {runs.data ? <span className="muted small">{total} runs</span> : null}
      </div>
      {actionError ? (
        <p className="field-error" role="alert">
          {actionError}
        </p>
      ) : null}
      {canOperate && selected.size > 0 ? (
        <BulkRunActions
          runIds={[...selected]}
          onClearSelection={() => setSelected(new Set())}
          onDone={(outcome) => {
            setBulkOutcome(outcome);
            setSelected(new Set());
            runs.reload();
          }}
        />
      ) : null}
      {bulkOutcome ? <BulkOutcomeNote outcome={bulkOutcome} /> : null}
      {runs.loading ? <Loading label="Loading runs…" /> : null}
      {runs.error && !runs.data ? <ErrorBox error={runs.error} onRetry={runs.reload} /> : null}
      {runs.data && runs.data.runs.length === 0 ? <Empty title="No runs match" /> : null}
      {runs.data && runs.data.runs.length > 0 ? (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                {canOperate ? (
                  <th scope="col" className="col-select">
                    <input type="checkbox" aria-label="Select every run on this page" checked={allTicked} onChange={(e) => setSelected(e.target.checked ? new Set(pageIds) : new Set())} />
                  </th>
                ) : null}
                <th scope="col">State</th>
                {dagId === undefined ? <th scope="col">DAG</th> : null}
                <th scope="col">Logical date</th>
                <th scope="col">Type</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Note</th>
                {canOperate ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {runs.data.runs.map((run) => (
                <tr key={run.runId} data-run-id={run.runId} className={selected.has(run.runId) ? "row-selected" : undefined}>
                  {canOperate ? (
                    <td className="col-select">
                      <input type="checkbox" aria-label={`Select run ${times.logical(run.logicalDate)} (${run.runId})`} checked={selected.has(run.runId)} onChange={(e) => toggle(run.runId, e.target.checked)} />
                    </td>
                  ) : null}
                  <td>
                    <StateBadge state={run.state} />
                  </td>
                  {dagId === undefined ? (
                    <td>
                      <a href={href(["dags", run.dagId])}>{run.dagId}</a>
                    </td>
                  ) : null}
                  <td>
                    {onOpenRun ? (
                      <button type="button" className="link" onClick={() => onOpenRun(run.runId)} title={run.runId}>
                        <TimeText iso={run.logicalDate} style="logical" />
                      </button>
                    ) : (
                      <a href={href(["dags", run.dagId], { tab: "grid", run: run.runId })} title={run.runId}>
                        <TimeText iso={run.logicalDate} style="logical" />
                      </a>
                    )}
                  </td>
                  <td>{run.runType}</td>
                  <td>
                    <TimeText iso={run.startedAt} />
                  </td>
                  <td>{formatDuration(between(run.startedAt, run.endedAt))}</td>
                  <td className="run-note" title={run.note ? `${run.note.note}\n— ${run.note.updatedBy ?? "unknown"}, ${times.dateTime(run.note.updatedAt)}` : undefined}>
                    {run.note?.note ?? ""}
                  </td>
                  {canOperate ? (
                    <td>
                      <div className="row-actions">
                        {run.state === "success" || run.state === "failed" ? (
                          <>
                            <button type="button" className="btn btn-small" onClick={() => void act(() => post(`runs/${seg(run.runId)}/clear`, { onlyFailed: false }))}>
                              Rerun
                            </button>
                            {run.state === "failed" ? (
                              <button type="button" className="btn btn-small" onClick={() => void act(() => post(`runs/${seg(run.runId)}/clear`, { onlyFailed: true }))}>
                                Rerun failed
                              </button>
                            ) : null}
                          </>
                        ) : (
                          <button type="button" className="btn btn-small btn-danger" onClick={() => void act(() => post(`runs/${seg(run.runId)}/cancel`))}>
                            Cancel
                          </button>
                        )}
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {total > PAGE_SIZE ? (
        <div className="pager">
          <button type="button" className="btn" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            ← Newer
          </button>
          <span className="muted small">
            {offset + 1}–{Math.min(total, offset + PAGE_SIZE)} of {total}
          </span>
          <button type="button" className="btn" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
            Older →
          </button>
        </div>
      ) : null}
    </div>
  );
}
