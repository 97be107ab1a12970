/** A backfill's progress: a bar (succeeded, failed, skipped) and the counts, as the dialog and the Backfills page show it. */
import type { Backfill } from "../api/types";

export function BackfillProgress({ progress: p, label = "Backfill progress" }: { progress: Backfill["progress"]; label?: string }) {
  const share = (n: number) => `${p.total ? (n / p.total) * 100 : 0}%`;
  return (
    <div className="backfill-progress">
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.done} aria-label={label}>
        <span className="progress-success" style={{ width: share(p.succeeded) }} />
        <span className="progress-failed" style={{ width: share(p.failed) }} />
        <span className="progress-skipped" style={{ width: share(p.skipped) }} />
      </div>
      <p className="small" data-testid="backfill-progress">
        {p.done} of {p.total} runs done · {p.failed} failed · {p.succeeded} succeeded · {p.skipped} skipped · {p.running} running
      </p>
    </div>
  );
}
