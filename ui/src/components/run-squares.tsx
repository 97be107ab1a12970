/** A DAG's recent runs as a row of coloured squares, oldest first; each links to the run in the grid. */
import type { RunSummary } from "../api/types";
import { logicalLabel, stateLabel } from "../format";
import { href } from "../router";

export function RunSquares({ dagId, runs, timeZone }: { dagId: string; runs: readonly RunSummary[]; timeZone: string | null }) {
  if (runs.length === 0) return <span className="muted small">no runs yet</span>;
  const oldestFirst = [...runs].reverse();
  return (
    <span className="squares">
      {oldestFirst.map((run) => (
        <a
          key={run.runId}
          className={`square state-${run.state}`}
          href={href(["dags", dagId], { tab: "grid", run: run.runId })}
          title={`${logicalLabel(run.logicalDate, timeZone)} · ${run.runType} · ${stateLabel(run.state)}`}
          aria-label={`run ${logicalLabel(run.logicalDate, timeZone)}: ${stateLabel(run.state)}`}
        />
      ))}
    </span>
  );
}
