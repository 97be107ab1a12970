/** The Runs tab: how long the recent runs took, then this DAG's runs, every one of them, page by page. */
import type { DagRun } from "../api/types";
import { RunsTable } from "../components/runs-table";
import { DurationChart } from "./duration-chart";

export function RunsTab({ dagId, timeZone, recentRuns, onOpenRun }: { dagId: string; timeZone: string | null; recentRuns: readonly DagRun[]; onOpenRun: (runId: string) => void }) {
  return (
    <>
      <DurationChart runs={recentRuns} timeZone={timeZone} onOpenRun={onOpenRun} />
      <RunsTable dagId={dagId} timeZone={timeZone} onOpenRun={onOpenRun} />
    </>
  );
}
