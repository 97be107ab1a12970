/** `tributary backfill --server`: the backfill is created on a running deployment, whose schedulers drive it. */
import type { BackfillRecord } from "../store/index.js";
import type { ReprocessMode } from "../scheduler/backfill.js";
import { EXIT } from "./exit-codes.js";
import { callApi, type Remote } from "./remote.js";
import { renderTable } from "./table.js";

/**
 * A backfill on a running deployment: the server plans it and its schedulers drive it; this
 * command follows its progress. Ctrl-C stops following only (the backfill goes on; cancel it
 * with POST /api/v1/backfills/<id>/cancel or in the UI).
 */
export async function remoteBackfill(
  remote: Remote,
  dagId: string,
  options: { from: string; to: string; reprocess: ReprocessMode; maxActiveRuns: number; dryRun: boolean; json: boolean },
): Promise<number> {
  const path = `/dags/${encodeURIComponent(dagId)}/backfills`;
  const body = { from: options.from, to: options.to, reprocess: options.reprocess, maxActiveRuns: options.maxActiveRuns, dryRun: options.dryRun };
  if (options.dryRun) {
    const plan = await callApi<{ intervals: { logicalDate: string; dataIntervalEnd: string; action: string; existingRunId: string | null }[] }>(remote, "POST", path, body);
    if (options.json) process.stdout.write(`${JSON.stringify({ dagId, dryRun: true, total: plan.intervals.length, intervals: plan.intervals })}\n`);
    else {
      const rows = plan.intervals.map((i) => [i.logicalDate, i.dataIntervalEnd, i.existingRunId ?? "-", i.action]);
      process.stdout.write(`${renderTable(["interval start", "interval end", "existing run", "action"], rows)}\n`);
      process.stdout.write(`${rows.length} interval(s); nothing was created (dry run)\n`);
    }
    return EXIT.ok;
  }
  let backfill = await callApi<BackfillRecord>(remote, "POST", path, body);
  if (!options.json) process.stderr.write(`backfill ${backfill.id} of ${dagId} created on ${remote.server}: ${backfill.progress.total} interval(s)\n`);
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.on("SIGINT", onSigint);
  try {
    while (backfill.state === "running" && !stop) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      backfill = await callApi<BackfillRecord>(remote, "GET", `/backfills/${backfill.id}`);
      const p = backfill.progress;
      if (!options.json) process.stderr.write(`  ${p.done}/${p.total} done: ${p.succeeded} succeeded, ${p.failed} failed, ${p.skipped} skipped, ${p.running} running\n`);
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(backfill)}\n`);
  else if (stop) process.stdout.write(`stopped following backfill ${backfill.id}; it goes on on the server\n`);
  else process.stdout.write(`backfill ${backfill.id} of ${dagId} ${backfill.state}: ${backfill.progress.succeeded} succeeded, ${backfill.progress.failed} failed, ${backfill.progress.skipped} skipped of ${backfill.progress.total}\n`);
  if (stop) return 130;
  return backfill.progress.failed > 0 || backfill.state !== "completed" ? EXIT.failed : EXIT.ok;
}
