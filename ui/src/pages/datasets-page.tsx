/**
 * Datasets: every dataset a DAG declares or an event names, with its last update, who wrote it
 * last and how long ago (freshness); each opens the lineage explorer centred on it. The list is
 * refetched when tasks succeed (a successful write records a dataset event).
 */
import { useEffect, useMemo, useState } from "react";
import { get } from "../api/client";
import type { DagList, DatasetList } from "../api/types";
import { useResource } from "../api/use-resource";
import { Empty, ErrorBox, Loading } from "../components/status";
import { formatDuration, relativeTime } from "../format";
import { consumerTarget, lineageHref } from "../lineage/lineage-target";
import { useChangeTick } from "../live/live-updates";
import { href, setQuery, useRoute } from "../router";
import { TimeText } from "../time/time-text";

/** Updated within a day counts as fresh: a daily pipeline's output is, a stalled one's is not. */
const FRESH_MS = 24 * 3_600_000;

export function DatasetsPage() {
  const route = useRoute();
  const search = route.query.get("search") ?? "";
  const datasets = useResource((signal) => get<DatasetList>("datasets", undefined, signal), []);
  const dags = useResource((signal) => get<DagList>("dags", undefined, signal), []);
  const dagIds = useMemo(() => new Set(dags.data?.dags.map((d) => d.dagId) ?? []), [dags.data]);
  const tick = useChangeTick((c) => c.taskId !== null && c.toState === "success", 1_000);
  useEffect(() => {
    if (tick > 0) datasets.reload();
  }, [tick, datasets.reload]);
  const [draft, setDraft] = useState(search);

  useEffect(() => {
    document.title = "Datasets · Tributary";
    return () => {
      document.title = "Tributary";
    };
  }, []);

  const shown = (datasets.data?.datasets ?? []).filter((d) => search === "" || d.uri.toLowerCase().includes(search.toLowerCase()));
  const asLinks = (names: readonly string[]) =>
    names.length === 0 ? (
      <span className="muted">–</span>
    ) : (
      <ul className="plain dataset-links">
        {names.map((name) => (
          <li key={name}>
            <a href={lineageHref(consumerTarget(name, dagIds))}>
              <code>{name}</code>
            </a>
            {dagIds.has(name) ? <span className="muted small"> (DAG)</span> : null}
          </li>
        ))}
      </ul>
    );

  return (
    <section className="page" aria-labelledby="datasets-title">
      <div className="page-head">
        <h1 id="datasets-title">Datasets</h1>
        {datasets.data ? <span className="muted small">{datasets.data.datasets.length} datasets</span> : null}
        <a className="small" href={lineageHref("")}>
          Lineage explorer →
        </a>
      </div>
      <div className="filters">
        <input
          className="search"
          type="search"
          aria-label="Search datasets"
          placeholder="Search by URI"
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            setQuery(route, { search: e.target.value }, { replace: true });
          }}
        />
      </div>
      {datasets.loading ? <Loading label="Loading datasets…" /> : null}
      {datasets.error && !datasets.data ? <ErrorBox error={datasets.error} onRetry={datasets.reload} /> : null}
      {datasets.data && datasets.data.datasets.length === 0 ? (
        <Empty title="No datasets yet">Tasks declare them with <code>inputs</code> and <code>outputs</code>; external systems report updates with <code>POST /api/v1/datasets/events</code>.</Empty>
      ) : null}
      {datasets.data && datasets.data.datasets.length > 0 && shown.length === 0 ? <Empty title="No dataset matches" /> : null}
      {shown.length > 0 ? (
        <div className="table-scroll">
          <table className="table datasets-table">
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Freshness</th>
                <th scope="col">Last update</th>
                <th scope="col">Last writer</th>
                <th scope="col">Events</th>
                <th scope="col">Written by</th>
                <th scope="col">Read by</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => {
                const fresh = d.freshnessMs !== null && d.freshnessMs < FRESH_MS;
                const writer = d.lastWriter;
                return (
                  <tr key={d.uri} data-dataset={d.uri}>
                    <td data-label="Dataset">
                      <a href={lineageHref(d.uri)} title="Open its lineage">
                        <code>{d.uri}</code>
                      </a>
                    </td>
                    <td data-label="Freshness" className="col-freshness">
                      <span className={`freshness ${d.freshnessMs === null ? "freshness-never" : fresh ? "freshness-fresh" : "freshness-stale"}`} data-freshness={d.freshnessMs === null ? "never" : fresh ? "fresh" : "stale"}>
                        <span className="dot" aria-hidden="true" />
                        {d.freshnessMs === null ? "never updated" : `${formatDuration(d.freshnessMs)} old`}
                      </span>
                    </td>
                    <td data-label="Last update" title={d.lastUpdatedAt ? relativeTime(d.lastUpdatedAt) : undefined}>
                      {d.lastUpdatedAt ? <TimeText iso={d.lastUpdatedAt} /> : <span className="muted">–</span>}
                    </td>
                    <td data-label="Last writer" className="col-writer">
                      {writer === null ? (
                        <span className="muted">–</span>
                      ) : writer.kind === "task" ? (
                        <a href={href(["dags", writer.dagId], writer.runId ? { tab: "grid", run: writer.runId, task: writer.taskId } : { tab: "graph" })}>
                          <code>
                            {writer.dagId}.{writer.taskId}
                          </code>
                          {writer.tryNumber !== null ? <span className="muted small"> try {writer.tryNumber}</span> : null}
                        </a>
                      ) : (
                        <span>
                          external{writer.source ? <span className="muted small"> · {writer.source}</span> : null}
                        </span>
                      )}
                    </td>
                    <td data-label="Events">{d.events}</td>
                    <td data-label="Written by">{asLinks(d.producers)}</td>
                    <td data-label="Read by">{asLinks(d.consumers)}</td>
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
