/** Runs of every DAG, latest first. */
import { RunsTable } from "../components/runs-table";

export function RunsPage() {
  return (
    <section className="page" aria-labelledby="runs-title">
      <div className="page-head">
        <h1 id="runs-title">Runs</h1>
      </div>
      <RunsTable />
    </section>
  );
}
