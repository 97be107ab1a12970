/**
 * The latest runs of one DAG with their task instances, kept current by the live stream: a state
 * change patches the cell it names at once, then the runs it touched are refetched (for times,
 * tries and new mapped instances) once the burst of changes settles.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { get, seg } from "../api/client";
import type { DagRun, RunList, RunState, StateChange, TaskInstance, TaskInstanceList, TaskState } from "../api/types";
import { useStateChanges } from "../live/live-updates";

export interface DagRuns {
  /** Latest logical date first. */
  readonly runs: readonly DagRun[];
  readonly total: number;
  readonly instances: ReadonlyMap<string, readonly TaskInstance[]>;
  readonly loading: boolean;
  readonly error: unknown;
  reload(): void;
}

export function useDagRuns(dagId: string, limit: number): DagRuns {
  const [runs, setRuns] = useState<readonly DagRun[]>([]);
  const [total, setTotal] = useState(0);
  const [instances, setInstances] = useState<ReadonlyMap<string, readonly TaskInstance[]>>(new Map());
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const dirtyRuns = useRef(new Set<string>());
  const timer = useRef<number | undefined>(undefined);
  const generation = useRef(0);

  const loadAll = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const page = await get<RunList>("runs", { dagId, limit });
      const tasks = await Promise.all(page.runs.map((r) => get<TaskInstanceList>(`runs/${seg(r.runId)}/tasks`)));
      if (mine !== generation.current) return;
      setRuns(page.runs);
      setTotal(page.total);
      setInstances(new Map(page.runs.map((r, i) => [r.runId, tasks[i]?.taskInstances ?? []])));
      setError(undefined);
    } catch (e) {
      if (mine === generation.current) setError(e);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [dagId, limit]);

  useEffect(() => {
    setLoading(true);
    setRuns([]);
    setInstances(new Map());
    void loadAll();
  }, [loadAll]);

  const refreshDirty = useCallback(async () => {
    const ids = [...dirtyRuns.current];
    dirtyRuns.current.clear();
    const known = new Set(runs.map((r) => r.runId));
    // A run this page has not seen (just triggered, or a new scheduled one): reload the list.
    if (ids.some((id) => !known.has(id))) {
      await loadAll();
      return;
    }
    const mine = generation.current;
    try {
      const fresh = await Promise.all(
        ids.map(async (id) => {
          const [run, tasks] = await Promise.all([get<DagRun>(`runs/${seg(id)}`), get<TaskInstanceList>(`runs/${seg(id)}/tasks`)]);
          return { run, tasks: tasks.taskInstances };
        }),
      );
      if (mine !== generation.current) return;
      setRuns((current) => current.map((r) => fresh.find((f) => f.run.runId === r.runId)?.run ?? r));
      setInstances((current) => {
        const next = new Map(current);
        for (const f of fresh) next.set(f.run.runId, f.tasks);
        return next;
      });
    } catch {
      // The next change or a reload fetches it again.
    }
  }, [runs, loadAll]);
  const refreshRef = useRef(refreshDirty);
  refreshRef.current = refreshDirty;

  useStateChanges(
    (change: StateChange) => {
      if (change.taskId === null) {
        setRuns((current) => current.map((r) => (r.runId === change.runId ? { ...r, state: change.toState as RunState } : r)));
      } else {
        setInstances((current) => {
          const list = current.get(change.runId);
          if (!list) return current;
          const index = list.findIndex((ti) => ti.taskId === change.taskId && ti.mapIndex === change.mapIndex);
          if (index < 0) return current;
          const next = new Map(current);
          const copy = [...list];
          const ti = copy[index];
          if (ti) copy[index] = { ...ti, state: change.toState as TaskState };
          next.set(change.runId, copy);
          return next;
        });
      }
      dirtyRuns.current.add(change.runId);
      if (timer.current === undefined) {
        timer.current = window.setTimeout(() => {
          timer.current = undefined;
          void refreshRef.current();
        }, 400);
      }
    },
    (change) => change.dagId === dagId,
  );
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const reload = useCallback(() => void loadAll(), [loadAll]);
  return { runs, total, instances, loading, error, reload };
}
