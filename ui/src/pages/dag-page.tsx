/**
 * One DAG: its header (pause, trigger, backfill), tabs for Graph, Grid, Gantt, Runs, Code and
 * Details, and the task instance panel. The URL holds the tab, the selected run and task, so
 * every view can be linked to and survives a reload. The Graph and Code tabs show the DAG version
 * the selected run used, marked when it is not the version loaded now.
 */
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { errorMessage, get, patch, seg } from "../api/client";
import type { DagDetail, DagVersion } from "../api/types";
import { useResource } from "../api/use-resource";
import { useCan } from "../auth";
import { StateBadge } from "../components/state";
import { ErrorBox, Loading } from "../components/status";
import { CodeView } from "../dag/code-view";
import { DetailsView } from "../dag/details-view";
import { GanttView } from "../dag/gantt-view";
import { GridView } from "../dag/grid-view";
import { RunPanel } from "../dag/run-panel";
import { RunsTab } from "../dag/runs-tab";
import { useDagRuns } from "../dag/use-dag-runs";
import { VersionNote } from "../dag/version-note";
import { BackfillDialog } from "../dialogs/backfill-dialog";
import { TriggerDialog } from "../dialogs/trigger-dialog";
import { href, setQuery, useRoute, useRouteBoundState } from "../router";
import { TaskPanel } from "../task/task-panel";
import { usePublishDagZone } from "../time/zone-choice";
import { useTimes } from "../time/use-times";

// React Flow and the ELK layout engine are most of the app's weight: loaded with the Graph tab.
const GraphView = lazy(() => import("../dag/graph-view"));

const TABS = [
  { id: "graph", label: "Graph" },
  { id: "grid", label: "Grid" },
  { id: "gantt", label: "Gantt" },
  { id: "runs", label: "Runs" },
  { id: "code", label: "Code" },
  { id: "details", label: "Details" },
] as const;
type TabId = (typeof TABS)[number]["id"];

const GRID_RUNS = 25;

