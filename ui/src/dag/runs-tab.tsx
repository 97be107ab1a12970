/** The Runs tab: this DAG's runs, every one of them, page by page. */
import { RunsTable } from "../components/runs-table";

export function RunsTab({ dagId, timeZone, onOpenRun }: { dagId: string; timeZone: string | null; onOpenRun: (runId: string) => void }) {
  return <RunsTable dagId={dagId} timeZone={timeZone} onOpenRun={onOpenRun} />;
}
