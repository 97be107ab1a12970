/** A DAG's recent runs as a row of coloured squares, oldest first; each links to the run in the grid. */
import type { RunSummary } from "../api/types";
import { stateLabel } from "../format";
import { href } from "../router";
import { useTimes } from "../time/use-times";

export function RunSquares({ dagId, runs }: { dagId: string; runs: readonly RunSummary[] }) {
  const times = useTimes();
  if (runs.length === 0) return <span className="muted small">no runs yet</span>;
  const oldestFirst = [...runs].reverse();
  return (
    <span className="squares">
      {oldestFirst.map((run) => (
        <a
          key={run.runId}
          className={`square state-${run.state}`}
          href={href(["dags", dagId], { tab: "grid", run: run.runId })}
          title={`${times.logical(run.logicalDate)} · ${run.runType} · ${stateLabel(run.state)}`}
          aria-label={`run ${times.logical(run.logicalDate)}: ${stateLabel(run.state)}`}
        />
      ))}
    </span>
  );
}
