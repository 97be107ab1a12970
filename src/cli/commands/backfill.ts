import { parseArgs } from "node:util";
import { formatDs } from "../../core/calendar.js";
import { InvalidInputError } from "../../core/errors.js";
import { runBackfill, type BackfillRunResult } from "../../app/run-backfill.js";
import { backfillRange, excludedInRange, planBackfill, type PlannedInterval, type ReprocessMode } from "../../scheduler/backfill.js";
import type { RegisteredDag } from "../../scheduler/dag-registry.js";
import type { Store } from "../../store/index.js";
import { backfillForRequest, DEFAULT_MAX_ACTIVE_RUNS, resumeStoredBackfill, type BackfillTarget } from "../backfill-target.js";
import { progressBar } from "../backfill-progress-bar.js";
import { remoteBackfill } from "../backfill-remote.js";
import { cliActor } from "../cli-actor.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { findDagById } from "../find-dag.js";
import { positiveInt } from "../flags.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { renderTable } from "../table.js";
import { remoteFrom } from "../remote.js";

export const BACKFILL_USAGE = `tributary backfill <dagId> --from <date> --to <date> [--max-active-runs N] [--reprocess skip|failed|all]
                   [--dry-run] [--json] [--concurrency N] [--dags <dir>] [--db <path>]
tributary backfill --resume <id> [--max-active-runs N] [--json] [--concurrency N] [--dags <dir>] [--db <path>]

Re-processes every logical date in [from, to], both ends included (a date alone as --to means
that whole day); days the DAG's calendar excludes get no run (--dry-run lists them as excluded).
Existing runs: skip (default) leaves finished runs alone, failed re-runs the
failed tasks of failed runs, all re-runs everything. Unfinished runs are resumed. The backfill is
stored (as one created through the API is) and driven by this command, with its own worker, until
done; a scheduler on the same store helps drive it. --dry-run lists the intervals and writes
nothing. Ctrl-C pauses the backfill and lets running tries finish; the same command again, or
--resume <id>, continues it without running finished runs again.
Exit code: 0 when every run succeeded, 1 when any failed, 2 for invalid input, 130 if interrupted.`;

const REPROCESS: readonly ReprocessMode[] = ["skip", "failed", "all"];

interface BackfillFlags {
  readonly json: boolean;
  readonly concurrency: number;
}

export async function backfillCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      "max-active-runs": { type: "string" },
      reprocess: { type: "string" },
      resume: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      concurrency: { type: "string" },
      dags: { type: "string" },
      db: { type: "string" },
      server: { type: "string" },
    },
  });
  const dagId = positionals[0];
  if (positionals.length > 1) throw new UsageError(`expected one DAG id\n\n${BACKFILL_USAGE}`);
  const maxActiveRuns = positiveInt(values["max-active-runs"], "max-active-runs");
  const flags: BackfillFlags = { json: values.json, concurrency: positiveInt(values.concurrency, "concurrency") ?? 4 };
  const resumeId = positiveInt(values.resume, "resume");
  if (resumeId !== undefined) {
    for (const flag of ["from", "to", "reprocess"] as const) {
      if (values[flag] !== undefined) throw new InvalidInputError(`--resume continues backfill ${resumeId} with its own range and options: leave out --${flag}`, { field: flag });
    }
    if (values["dry-run"]) throw new InvalidInputError("--dry-run plans a new backfill and cannot be combined with --resume (a stored backfill's progress is on the UI's Backfills page)", { field: "dry-run" });
    if (values.server !== undefined) throw new InvalidInputError("--resume continues a backfill of the local store (--db); it cannot be combined with --server", { field: "server" });
    const { dagsDir, db } = await resolveLocations(values);
    return withOpenStore(db, async (store) => {
      const target = await resumeStoredBackfill(store, resumeId, { dagId, maxActiveRuns, now: new Date() });
      return drive(store, await findDagById(target.backfill.dagId, dagsDir), target, flags);
    });
  }

  if (!dagId) throw new UsageError(`expected one DAG id\n\n${BACKFILL_USAGE}`);
  if (values.from === undefined) throw new InvalidInputError("--from is required", { field: "from" });
  if (values.to === undefined) throw new InvalidInputError("--to is required", { field: "to" });
  const reprocess = (values.reprocess ?? "skip") as ReprocessMode;
  if (!REPROCESS.includes(reprocess)) {
    throw new InvalidInputError(`--reprocess must be one of ${REPROCESS.join(", ")}, got "${values.reprocess}"`, { field: "reprocess" });
  }
  const remote = remoteFrom(values.server);
  if (remote) {
    return remoteBackfill(remote, dagId, {
      from: values.from,
      to: values.to,
      reprocess,
      maxActiveRuns: maxActiveRuns ?? DEFAULT_MAX_ACTIVE_RUNS,
      dryRun: values["dry-run"],
      json: values.json,
    });
  }
  const { dagsDir, db } = await resolveLocations(values);
  const entry = await findDagById(dagId, dagsDir);
  const { from, to } = backfillRange(values.from, values.to, entry.dag.options.timezone);
  return withOpenStore(db, async (store) => {
    const plan = await planBackfill(store, entry, { from, to }, reprocess);
    if (values["dry-run"]) return printPlan(entry, plan, { from, to }, values.json);
    const target = await backfillForRequest(store, { dagId, from, to, reprocess, maxActiveRuns, plan, now: new Date() });
    return drive(store, entry, target, flags);
  });
}

