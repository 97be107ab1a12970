import { parseArgs } from "node:util";
import { formatDs } from "../../core/calendar.js";
import { formatDuration } from "../../core/duration.js";
import { InvalidInputError } from "../../core/errors.js";
import { runBackfill, type BackfillProgress } from "../../app/run-backfill.js";
import { backfillRange, excludedInRange, planBackfill, type ReprocessMode } from "../../scheduler/backfill.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { findDagById } from "../find-dag.js";
import { positiveInt } from "../flags.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { renderTable } from "../table.js";
import { callApi, remoteFrom, type Remote } from "../remote.js";
import type { BackfillRecord } from "../../store/index.js";

export const BACKFILL_USAGE = `tributary backfill <dagId> --from <date> --to <date> [--max-active-runs N] [--reprocess skip|failed|all]
                   [--dry-run] [--json] [--concurrency N] [--dags <dir>] [--db <path>]

Re-processes every logical date in [from, to], both ends included (a date alone as --to means
that whole day); days the DAG's calendar excludes get no run (--dry-run lists them as excluded). Existing runs: skip (default) leaves finished runs alone, failed re-runs the
failed tasks of failed runs, all re-runs everything. Unfinished runs are resumed. Ctrl-C stops
creating runs and lets running tries finish; the same command again resumes.
Exit code: 0 when every run succeeded, 1 when any failed, 2 for invalid input, 130 if interrupted.`;

const REPROCESS: readonly ReprocessMode[] = ["skip", "failed", "all"];

export async function backfillCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      "max-active-runs": { type: "string" },
      reprocess: { type: "string", default: "skip" },
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      concurrency: { type: "string" },
      dags: { type: "string" },
      db: { type: "string" },
      server: { type: "string" },
    },
  });
  const dagId = positionals[0];
  if (!dagId || positionals.length > 1) throw new UsageError(`expected one DAG id\n\n${BACKFILL_USAGE}`);
  if (values.from === undefined) throw new InvalidInputError("--from is required", { field: "from" });
  if (values.to === undefined) throw new InvalidInputError("--to is required", { field: "to" });
  const reprocess = values.reprocess as ReprocessMode;
  if (!REPROCESS.includes(reprocess)) {
    throw new InvalidInputError(`--reprocess must be one of ${REPROCESS.join(", ")}, got "${values.reprocess}"`, { field: "reprocess" });
  }
  const maxActiveRuns = positiveInt(values["max-active-runs"], "max-active-runs") ?? 4;
  const concurrency = positiveInt(values.concurrency, "concurrency") ?? 4;
  const remote = remoteFrom(values.server);
  if (remote) return remoteBackfill(remote, dagId, { from: values.from, to: values.to, reprocess, maxActiveRuns, dryRun: values["dry-run"], json: values.json });
  const { dagsDir, db } = await resolveLocations(values);
  const entry = await findDagById(dagId, dagsDir);
  const timezone = entry.dag.options.timezone;
  const { from, to } = backfillRange(values.from, values.to, timezone);

  const store = await openStore(db);
  try {
    await store.upsertDag({ dagId, file: entry.file, graph: entry.dag.graph, now: new Date() });
    const plan = await planBackfill(store, entry, { from, to }, reprocess);
    if (values["dry-run"]) {
      const rows = plan.map((p) => ({
        logicalDate: p.interval.start.toISOString(),
        ds: formatDs(p.interval.start, timezone),
        start: p.interval.start.toISOString(),
        end: p.interval.end.toISOString(),
        existing: p.existing ? { runId: p.existing.runId, state: p.existing.state } : null,
        action: p.action,
      }));
      const excluded = excludedInRange(entry, { from, to }).map((e) => ({
        tick: e.tick.toISOString(),
        ds: e.day,
        reason: e.reason,
        shiftedTo: e.shiftedTo?.toISOString() ?? null,
        action: "excluded" as const,
      }));
      if (values.json) process.stdout.write(`${JSON.stringify({ dagId, dryRun: true, total: rows.length, intervals: rows, excluded })}\n`);
      else {
        const lines = [
          ...rows.map((r) => ({ at: r.start, cells: [r.ds, r.start, r.end, r.existing ? `${r.existing.state}` : "-", r.action] })),
          ...excluded.map((e) => ({
            at: e.tick,
            cells: [e.ds, e.tick, "-", "-", `excluded (${e.reason})${e.shiftedTo === null ? "" : `: shifted to ${e.shiftedTo}`}`],
          })),
        ].sort((a, b) => a.at.localeCompare(b.at));
        process.stdout.write(`${renderTable(["ds", "interval start", "interval end", "existing run", "action"], lines.map((l) => l.cells))}\n`);
        const note = excluded.length === 0 ? "" : `, ${excluded.length} schedule tick(s) excluded by the calendar`;
        process.stdout.write(`${rows.length} interval(s)${note}; nothing was created (dry run)\n`);
      }
      return EXIT.ok;
    }

    const controller = new AbortController();
    const onSigint = () => {
      if (!values.json) process.stderr.write("\ninterrupted: no new runs; waiting for running tries to finish...\n");
      controller.abort();
    };
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigint);
    const render = values.json ? undefined : progressRenderer();
    let result;
    try {
      result = await runBackfill({ store, entry, plan, maxActiveRuns, concurrency, signal: controller.signal, onProgress: render });
    } finally {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
    }
    render?.(result, true);
    const summary = {
      dagId,
      from: from.toISOString(),
      to: to.toISOString(),
      total: result.total,
      succeeded: result.succeeded,
      failed: result.failed,
      skipped: result.skipped,
      interrupted: result.interrupted,
      durationMs: Date.now() - result.startedAt.getTime(),
      runs: result.runs.map((r) => ({ runId: r.runId, logicalDate: r.logicalDate.toISOString(), state: r.state })),
    };
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stdout.write(
        `backfill of ${dagId}: ${result.succeeded} succeeded, ${result.failed} failed, ${result.skipped} skipped of ${result.total}` +
          `${result.interrupted ? " (interrupted: run the same command again to resume)" : ""}\n`,
      );
    }
    if (result.interrupted) return 130;
    return result.failed > 0 || result.runs.some((r) => r.state !== "success") ? EXIT.failed : EXIT.ok;
  } finally {
    await store.close();
  }
}

