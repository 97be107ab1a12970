/**
 * The full-page log of one try (`#/runs/<runId>/tasks/<taskId>/log?try=2&map=0`): the whole
 * height of the window, long lines wrapped (or not), searched on the server, filtered by level,
 * following the try while it runs, and downloadable as a text file of every line.
 */
import { useEffect, useMemo, useState } from "react";
import { apiUrl, get, seg } from "../api/client";
import type { DagDetail, DagRun, LogLine, TaskInstanceDetail } from "../api/types";
import { useResource } from "../api/use-resource";
import { StateBadge } from "../components/state";
import { ErrorBox } from "../components/status";
import { between, formatDuration, instanceName } from "../format";
import { useChangeTick } from "../live/live-updates";
import { href, setQuery, useRoute } from "../router";
import { LogLines } from "../task/log-lines";
import { LogToolbar } from "../task/log-toolbar";
import { emptyText } from "../task/log-viewer";
import { useTryLog } from "../task/use-try-log";
import { TimeText } from "../time/time-text";
import { useNow } from "../time/use-now";
import { usePublishDagZone } from "../time/zone-choice";

type Level = LogLine["level"];
const LEVELS: readonly { value: Level; label: string }[] = [
  { value: "debug", label: "all levels" },
  { value: "info", label: "info and above" },
  { value: "warn", label: "warnings and errors" },
  { value: "error", label: "errors only" },
];
const RANK: Readonly<Record<Level, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

export function LogPage({ runId, taskId }: { runId: string; taskId: string }) {
  const route = useRoute();
  const mapParam = route.query.get("map");
  const mapIndex = mapParam === null || mapParam === "" ? null : Number(mapParam);
  const tryParam = Number(route.query.get("try"));
  const run = useResource((signal) => get<DagRun>(`runs/${seg(runId)}`, undefined, signal), [runId]);
  const dagId = run.data?.dagId;
  const dag = useResource((signal) => (dagId === undefined ? Promise.resolve(undefined) : get<DagDetail>(`dags/${seg(dagId)}`, undefined, signal)), [dagId]);
  usePublishDagZone(dag.data?.timezone);
  const instance = useResource((signal) => get<TaskInstanceDetail>(`runs/${seg(runId)}/tasks/${seg(taskId)}`, { mapIndex }, signal), [runId, taskId, mapIndex]);
  const tick = useChangeTick((c) => c.runId === runId && c.taskId === taskId && (mapIndex === null || c.mapIndex === mapIndex), 250);
  useEffect(() => {
    if (tick > 0) instance.reload();
  }, [tick, instance.reload]);

  const ti = instance.data;
  const tryNumber = Number.isInteger(tryParam) && tryParam > 0 ? tryParam : ti && ti.tryNumber > 0 ? ti.tryNumber : undefined;
  const shownTry = ti?.tries.find((t) => t.tryNumber === tryNumber);
  const [search, setSearch] = useState("");
  const [level, setLevel] = useState<Level>("debug");
  const [wrap, setWrap] = useState(true);
  const [follow, setFollow] = useState(true);
  const log = useTryLog({ runId, taskId, mapIndex, tryNumber }, search);
  const shown = useMemo(() => (level === "debug" ? log.lines : log.lines.filter((l) => RANK[l.level] >= RANK[level])), [log.lines, level]);
  const now = useNow(log.running);
  const name = instanceName(taskId, mapIndex);

  useEffect(() => {
    document.title = `${name} log · Tributary`;
    return () => {
      document.title = "Tributary";
    };
  }, [name]);

  if (instance.error && !ti) {
    return (
      <section className="page">
        <ErrorBox error={instance.error} onRetry={instance.reload} />
      </section>
    );
  }
  const taskLink = dagId === undefined ? undefined : href(["dags", dagId], { tab: "grid", run: runId, task: taskId, map: mapIndex });
  return (
    <section className="page log-page" aria-labelledby="log-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <a href="#/dags">DAGs</a> <span aria-hidden="true">/</span> {dagId === undefined ? <span>…</span> : <a href={href(["dags", dagId])}>{dagId}</a>}{" "}
        <span aria-hidden="true">/</span> {run.data ? <a href={href(["dags", run.data.dagId], { tab: "grid", run: runId })}>run <TimeText iso={run.data.logicalDate} style="logical" /></a> : <span>{runId}</span>}{" "}
        <span aria-hidden="true">/</span> {taskLink ? <a href={taskLink}>{name}</a> : <span>{name}</span>}
      </nav>
      <div className="page-head">
        <div>
          <h1 id="log-title">
            {name} · {tryNumber === undefined ? "no try yet" : `try ${tryNumber}`}
          </h1>
          <p className="muted small log-page-meta">
            {shownTry ? <StateBadge state={shownTry.outcome} /> : ti ? <StateBadge state={ti.state} /> : null}{" "}
            {shownTry?.startedAt ? (
              <>
                started <TimeText iso={shownTry.startedAt} style="dateTimeSeconds" /> · ran {formatDuration(between(shownTry.startedAt, shownTry.endedAt, now))}
              </>
            ) : null}
          </p>
        </div>
        {ti && ti.tries.length > 1 ? (
          <label className="filter">
            Try
            <select value={tryNumber ?? ""} onChange={(e) => setQuery(route, { try: e.target.value }, { replace: true })}>
              {[...ti.tries]
                .sort((a, b) => b.tryNumber - a.tryNumber)
                .map((t) => (
                  <option key={t.tryNumber} value={t.tryNumber}>
                    #{t.tryNumber} · {t.outcome}
                  </option>
                ))}
            </select>
          </label>
        ) : null}
      </div>
      <LogToolbar log={log} shown={shown.length} search={search} onSearch={setSearch} follow={follow} onFollowChange={setFollow}>
        <label className="filter small">
          Level
          <select value={level} onChange={(e) => setLevel(e.target.value as Level)}>
            {LEVELS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <label className="small follow">
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} /> Wrap lines
        </label>
        {tryNumber !== undefined ? (
          <a className="btn btn-small" href={apiUrl(`runs/${seg(runId)}/tasks/${seg(taskId)}/logs/download`, { try: tryNumber, mapIndex })} download>
            Download
          </a>
        ) : null}
      </LogToolbar>
      {log.error ? (
        <p className="field-error" role="alert">
          {log.error}
        </p>
      ) : null}
      <LogLines lines={shown} search={search} wrap={wrap} follow={follow} onFollowChange={setFollow} emptyText={level !== "debug" && log.lines.length > 0 ? "No line at this level." : emptyText(log, search)} />
    </section>
  );
}
