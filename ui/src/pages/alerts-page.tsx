/**
 * Dead letters & alerts: the alerts raised for dead-lettered task instances and SLA misses (with
 * their escalation: every delivery and attempt), acknowledged or resolved by operators; the dead
 * letters themselves; the SLA misses. Alerts are raised by the scheduler's dispatcher, not by a
 * state change the live stream reports, so the page also polls while it is open.
 */
import { useEffect, useRef, useState } from "react";
import { errorMessage, get, post } from "../api/client";
import type { AlertDetail, AlertList, AlertState, DeadLetterList, SlaMissList } from "../api/types";
import { useResource } from "../api/use-resource";
import { useCan } from "../auth";
import { SidePanel } from "../components/side-panel";
import { Empty, ErrorBox, Loading } from "../components/status";
import { formatDuration, instanceName, relativeTime } from "../format";
import { useRefresh } from "../live/use-refresh";
import { href, setQuery, useRoute } from "../router";

const KIND_LABELS = { dead_letter: "dead letter", sla_miss: "SLA miss", approval: "approval waiting" } as const;
import { useTimes } from "../time/use-times";

const POLL_MS = 5_000;
const ALERT_FILTERS = [
  { id: "", label: "any state" },
  { id: "open", label: "open" },
  { id: "acknowledged", label: "acknowledged" },
  { id: "resolved", label: "resolved" },
] as const;

/** Alert and delivery states drawn with the run-state palette. */
const ALERT_COLOUR: Record<AlertState, string> = { open: "failed", acknowledged: "retrying", resolved: "success" };
const DELIVERY_COLOUR: Record<string, string> = { pending: "queued", sending: "running", sent: "success", failed: "failed", cancelled: "skipped" };

function Badge({ colour, children }: { colour: string; children: string }) {
  return <span className={`badge state-${colour}`}>{children}</span>;
}

/** Reloads `reload` every POLL_MS and when a task fails (a dead letter may follow). */
const useAlertRefresh = (reload: () => void) => useRefresh(reload, (c) => c.taskId !== null && c.toState === "failed", POLL_MS);

const taskLink = (dagId: string, runId: string | null, taskId: string | null, mapIndex: number | null) =>
  runId ? href(["dags", dagId], { tab: "grid", run: runId, task: taskId, map: mapIndex }) : href(["dags", dagId]);