/** A progress bar on a terminal; on a pipe, a line at most every 2 seconds. */
function progressRenderer(): (progress: BackfillProgress, final?: boolean) => void {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  return (p, final = false) => {
    const elapsed = Date.now() - p.startedAt.getTime();
    const processed = p.done - p.skipped;
    const remaining = p.total - p.done;
    const eta = processed > 0 && remaining > 0 ? formatDuration((elapsed / processed) * remaining) : "-";
    const width = 30;
    const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
    const text =
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.done}/${p.total} runs done, ` +
      `${p.failed} failed, ${p.running} running, ETA ${eta}`;
    if (tty) process.stderr.write(`\r${text}${final ? "\n" : ""}`);
    else if (final || Date.now() - lastLine >= 2_000) {
      lastLine = Date.now();
      process.stderr.write(`${text}\n`);
    }
  };
}

/**
 * A backfill on a running deployment: the server plans it and its schedulers drive it; this
 * command follows its progress. Ctrl-C stops following only (the backfill goes on; cancel it
 * with POST /api/v1/backfills/<id>/cancel or in the UI).
 */
async function remoteBackfill(
  remote: Remote,
  dagId: string,
  options: { from: string; to: string; reprocess: ReprocessMode; maxActiveRuns: number; dryRun: boolean; json: boolean },
): Promise<number> {
  const path = `/dags/${encodeURIComponent(dagId)}/backfills`;
  const body = { from: options.from, to: options.to, reprocess: options.reprocess, maxActiveRuns: options.maxActiveRuns, dryRun: options.dryRun };
  if (options.dryRun) {
    const plan = await callApi<{
      intervals: { logicalDate: string; dataIntervalEnd: string; action: string; existingRunId: string | null }[];
      excluded?: { tick: string; reason: string; shiftedTo: string | null }[];
    }>(remote, "POST", path, body);
    const excluded = plan.excluded ?? [];
    if (options.json) process.stdout.write(`${JSON.stringify({ dagId, dryRun: true, total: plan.intervals.length, intervals: plan.intervals, excluded })}\n`);
    else {
      const rows = [
        ...plan.intervals.map((i) => ({ at: i.logicalDate, cells: [i.logicalDate, i.dataIntervalEnd, i.existingRunId ?? "-", i.action] })),
        ...excluded.map((e) => ({ at: e.tick, cells: [e.tick, "-", "-", `excluded (${e.reason})${e.shiftedTo === null ? "" : `: shifted to ${e.shiftedTo}`}`] })),
      ].sort((a, b) => a.at.localeCompare(b.at));
      process.stdout.write(`${renderTable(["interval start", "interval end", "existing run", "action"], rows.map((r) => r.cells))}\n`);
      const note = excluded.length === 0 ? "" : `, ${excluded.length} schedule tick(s) excluded by the calendar`;
      process.stdout.write(`${plan.intervals.length} interval(s)${note}; nothing was created (dry run)\n`);
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
