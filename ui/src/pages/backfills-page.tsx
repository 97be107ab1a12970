/**
 * Backfills: every backfill, newest first, with its DAG, range, progress and state, and Pause,
 * Resume and Cancel for operators (a paused one is often an interrupted `tributary backfill`). Progress follows the runs live (a run finishing is a state change on the stream);
 * while a backfill runs, the page also polls, since the scheduler completes a backfill on its own tick.
 */
import { useEffect, useMemo, useState } from "react";
import { errorMessage, get, post } from "../api/client";
import type { Backfill, BackfillList, DagList } from "../api/types";
import { useResource } from "../api/use-resource";
import { useCan } from "../auth";
import { BackfillProgress } from "../components/backfill-progress";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useChangeTick } from "../live/live-updates";
import { href, setQuery, useRoute } from "../router";
import { TimeText } from "../time/time-text";
import { timesIn } from "../time/use-times";

const POLL_MS = 3_000;
const STATES = ["", "running", "paused", "completed", "cancelled"] as const;
/** Backfill states drawn with the run-state palette. */
const STATE_COLOUR: Readonly<Record<Backfill["state"], string>> = { running: "running", paused: "queued", completed: "success", cancelled: "skipped" };
type BackfillAction = "pause" | "resume" | "cancel";
/** The actions each state offers, in button order. */
const ACTIONS: Readonly<Record<Backfill["state"], readonly BackfillAction[]>> = { running: ["pause", "cancel"], paused: ["resume", "cancel"], completed: [], cancelled: [] };
const ACTION_LABEL: Readonly<Record<BackfillAction, string>> = { pause: "Pause", resume: "Resume", cancel: "Cancel" };

export function BackfillsPage() {
  const route = useRoute();
  const state = route.query.get("state") ?? "";
  const canOperate = useCan("operator");
  const backfills = useResource((signal) => get<BackfillList>("backfills", { state }, signal), [state]);
  // Ranges read in each DAG's timezone, as the backfill dialog took them; the rest in the header's zone.
  const dags = useResource((signal) => get<DagList>("dags", undefined, signal), []);
  const timezones = useMemo(() => new Map((dags.data?.dags ?? []).map((d) => [d.dagId, d.timezone])), [dags.data]);
  const [actionError, setActionError] = useState<string | undefined>();

  const tick = useChangeTick((c) => c.taskId === null, 500);
  useEffect(() => {
    if (tick > 0) backfills.reload();
  }, [tick, backfills.reload]);
  const anyRunning = backfills.data?.backfills.some((b) => b.state === "running") ?? false;
  useEffect(() => {
    if (!anyRunning) return;
    const timer = window.setInterval(backfills.reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [anyRunning, backfills.reload]);

  useEffect(() => {
    document.title = "Backfills · Tributary";
    return () => {
      document.title = "Tributary";
    };
  }, []);

  const act = async (id: number, action: BackfillAction) => {
    setActionError(undefined);
    try {
      const changed = await post<Backfill>(`backfills/${id}/${action}`);
      backfills.mutate((data) => data && { backfills: data.backfills.map((b) => (b.id === id ? changed : b)) });
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };

  const list = backfills.data?.backfills ?? [];
  return (
    <section className="page" aria-labelledby="backfills-title">
      <div className="page-head">
        <h1 id="backfills-title">Backfills</h1>
      </div>
      <div className="filters">
        <label className="filter">
          State
          <select value={state} onChange={(e) => setQuery(route, { state: e.target.value }, { replace: true })}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s === "" ? "any" : s}
              </option>
            ))}
          </select>
        </label>
        {backfills.data ? <span className="muted small">{list.length} backfills</span> : null}
      </div>
      {actionError ? (
        <p className="field-error" role="alert">
          {actionError}
        </p>
      ) : null}
      {backfills.loading ? <Loading label="Loading backfills…" /> : null}
      {backfills.error && !backfills.data ? <ErrorBox error={backfills.error} onRetry={backfills.reload} /> : null}
      {backfills.data && list.length === 0 ? <Empty title="No backfills">Start one from a DAG's page: Backfill…</Empty> : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table className="table backfills-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">DAG</th>
                <th scope="col">Range</th>
                <th scope="col">Progress</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                {canOperate ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.map((b) => {
                const dagTimes = timesIn(timezones.get(b.dagId) ?? "UTC");
                return (
                  <tr key={b.id} data-backfill-id={b.id}>
                    <td>{b.id}</td>
                    <td>
                      <a className="col-dag" href={href(["dags", b.dagId], { tab: "runs" })}>
                        {b.dagId}
                      </a>
                    </td>
                    <td className="col-range">
                      {dagTimes.logical(b.from)} → {dagTimes.rangeEnd(b.to)}
                    </td>
                    <td className="col-progress">
                      <BackfillProgress progress={b.progress} label={`Progress of backfill ${b.id}`} />
                    </td>
                    <td>
                      <span className={`badge col-state state-${STATE_COLOUR[b.state]}`}>{b.state}</span>
                    </td>
                    <td className="small">
                      <TimeText iso={b.createdAt} />
                      {b.createdBy ? <div className="muted">by {b.createdBy}</div> : null}
                    </td>
                    {canOperate ? (
                      <td className="row-actions">
                        {ACTIONS[b.state].map((action) => (
                          <button
                            key={action}
                            type="button"
                            className={`btn btn-small${action === "cancel" ? " btn-danger" : ""}`}
                            aria-label={`${ACTION_LABEL[action]} backfill ${b.id}`}
                            onClick={() => void act(b.id, action)}
                          >
                            {ACTION_LABEL[action]}
                          </button>
                        ))}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
