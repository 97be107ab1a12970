/** The Runs tab: how long the recent runs took, then this DAG's runs, every one of them, page by page. */
import type { DagRun } from "../api/types";
import { RunsTable } from "../components/runs-table";
import { DurationChart } from "./duration-chart";

export function RunsTab({ dagId, recentRuns, onOpenRun }: { dagId: string; recentRuns: readonly DagRun[]; onOpenRun: (runId: string) => void }) {
  return (
    <>
      <DurationChart runs={recentRuns} onOpenRun={onOpenRun} />
      <RunsTable dagId={dagId} onOpenRun={onOpenRun} />
    </>
  );
}