export function DagPage({ dagId }: { dagId: string }) {
  const route = useRoute();
  const canOperate = useCan("operator");
  const detail = useResource((signal) => get<DagDetail>(`dags/${seg(dagId)}`, undefined, signal), [dagId]);
  const runs = useDagRuns(dagId, GRID_RUNS);
  // A dialog belongs to the URL it was opened on: Back or another DAG closes it.
  const [dialog, setDialog] = useRouteBoundState<"trigger" | "backfill">();
  const [pauseError, setPauseError] = useState<string | undefined>();
  usePublishDagZone(detail.data?.timezone);
  const times = useTimes();

  const tab = (TABS.some((t) => t.id === route.query.get("tab")) ? route.query.get("tab") : "grid") as TabId;
  const selectedRunId = route.query.get("run") ?? runs.runs[0]?.runId;
  const selectedRun = runs.runs.find((r) => r.runId === selectedRunId);
  const taskId = route.query.get("task");
  const mapParam = route.query.get("map");
  const mapIndex = mapParam === null || mapParam === "" ? null : Number(mapParam);

  // The version the selected run used, when it is not the one loaded now: its graph and source.
  const currentVersion = detail.data?.version ?? null;
  const runVersion = selectedRun?.dagVersion ?? null;
  const olderVersion = runVersion !== null && currentVersion !== null && runVersion !== currentVersion ? runVersion : null;
  const version = useResource(
    (signal) => (olderVersion === null ? Promise.resolve(undefined) : get<DagVersion>(`dags/${seg(dagId)}/versions/${seg(olderVersion)}`, undefined, signal)),
    [dagId, olderVersion],
  );
  const versionShown = olderVersion !== null ? version.data : undefined;
  const currentTaskIds = useMemo(() => new Set(detail.data?.tasks.map((t) => t.id) ?? []), [detail.data?.tasks]);
  const removedTasks = useMemo(() => new Set((versionShown?.graph.tasks ?? []).map((t) => t.id).filter((id) => !currentTaskIds.has(id))), [versionShown, currentTaskIds]);

  useEffect(() => {
    document.title = `${dagId} · Tributary`;
    return () => {
      document.title = "Tributary";
    };
  }, [dagId]);

  const selectRun = (runId: string) => setQuery(route, { run: runId }, { replace: true });
  const openTask = (runId: string, task: string, map: number | null) => setQuery(route, { run: runId, task, map }, { replace: false });
  const closeTask = () => setQuery(route, { task: null, map: null }, { replace: false });
  const closeRun = () => setQuery(route, { run: null }, { replace: false });

  const togglePause = async () => {
    const dag = detail.data;
    if (!dag) return;
    setPauseError(undefined);
    try {
      await patch(`dags/${seg(dagId)}`, { isPaused: !dag.isPaused });
      detail.mutate((d) => d && { ...d, isPaused: !dag.isPaused });
    } catch (e) {
      setPauseError(errorMessage(e));
    }
  };

  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onTabKey = (event: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === tab);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length];
    if (next) {
      setQuery(route, { tab: next.id }, { replace: true });
      tabRefs.current[next.id]?.focus();
    }
  };

  const runOptions = useMemo(
    () =>
      runs.runs.map((r) => {
        const older = r.dagVersion && detail.data?.version && r.dagVersion !== detail.data.version ? " · older version" : "";
        return { id: r.runId, label: `${times.logical(r.logicalDate)} · ${r.runType} · ${r.state}${older}` };
      }),
    [runs.runs, times, detail.data?.version],
  );

  if (detail.error && !detail.data) {
    return (
      <section className="page">
        <p>
          <a href="#/dags">← DAGs</a>
        </p>
        <ErrorBox error={detail.error} onRetry={detail.reload} />
      </section>
    );
  }
  const dag = detail.data;

  return (
    <section className="page dag-page" aria-labelledby="dag-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <a href="#/dags">DAGs</a> <span aria-hidden="true">/</span> <span>{dagId}</span>
      </nav>
      <div className="page-head dag-head">
        <div>
          <h1 id="dag-title">{dagId}</h1>
          {dag?.description ? <p className="muted description">{dag.description}</p> : null}
          <p className="dag-meta">
            {dag ? <span>{dag.scheduleText ?? "manual only"}</span> : null}
            {dag?.tags.map((t) => (
              <a key={t} className="tag" href={href(["dags"], { tag: t })}>
                {t}
              </a>
            ))}
            {dag?.isPaused ? <span className="badge state-skipped">paused</span> : null}
          </p>
        </div>
        <div className="actions">
          <button type="button" className="btn" disabled={!dag || !canOperate} onClick={() => void togglePause()}>
            {dag?.isPaused ? "Unpause" : "Pause"}
          </button>
          <button type="button" className="btn" disabled={!dag?.loaded || !canOperate} onClick={() => setDialog("backfill")}>
            Backfill…
          </button>
          <button type="button" className="btn btn-primary" disabled={!dag?.loaded || !canOperate} onClick={() => setDialog("trigger")} title={canOperate ? undefined : "Triggering needs the operator role"}>
            ▶ Trigger
          </button>
        </div>
      </div>
      {pauseError ? (
        <p className="field-error" role="alert">
          {pauseError}
        </p>
      ) : null}

      <div className="tabs-row">
        <div className="tabs" role="tablist" aria-label="DAG views" onKeyDown={onTabKey}>
          {TABS.map((t) => (
            <button
              key={t.id}
              ref={(el) => {
                tabRefs.current[t.id] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls="tab-panel"
              tabIndex={tab === t.id ? 0 : -1}
              onClick={() => setQuery(route, { tab: t.id }, { replace: true })}
            >
              {t.label}
            </button>
          ))}
        </div>
        {(tab === "graph" || tab === "gantt" || tab === "code") && runOptions.length > 0 ? (
          <label className="filter run-picker">
            Run
            <select value={selectedRunId ?? ""} onChange={(e) => selectRun(e.target.value)}>
              {runOptions.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {selectedRun && (tab === "graph" || tab === "gantt" || tab === "code") ? <StateBadge state={selectedRun.state} /> : null}
      </div>
      {(tab === "graph" || tab === "code") && dag ? (
        <VersionNote runVersion={runVersion} currentVersion={currentVersion} olderVersion={olderVersion} loadError={version.error} removedTasks={removedTasks} view={tab} />
      ) : null}

      <div className="dag-body">
        <div id="tab-panel" role="tabpanel" aria-labelledby={`tab-${tab}`} className="tab-panel">
          {!dag ? (
            <Loading />
          ) : tab === "graph" ? (
            olderVersion !== null && version.loading ? (
              <Loading label="Loading the run's version…" />
            ) : (
            <Suspense fallback={<Loading label="Loading the graph…" />}>
              <GraphView dag={versionShown ? { tasks: versionShown.graph.tasks, datasetSchedule: versionShown.graph.datasetSchedule ?? null } : dag} removedTasks={removedTasks} instances={selectedRunId ? (runs.instances.get(selectedRunId) ?? []) : []} onSelectTask={(t, m) => selectedRunId && openTask(selectedRunId, t, m)} selectedTask={taskId} />
            </Suspense>
            )
          ) : tab === "grid" ? (
            <GridView dag={dag} data={runs} selectedRunId={selectedRunId} selectedTask={taskId ? { taskId, mapIndex } : undefined} onSelectRun={selectRun} onSelectTask={openTask} />
          ) : tab === "gantt" ? (
            selectedRunId ? <GanttView dag={dag} runId={selectedRunId} onSelectTask={(t, m) => openTask(selectedRunId, t, m)} /> : <p className="muted">No runs yet: trigger one.</p>
          ) : tab === "runs" ? (
            <RunsTab dagId={dagId} recentRuns={runs.runs} onOpenRun={(runId) => setQuery(route, { tab: "grid", run: runId }, { replace: false })} />
          ) : tab === "code" ? (
            olderVersion !== null && version.loading ? <Loading label="Loading the run's version…" /> : <CodeView dagId={dagId} version={versionShown} />
          ) : (
            <DetailsView dag={dag} />
          )}
        </div>
        {taskId && selectedRunId ? <TaskPanel
            key={`${selectedRunId}/${taskId}/${mapIndex ?? ""}`}
            runId={selectedRunId}
            taskId={taskId}
            mapIndex={mapIndex}
            versions={{ run: runVersion, current: currentVersion, taskInCurrent: !detail.data || currentTaskIds.has(taskId) }}
            onClose={closeTask}
          /> : tab === "grid" && selectedRun && route.query.get("run") ? (
          <RunPanel key={selectedRun.runId} runId={selectedRun.runId} onClose={closeRun} />
        ) : null}
      </div>

      {dialog === "trigger" && dag ? (
        <TriggerDialog
          dag={dag}
          onClose={() => setDialog(undefined)}
          onTriggered={(runId) => {
            setDialog(undefined);
            runs.reload();
            setQuery(route, { tab: "grid", run: runId }, { replace: false });
          }}
        />
      ) : null}
      {dialog === "backfill" && dag ? <BackfillDialog dag={dag} onClose={() => setDialog(undefined)} onStarted={() => runs.reload()} /> : null}
    </section>
  );
}
