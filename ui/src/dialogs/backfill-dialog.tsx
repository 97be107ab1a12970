/**
 * Backfill a date range: pick the range, concurrency and what to do with existing runs; preview
 * the intervals (a dry run creates nothing); start it and follow its progress; cancel it.
 */
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { ApiError, errorMessage, get, post, seg } from "../api/client";
import type { Backfill, BackfillInterval, BackfillPlan, DagDetail, ReprocessMode } from "../api/types";
import { BackfillProgress } from "../components/backfill-progress";
import { Dialog } from "../components/dialog";
import { timesIn } from "../time/use-times";

const REPROCESS: readonly { value: ReprocessMode; label: string }[] = [
  { value: "failed", label: "Rerun failed runs, skip succeeded ones" },
  { value: "skip", label: "Skip dates that already have a run" },
  { value: "all", label: "Rerun everything" },
];

const ACTION_TEXT: Readonly<Record<string, string>> = {
  create: "new run",
  skip: "skip (has a run)",
  rerun: "rerun",
  rerun_failed: "rerun failed tasks",
  resume: "wait for the running run",
};

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

export function BackfillDialog({ dag, onClose, onStarted }: { dag: DagDetail; onClose: () => void; onStarted: () => void }) {
  const [from, setFrom] = useState(daysAgo(7));
  const [to, setTo] = useState(daysAgo(1));
  const [reprocess, setReprocess] = useState<ReprocessMode>("failed");
  const [maxActiveRuns, setMaxActiveRuns] = useState(4);
  const [preview, setPreview] = useState<readonly BackfillInterval[] | undefined>();
  const [error, setError] = useState<{ field?: string; message: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const [backfill, setBackfill] = useState<Backfill | undefined>();
  // The dates typed here are the DAG's dates: its zone, whatever zone the header picked.
  const dagTimes = useMemo(() => timesIn(dag.timezone ?? "UTC"), [dag.timezone]);

  // A change of the form makes the preview stale.
  useEffect(() => setPreview(undefined), [from, to, reprocess]);

  // While it runs, follow its progress.
  useEffect(() => {
    if (!backfill || backfill.state !== "running") return;
    const timer = window.setTimeout(() => {
      get<Backfill>(`backfills/${backfill.id}`).then(setBackfill, (e: unknown) => setError({ message: errorMessage(e) }));
    }, 1_000);
    return () => window.clearTimeout(timer);
  }, [backfill]);

  const send = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = { from, to, reprocess, maxActiveRuns, dryRun };
      if (dryRun) {
        const answer = await post<BackfillPlan>(`dags/${seg(dag.dagId)}/backfills`, body);
        setPreview(answer.intervals);
      } else {
        setBackfill(await post<Backfill>(`dags/${seg(dag.dagId)}/backfills`, body));
        onStarted();
      }
    } catch (e) {
      setError({ field: e instanceof ApiError ? e.field : undefined, message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    if (!backfill) return;
    try {
      setBackfill(await post<Backfill>(`backfills/${backfill.id}/cancel`));
    } catch (e) {
      setError({ message: errorMessage(e) });
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(true);
  };

  if (backfill) {
    return (
      <Dialog title={`Backfill #${backfill.id} of ${dag.dagId}`} onClose={onClose}>
        <div className="dialog-body">
          <p>
            {dagTimes.logical(backfill.from)} → {dagTimes.rangeEnd(backfill.to)} · {backfill.state}
          </p>
          <BackfillProgress progress={backfill.progress} />
          {error ? (
            <p className="field-error" role="alert">
              {error.message}
            </p>
          ) : null}
          <footer className="dialog-footer">
            {backfill.state === "running" ? (
              <button type="button" className="btn btn-danger" onClick={() => void cancel()}>
                Cancel backfill
              </button>
            ) : null}
            <button type="button" className="btn btn-primary" onClick={onClose}>
              Close
            </button>
          </footer>
        </div>
      </Dialog>
    );
  }

  const creates = preview?.filter((i) => i.action !== "skip").length ?? 0;
  return (
    <Dialog title={`Backfill ${dag.dagId}`} onClose={onClose} wide>
      <form className="dialog-body" onSubmit={submit} noValidate>
        <div className="field-row">
          <div className={error?.field === "from" ? "field field-invalid" : "field"}>
            <label htmlFor="backfill-from">From</label>
            <input id="backfill-from" type="date" value={from} max={today()} onChange={(e) => setFrom(e.target.value)} required />
          </div>
          <div className={error?.field === "to" ? "field field-invalid" : "field"}>
            <label htmlFor="backfill-to">To (included)</label>
            <input id="backfill-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
          </div>
          <div className="field">
            <label htmlFor="backfill-concurrency">Runs at a time</label>
            <input id="backfill-concurrency" type="number" min={1} max={256} value={maxActiveRuns} onChange={(e) => setMaxActiveRuns(Math.max(1, Math.min(256, Number(e.target.value) || 1)))} />
          </div>
        </div>
        <fieldset className="field">
          <legend>Dates that already have a run</legend>
          {REPROCESS.map((r) => (
            <label key={r.value} className="radio">
              <input type="radio" name="reprocess" value={r.value} checked={reprocess === r.value} onChange={() => setReprocess(r.value)} /> {r.label}
            </label>
          ))}
        </fieldset>
        <p className="hint">Dates are in the DAG's timezone ({dagTimes.zoneName}), and so is the preview; both ends are included.</p>
        {error ? (
          <p className="field-error" role="alert">
            {error.message}
          </p>
        ) : null}
        {preview ? (
          <div className="preview" data-testid="backfill-preview">
            <strong>
              {preview.length} interval{preview.length === 1 ? "" : "s"}, {creates} to run
            </strong>
            <ul className="preview-list">
              {preview.map((i) => (
                <li key={i.logicalDate} className={`action-${i.action}`}>
                  <span>{dagTimes.logical(i.logicalDate)}</span> <span className="muted small">{ACTION_TEXT[i.action] ?? i.action}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <footer className="dialog-footer">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="btn" disabled={busy}>
            Preview (dry run)
          </button>
          <button type="button" className="btn btn-primary" disabled={busy || !preview || creates === 0} onClick={() => void send(false)} title={preview ? undefined : "Preview the intervals first"}>
            Start backfill
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