export function AlertsPage() {
  const route = useRoute();
  const stateFilter = route.query.get("state") ?? "";
  const openAlert = route.query.get("alert");
  const times = useTimes();
  const alerts = useResource((signal) => get<AlertList>("alerts", { state: stateFilter }, signal), [stateFilter]);
  useAlertRefresh(alerts.reload);
  useScrollToAlert(openAlert, alerts.data !== undefined);

  useEffect(() => {
    document.title = "Dead letters & alerts · Tributary";
    return () => {
      document.title = "Tributary";
    };
  }, []);

  return (
    <section className="page alerts-page" aria-labelledby="alerts-title">
      <div className="page-head">
        <h1 id="alerts-title">Dead letters &amp; alerts</h1>
      </div>
      <div className="dag-body">
        <div className="tab-panel">
          <section aria-labelledby="alerts-list-title">
            <div className="filters">
              <h2 id="alerts-list-title">Alerts</h2>
              <label className="filter">
                State
                <select aria-label="Alert state" value={stateFilter} onChange={(e) => setQuery(route, { state: e.target.value }, { replace: true })}>
                  {ALERT_FILTERS.map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.label}
                    </option>
                  ))}
                </select>
              </label>
              {alerts.data ? <span className="muted small">{alerts.data.alerts.length} alerts</span> : null}
            </div>
            {alerts.loading ? <Loading label="Loading alerts…" /> : null}
            {alerts.error && !alerts.data ? <ErrorBox error={alerts.error} onRetry={alerts.reload} /> : null}
            {alerts.data && alerts.data.alerts.length === 0 ? <Empty title={stateFilter ? `No ${stateFilter} alerts` : "No alerts"}>A dead-lettered task or an SLA miss raises one.</Empty> : null}
            {alerts.data && alerts.data.alerts.length > 0 ? (
              <div className="table-scroll">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">State</th>
                      <th scope="col">Alert</th>
                      <th scope="col">DAG / task</th>
                      <th scope="col">Raised</th>
                      <th scope="col">Seen</th>
                    </tr>
                  </thead>
                  <tbody>
                    {alerts.data.alerts.map((a) => (
                      <tr key={a.id} data-alert={a.id} data-alert-state={a.state} className={String(a.id) === openAlert ? "row-selected" : undefined}>
                        <td>
                          <Badge colour={ALERT_COLOUR[a.state]}>{a.state}</Badge>
                        </td>
                        <td>
                          <button type="button" className="link" onClick={() => setQuery(route, { alert: a.id })}>
                            #{a.id} {a.title}
                          </button>
                          <div className="muted small">{KIND_LABELS[a.kind]}</div>
                        </td>
                        <td>
                          <a href={taskLink(a.dagId, a.runId, a.taskId, a.mapIndex)}>
                            <code>
                              {a.dagId}
                              {a.taskId ? `.${instanceName(a.taskId, a.mapIndex)}` : ""}
                            </code>
                          </a>
                        </td>
                        <td title={times.dateTimeSeconds(a.createdAt)}>{relativeTime(a.createdAt)}</td>
                        <td data-occurrences={a.occurrences} title={`last seen ${times.dateTimeSeconds(a.lastSeenAt)}`}>
                          {a.occurrences > 1 ? `${a.occurrences}×, last ${relativeTime(a.lastSeenAt)}` : "once"}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </section>
          <DeadLetters />
          <SlaMisses />
        </div>
        {openAlert ? <AlertPanel key={openAlert} id={openAlert} onChanged={alerts.reload} onClose={() => setQuery(route, { alert: null })} /> : null}
      </div>
    </section>
  );
}

/**
 * Brings the opened alert's row into view once the list has loaded: a link from a message
 * (`#/alerts?alert=<id>`) opens the page with that alert, which may be far down the list.
 */
function useScrollToAlert(id: string | null, loaded: boolean): void {
  const done = useRef<string | null>(null);
  useEffect(() => {
    if (!loaded || id === null || done.current === id) return;
    done.current = id;
    document.querySelector(`tr[data-alert="${CSS.escape(id)}"]`)?.scrollIntoView({ block: "center" });
  }, [id, loaded]);
}

function AlertPanel({ id, onChanged, onClose }: { id: string; onChanged: () => void; onClose: () => void }) {
  const canOperate = useCan("operator");
  const times = useTimes();
  const detail = useResource((signal) => get<AlertDetail>(`alerts/${encodeURIComponent(id)}`, undefined, signal), [id]);
  useAlertRefresh(detail.reload);
  const [action, setAction] = useState<{ busy: boolean; message?: string; error?: string }>({ busy: false });

  const act = async (kind: "ack" | "resolve") => {
    setAction({ busy: true });
    try {
      await post(`alerts/${encodeURIComponent(id)}/${kind}`);
      setAction({ busy: false, message: kind === "ack" ? "Acknowledged: escalation stops." : "Resolved." });
      detail.reload();
      onChanged();
    } catch (e) {
      setAction({ busy: false, error: errorMessage(e) });
    }
  };

  const a = detail.data;
  const attemptsOf = (deliveryId: number) => (a?.attempts ?? []).filter((t) => t.deliveryId === deliveryId).sort((x, y) => x.attempt - y.attempt);
  return (
    <SidePanel
      titleId="alert-panel-title"
      title={`Alert #${id}`}
      subtitle={a ? <div className="muted small">{KIND_LABELS[a.kind]}</div> : null}
      what="alert"
      testId="alert-panel"
      onClose={onClose}
    >
      {detail.loading ? <Loading /> : null}
      {detail.error && !a ? <ErrorBox error={detail.error} onRetry={detail.reload} /> : null}
      {a ? (
        <>
          <div className="task-summary">
            <Badge colour={ALERT_COLOUR[a.state]}>{a.state}</Badge>
            <span data-testid="alert-state" data-state={a.state} className="sr-only">
              {a.state}
            </span>
            <strong>{a.title}</strong>
          </div>
          {canOperate ? (
            <div className="task-actions">
              <button type="button" className="btn" disabled={action.busy || a.state !== "open"} onClick={() => void act("ack")} title="Stops the escalation (no page is sent)">
                Acknowledge
              </button>
              <button type="button" className="btn" disabled={action.busy || a.state === "resolved"} onClick={() => void act("resolve")}>
                Resolve
              </button>
            </div>
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
          <dl className="facts">
            <dt>DAG / task</dt>
            <dd>
              <a href={taskLink(a.dagId, a.runId, a.taskId, a.mapIndex)}>
                <code>
                  {a.dagId}
                  {a.taskId ? `.${instanceName(a.taskId, a.mapIndex)}` : ""}
                </code>
              </a>
            </dd>
            {a.runId ? (
              <>
                <dt>{a.lastRunId && a.lastRunId !== a.runId ? "First run" : "Run"}</dt>
                <dd className="small">{a.runId}</dd>
              </>
            ) : null}
            <dt>Raised</dt>
            <dd>{times.dateTimeSeconds(a.createdAt)}</dd>
            <dt>Occurrences</dt>
            <dd data-testid="alert-occurrences" data-occurrences={a.occurrences}>
              {a.occurrences} (last {times.dateTimeSeconds(a.lastSeenAt)})
            </dd>
            {a.lastRunId && a.lastRunId !== a.runId ? (
              <>
                <dt>Last run</dt>
                <dd className="small">
                  <a href={taskLink(a.dagId, a.lastRunId, a.taskId, null)}>{a.lastRunId}</a>
                </dd>
              </>
            ) : null}
            {a.acknowledgedAt ? (
              <>
                <dt>Acknowledged</dt>
                <dd>
                  {times.dateTimeSeconds(a.acknowledgedAt)} by {a.acknowledgedBy ?? "?"}
                </dd>
              </>
            ) : null}
            {a.resolvedAt ? (
              <>
                <dt>Resolved</dt>
                <dd>
                  {times.dateTimeSeconds(a.resolvedAt)} by {a.resolvedBy ?? "?"}
                </dd>
              </>
            ) : null}
            {a.ticketKey ? (
              <>
                <dt>Ticket</dt>
                <dd>
                  <code>{a.ticketKey}</code>
                </dd>
              </>
            ) : null}
          </dl>
          {a.details ? <pre className="error-text">{a.details}</pre> : null}

          <h3>Escalation ({a.deliveries.length})</h3>
          {a.deliveries.length === 0 ? (
            <p className="muted small">No channel is configured for this DAG: nothing was sent.</p>
          ) : (
            <table className="table compact" data-testid="alert-deliveries">
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col">Channel</th>
                  <th scope="col">State</th>
                  <th scope="col">When</th>
                  <th scope="col">Attempts</th>
                </tr>
              </thead>
              <tbody>
                {[...a.deliveries]
                  .sort((x, y) => x.step - y.step || x.id - y.id)
                  .map((d) => (
                    <tr key={d.id} data-delivery={d.channel} data-delivery-state={d.state}>
                      <td>{d.step}</td>
                      <td>
                        <code>{d.channel}</code> <span className="muted small">{d.event}</span>
                      </td>
                      <td>
                        <Badge colour={DELIVERY_COLOUR[d.state] ?? "queued"}>{d.state}</Badge>
                      </td>
                      <td className="small" title={`due ${times.dateTimeSeconds(d.dueAt)}`}>
                        {d.sentAt ? `sent ${times.dateTimeSeconds(d.sentAt)}` : d.state === "pending" ? `due ${relativeTime(d.dueAt)}` : times.dateTimeSeconds(d.dueAt)}
                      </td>
                      <td className="small">
                        {attemptsOf(d.id).length === 0
                          ? "–"
                          : attemptsOf(d.id).map((t) => (
                              <div key={t.id} className={t.ok ? undefined : "error-cell"} data-attempt-ok={t.ok ? "true" : "false"}>
                                #{t.attempt} {times.dateTimeSeconds(t.at)}: {t.ok ? "ok" : "failed"}
                                {t.status !== null && (t.ok || !t.error) ? ` (HTTP ${t.status})` : ""}, {formatDuration(t.durationMs)}
                                {t.error ? ` · ${t.error}` : ""}
                              </div>
                            ))}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </SidePanel>
  );
}

function DeadLetters() {
  const times = useTimes();
  const [openOnly, setOpenOnly] = useState(true);
  const letters = useResource((signal) => get<DeadLetterList>("dead-letters", { open: openOnly ? "true" : undefined }, signal), [openOnly]);
  useAlertRefresh(letters.reload);
  const list = letters.data ? [...letters.data.deadLetters].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) : [];
  return (
    <section aria-labelledby="dead-letters-title" className="alerts-section">
      <div className="filters">
        <h2 id="dead-letters-title">Dead letters</h2>
        <label className="small">
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> open only
        </label>
        {letters.data ? <span className="muted small">{list.length}</span> : null}
      </div>
      <p className="hint">Task instances that failed with no tries left. Clearing one (in its DAG's grid) runs it again and closes it.</p>
      {letters.loading ? <Loading label="Loading dead letters…" /> : null}
      {letters.error && !letters.data ? <ErrorBox error={letters.error} onRetry={letters.reload} /> : null}
      {letters.data && list.length === 0 ? <Empty title={openOnly ? "No open dead letters" : "No dead letters"} /> : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table className="table" data-testid="dead-letters">
            <thead>
              <tr>
                <th scope="col">Task instance</th>
                <th scope="col">Try</th>
                <th scope="col">Error</th>
                <th scope="col">When</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id} data-dead-letter={`${d.dagId}.${d.taskId}`}>
                  <td>
                    <a href={taskLink(d.dagId, d.runId, d.taskId, d.mapIndex)} title={d.runId}>
                      <code>
                        {d.dagId}.{instanceName(d.taskId, d.mapIndex)}
                      </code>
                    </a>
                  </td>
                  <td>{d.tryNumber}</td>
                  <td className="error-cell">{d.error ?? ""}</td>
                  <td title={times.dateTimeSeconds(d.createdAt)}>{relativeTime(d.createdAt)}</td>
                  <td>{d.resolvedAt ? <Badge colour="success">{d.resolution ?? "closed"}</Badge> : <Badge colour="failed">open</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function SlaMisses() {
  const times = useTimes();
  const route = useRoute();
  const misses = useResource((signal) => get<SlaMissList>("sla-misses", undefined, signal), []);
  useAlertRefresh(misses.reload);
  const list = misses.data?.slaMisses ?? [];
  return (
    <section aria-labelledby="sla-title" className="alerts-section">
      <div className="filters">
        <h2 id="sla-title">SLA misses</h2>
        {misses.data ? <span className="muted small">{list.length}</span> : null}
      </div>
      <p className="hint">Scheduled runs (a DAG's <code>sla</code>) or tasks (<code>deadline</code>) that had not succeeded in time; each is recorded once.</p>
      {misses.loading ? <Loading label="Loading SLA misses…" /> : null}
      {misses.error && !misses.data ? <ErrorBox error={misses.error} onRetry={misses.reload} /> : null}
      {misses.data && list.length === 0 ? <Empty title="No SLA misses" /> : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table className="table" data-testid="sla-misses">
            <thead>
              <tr>
                <th scope="col">DAG / task</th>
                <th scope="col">Deadline</th>
                <th scope="col">Detected</th>
                <th scope="col">State then</th>
                <th scope="col">Alert</th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.id} data-sla-miss={m.dagId}>
                  <td>
                    <a href={taskLink(m.dagId, m.runId, m.taskId, null)} title={m.runId}>
                      <code>
                        {m.dagId}
                        {m.taskId ? `.${m.taskId}` : ""}
                      </code>
                    </a>
                    {m.taskId === null ? <span className="muted small"> (the run)</span> : null}
                  </td>
                  <td>{times.dateTimeSeconds(m.deadlineAt)}</td>
                  <td>{times.dateTimeSeconds(m.detectedAt)}</td>
                  <td>
                    <Badge colour={m.stateAtDetection}>{m.stateAtDetection.replace(/_/g, " ")}</Badge>
                  </td>
                  <td>
                    {m.alertId !== null ? (
                      <button type="button" className="link" onClick={() => setQuery(route, { alert: m.alertId })}>
                        #{m.alertId}
                      </button>
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