async function withOpenStore(db: string | undefined, fn: (store: Store) => Promise<number>): Promise<number> {
  const store = await openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Lists the plan, and the schedule ticks the DAG's calendar excludes from the range; writes nothing. */
function printPlan(entry: RegisteredDag, plan: readonly PlannedInterval[], range: { readonly from: Date; readonly to: Date }, json: boolean): number {
  const { id: dagId, options } = entry.dag;
  const rows = plan.map((p) => ({
    logicalDate: p.interval.start.toISOString(),
    ds: formatDs(p.interval.start, options.timezone),
    start: p.interval.start.toISOString(),
    end: p.interval.end.toISOString(),
    existing: p.existing ? { runId: p.existing.runId, state: p.existing.state } : null,
    action: p.action,
  }));
  const excluded = excludedInRange(entry, range).map((e) => ({
    tick: e.tick.toISOString(),
    ds: e.day,
    reason: e.reason,
    shiftedTo: e.shiftedTo?.toISOString() ?? null,
    action: "excluded" as const,
  }));
  if (json) process.stdout.write(`${JSON.stringify({ dagId, dryRun: true, total: rows.length, intervals: rows, excluded })}\n`);
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

/** Drives the stored backfill in this process until it ends or Ctrl-C pauses it, and reports. */
async function drive(store: Store, entry: RegisteredDag, target: BackfillTarget, flags: BackfillFlags): Promise<number> {
  const { backfill, resumed } = target;
  const dagId = backfill.dagId;
  const startedAt = Date.now();
  if (!flags.json) {
    const { done, total } = backfill.progress;
    process.stderr.write(resumed ? `resuming backfill ${backfill.id} of ${dagId}: ${done} of ${total} interval(s) done\n` : `backfill ${backfill.id} of ${dagId}: ${total} interval(s)\n`);
  }
  await store.upsertDag({ dagId, file: entry.file, graph: entry.dag.graph, now: new Date() });

  const controller = new AbortController();
  const onSigint = () => {
    if (!flags.json) process.stderr.write(`\ninterrupted: pausing backfill ${backfill.id}; waiting for running tries to finish...\n`);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  const render = flags.json ? undefined : progressBar(startedAt, backfill.progress.done);
  let result: BackfillRunResult;
  try {
    result = await runBackfill({
      store,
      entry,
      backfillId: backfill.id,
      concurrency: flags.concurrency,
      signal: controller.signal,
      onProgress: render && ((b) => render(b.progress)),
    });
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
  const final = result.backfill;
  render?.(final.progress, true);
  if (result.interrupted) {
    await store.access.appendAudit({ actor: cliActor(), action: "backfill.pause", target: `${dagId}#${final.id}`, now: new Date() });
  }
  const { progress } = final;
  if (flags.json) {
    const summary = {
      backfillId: final.id,
      resumed,
      state: final.state,
      dagId,
      from: final.from.toISOString(),
      to: final.to.toISOString(),
      total: progress.total,
      succeeded: progress.succeeded,
      failed: progress.failed,
      skipped: progress.skipped,
      interrupted: result.interrupted,
      durationMs: Date.now() - startedAt,
      runs: result.runs.map((r) => ({ runId: r.runId, logicalDate: r.logicalDate.toISOString(), state: r.state })),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    process.stdout.write(`backfill ${final.id} of ${dagId}: ${progress.succeeded} succeeded, ${progress.failed} failed, ${progress.skipped} skipped of ${progress.total}${ending(result)}\n`);
  }
  if (result.interrupted) return 130;
  if (final.state !== "completed") return EXIT.failed;
  return progress.failed > 0 || result.runs.some((r) => r.state !== "success") ? EXIT.failed : EXIT.ok;
}

function ending({ backfill, interrupted }: BackfillRunResult): string {
  const again = `run the same command again, or tributary backfill --resume ${backfill.id}, to continue`;
  if (interrupted) return ` (interrupted and paused: ${again})`;
  if (backfill.state === "paused") return ` (paused by another process: ${again})`;
  if (backfill.state === "cancelled") return " (cancelled by another process)";
  return "";
}
