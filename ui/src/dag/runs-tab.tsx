/** The Runs tab: this DAG's runs, every one of them, page by page. */
import { RunsTable } from "../components/runs-table";

export function RunsTab({ dagId, onOpenRun }: { dagId: string; onOpenRun: (runId: string) => void }) {
  return <RunsTable dagId={dagId} onOpenRun={onOpenRun} />;
}
