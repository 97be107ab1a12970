/**
 * Approvals: the human approvals waiting for the logged-in user ("Waiting for me"), or every
 * waiting one (`?all=1`), oldest request first. Each links to its run and is answered in place.
 */
import { useEffect, useState } from "react";
import type { WaitingApproval } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/status";
import { instanceName } from "../format";
import { useWaitingApprovals } from "../live/use-waiting-approvals";
import { href, setQuery, useRoute } from "../router";
import { ApprovalForm } from "../task/approval-form";
import { useTimes } from "../time/use-times";

const POLL_MS = 15_000;

const entryKey = (a: WaitingApproval) => `${a.runId}/${a.taskId}/${a.mapIndex ?? ""}`;

export function ApprovalsPage() {
  const route = useRoute();
  const all = route.query.get("all") === "1";
  const approvals = useWaitingApprovals({ mine: !all }, POLL_MS);
  const times = useTimes();
  const [outcome, setOutcome] = useState<string | undefined>();

  useEffect(() => {
    document.title = "Approvals · Tributary";
    return () => {
      document.title = "Tributary";
    };
  }, []);

  const list = approvals.data?.approvals ?? [];
  return (
    <section className="page" aria-labelledby="approvals-title">
      <div className="page-head">
        <h1 id="approvals-title">Approvals</h1>
      </div>
      <div className="filters">
        <label className="filter checkbox">
          <input type="checkbox" checked={all} onChange={(e) => setQuery(route, { all: e.target.checked ? "1" : null }, { replace: true })} />
          Show every waiting approval, not only those I may answer
        </label>
        {approvals.data ? <span className="muted small">{list.length === 1 ? "1 approval waits" : `${list.length} approvals wait`}</span> : null}
      </div>
      {outcome ? (
        <p className="notice" role="status" data-testid="approval-outcome">
          {outcome}
        </p>
      ) : null}
      {approvals.loading ? <Loading label="Loading approvals…" /> : null}
      {approvals.error && !approvals.data ? <ErrorBox error={approvals.error} onRetry={approvals.reload} /> : null}
      {approvals.data && list.length === 0 ? (
        <Empty title={all ? "No approval waits" : "Nothing waits for you"}>{all ? "Runs that reach a d.approval wait here for an answer." : "Approvals you may answer appear here."}</Empty>
      ) : null}
      {list.length > 0 ? (
        <ul className="approvals-list">
          {list.map((a) => (
            <li key={entryKey(a)}>
              <div className="approvals-entry-head">
                <h2>
                  <a href={href(["dags", a.dagId], { tab: "graph", run: a.runId, task: a.taskId, map: a.mapIndex })}>
                    {a.dagId} · {instanceName(a.taskId, a.mapIndex)}
                  </a>
                </h2>
                <span className="muted small">
                  run {a.runId} · logical date {times.logical(a.logicalDate)}
                </span>
              </div>
              <ApprovalForm
                approval={a}
                onAnswered={(_instance, decision) => {
                  setOutcome(`${decision === "approve" ? "Approved" : "Rejected"} ${instanceName(a.taskId, a.mapIndex)} of ${a.dagId} (run ${a.runId}).`);
                  approvals.mutate((data) => data && { approvals: data.approvals.filter((other) => entryKey(other) !== entryKey(a)) });
                }}
                onGone={approvals.reload}
              />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
