/**
 * Every DAG: schedule in words, next run, recent runs, paused toggle, tags; search and filters
 * work in the browser (instantly, on hundreds of DAGs); import errors come first.
 */
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { errorMessage, get, patch, seg } from "../api/client";
import type { DagListEntry, ImportError } from "../api/types";
import { useResource } from "../api/use-resource";
import { useCan } from "../auth";
import { RunSquares } from "../components/run-squares";
import { Empty, ErrorBox, Loading } from "../components/status";
import { relativeTime } from "../format";
import { useChangeTick } from "../live/live-updates";
import { href, setQuery, useRoute } from "../router";
import { useTimes } from "../time/use-times";

interface DagList {
  readonly dags: readonly DagListEntry[];
  readonly importErrors: readonly ImportError[];
}

/** The last list this page loaded: coming back to the page shows it at once while it refreshes. */
let lastList: DagList | undefined;

type PausedFilter = "all" | "active" | "paused";
type LastRunFilter = "any" | "failed" | "running" | "success" | "none";

export function DagsPage() {
  const route = useRoute();
  const canOperate = useCan("operator");
  // Run-level changes (a run started or finished) refresh the list; task-level ones do not show here.
  const tick = useChangeTick((c) => c.taskId === null, 1_000);
  const list = useResource(
    (signal) =>
      get<DagList>("dags", undefined, signal).then((answer) => {
        lastList = answer;
        return answer;
      }),
    [],
    lastList,
  );
  useEffect(() => {
    if (tick > 0) list.reload();
  }, [tick]);

  const search = route.query.get("q") ?? "";
  const tag = route.query.get("tag") ?? "";
  const paused = (route.query.get("paused") ?? "all") as PausedFilter;
  const lastRun = (route.query.get("last") ?? "any") as LastRunFilter;
  const [searchText, setSearchText] = useState(search);
  const deferredSearch = useDeferredValue(searchText);
  const [toggleError, setToggleError] = useState<string | undefined>();

  const dags = list.data?.dags;
  const allTags = useMemo(() => [...new Set((dags ?? []).flatMap((d) => d.tags))].sort(), [dags]);
  const shown = useMemo(() => {
    const needle = deferredSearch.trim().toLowerCase();
    return (dags ?? []).filter((d) => {
      if (needle && !d.dagId.toLowerCase().includes(needle) && !(d.description ?? "").toLowerCase().includes(needle) && !d.tags.some((t) => t.toLowerCase().includes(needle))) return false;
      if (tag && !d.tags.includes(tag)) return false;
      if (paused === "active" && d.isPaused) return false;
      if (paused === "paused" && !d.isPaused) return false;
      const latest = d.recentRuns[0];
      if (lastRun === "none" && latest) return false;
      if (lastRun !== "any" && lastRun !== "none" && latest?.state !== lastRun && !(lastRun === "running" && latest?.state === "queued")) return false;
      return true;
    });
  }, [dags, deferredSearch, tag, paused, lastRun]);

  const routeRef = useRef(route);
  routeRef.current = route;
  const onTag = useCallback((t: string) => {
    const current = routeRef.current;
    setQuery(current, { tag: t === current.query.get("tag") ? "" : t }, { replace: true });
  }, []);

  const togglePaused = useCallback(async (dag: DagListEntry) => {
    setToggleError(undefined);
    list.mutate((current) => current && { ...current, dags: current.dags.map((d) => (d.dagId === dag.dagId ? { ...d, isPaused: !dag.isPaused } : d)) });
    try {
      await patch(`dags/${seg(dag.dagId)}`, { isPaused: !dag.isPaused });
    } catch (e) {
      setToggleError(`${dag.dagId}: ${errorMessage(e)}`);
      list.reload();
    }
  }, [list.mutate, list.reload]);

  return (
    <section className="page" aria-labelledby="dags-title">
      <div className="page-head">
        <h1 id="dags-title">DAGs</h1>
        {dags ? (
          <span className="muted" data-testid="dag-count">
            {shown.length === dags.length ? `${dags.length} DAGs` : `${shown.length} of ${dags.length} DAGs`}
          </span>
        ) : null}
      </div>

      {list.data && list.data.importErrors.length > 0 ? (
        <div className="import-errors" role="alert" data-testid="import-errors">
          <strong>
            {list.data.importErrors.length} DAG file{list.data.importErrors.length === 1 ? "" : "s"} failed to load
          </strong>
          <ul>
            {list.data.importErrors.map((e, i) => (
              <li key={`${e.file ?? ""}${i}`}>
                <code>{e.file ?? "(unknown file)"}</code>
                <pre>{e.message}</pre>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <div className="filters" role="search">
        <input
          type="search"
          className="search"
          placeholder="Search DAGs, descriptions, tags…"
          aria-label="Search DAGs"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onBlur={() => setQuery(route, { q: searchText }, { replace: true })}
        />
        <label className="filter">
          Tag
          <select value={tag} onChange={(e) => setQuery(route, { tag: e.target.value }, { replace: true })}>
            <option value="">all</option>
            {allTags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="filter">
          Status
          <select value={paused} onChange={(e) => setQuery(route, { paused: e.target.value === "all" ? "" : e.target.value }, { replace: true })}>
            <option value="all">all</option>
            <option value="active">active</option>
            <option value="paused">paused</option>
          </select>
        </label>
        <label className="filter">
          Last run
          <select value={lastRun} onChange={(e) => setQuery(route, { last: e.target.value === "any" ? "" : e.target.value }, { replace: true })}>
            <option value="any">any</option>
            <option value="failed">failed</option>
            <option value="running">running</option>
            <option value="success">success</option>
            <option value="none">never ran</option>
          </select>
        </label>
      </div>
      {toggleError ? (
        <p className="field-error" role="alert">
          {toggleError}
        </p>
      ) : null}

      {list.loading ? <Loading label="Loading DAGs…" /> : null}
      {list.error && !list.data ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {dags && dags.length === 0 ? (
        <Empty title="No DAGs yet">Put a DAG file in the folder `tributary start --dags` reads; it appears here within seconds.</Empty>
      ) : null}
      {dags && dags.length > 0 && shown.length === 0 ? <Empty title="No DAG matches these filters" /> : null}
      {shown.length > 0 ? (
        <table className="table dag-table">
          <thead>
            <tr>
              <th scope="col" className="col-toggle">
                <span className="sr-only">Active</span>
              </th>
              <th scope="col">DAG</th>
              <th scope="col">Schedule</th>
              <th scope="col">Next run</th>
              <th scope="col">Recent runs</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((dag) => (
              <DagRow key={dag.dagId} dag={dag} canOperate={canOperate} activeTag={tag} onToggle={togglePaused} onTag={onTag} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

interface DagRowProps {
  readonly dag: DagListEntry;
  readonly canOperate: boolean;
  readonly activeTag: string;
  onToggle(dag: DagListEntry): Promise<void>;
  onTag(tag: string): void;
}

/** One DAG; memoised, so a live update or a keystroke in the search box re-renders only what changed. */
const DagRow = memo(function DagRow({ dag, canOperate, activeTag, onToggle, onTag }: DagRowProps) {
  const times = useTimes();
  return (
    <tr data-dag-row={dag.dagId} className={dag.isPaused ? "paused" : undefined}>
      <td className="col-toggle">
        <label className="switch" title={dag.isPaused ? "Paused: click to unpause" : "Active: click to pause"}>
          <input
            type="checkbox"
            role="switch"
            checked={!dag.isPaused}
            disabled={!canOperate}
            aria-label={`${dag.dagId} ${dag.isPaused ? "paused" : "active"}`}
            onChange={() => void onToggle(dag)}
          />
          <span aria-hidden="true" />
        </label>
      </td>
      <td className="col-dag">
        <a className="dag-link" href={href(["dags", dag.dagId])}>
          {dag.dagId}
        </a>
        {dag.description ? <div className="muted small description">{dag.description}</div> : null}
        {dag.tags.length > 0 ? (
          <div className="tags">
            {dag.tags.map((t) => (
              <button key={t} type="button" className={t === activeTag ? "tag tag-on" : "tag"} onClick={() => onTag(t)}>
                {t}
              </button>
            ))}
          </div>
        ) : null}
      </td>
      <td className="col-schedule" data-label="Schedule">
        {dag.scheduleText ?? <span className="muted">manual only</span>}
      </td>
      <td className="col-next" data-label="Next run">
        {dag.isPaused ? (
          <span className="muted">paused</span>
        ) : dag.nextRun ? (
          <time dateTime={dag.nextRun.createdAt} title={`created ${times.dateTime(dag.nextRun.createdAt)}, logical date ${times.logical(dag.nextRun.logicalDate)}`}>
            {relativeTime(dag.nextRun.createdAt)}
          </time>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td className="col-runs" data-label="Recent runs">
        <RunSquares dagId={dag.dagId} runs={dag.recentRuns} />
      </td>
    </tr>
  );
});
