import type { TaskKind } from "../../core/types.js";
import { waitText } from "../../worker/wait-text.js";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DagNotFoundError, InvalidInputError } from "../../core/errors.js";
import { formatDuration } from "../../core/duration.js";
import { loadDagFile } from "../../dsl/load.js";
import type { LoadedDag } from "../../dsl/load.js";
import type { ClaimedTask, CompleteTryResult, DagRunRecord, TaskInstanceRecord } from "../../store/index.js";
import type { TaskRunOutcome } from "../../worker/task-protocol.js";
import { runToCompletion } from "../../app/run-to-completion.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { positiveInt } from "../flags.js";
import { parseParamFlags } from "../parse-params.js";
import { openStore } from "../store-location.js";
import { renderTable } from "../table.js";
import { specOf } from "../../core/graph-index.js";

export const RUN_USAGE = `tributary run <file> [--dag <id>] [--logical-date <date>] [--param k=v]... [--db <path>] [--concurrency N] [--json]

Runs one DAG run to completion and prints each task's state.
Exit code: 0 when the run succeeded, 1 when it failed, 2 for invalid input.`;

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      dag: { type: "string" },
      "logical-date": { type: "string" },
      param: { type: "string", multiple: true, default: [] },
      db: { type: "string" },
      concurrency: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const fileArg = positionals[0];
  if (!fileArg || positionals.length > 1) throw new UsageError(`expected one DAG file\n\n${RUN_USAGE}`);
  const file = resolve(fileArg);
  if (!existsSync(file)) throw new InvalidInputError(`no such file: ${fileArg}`, { file: fileArg });
  const concurrency = positiveInt(values.concurrency, "concurrency") ?? 4;

  const loaded = await loadDagFile(file, { hangs: "watch" });
  if (loaded.errors.length > 0) throw loaded.errors[0];
  const target = pickDag(loaded.dags, values.dag, fileArg);
  const params = target.dag.parseParams(parseParamFlags(values.param)) as Record<string, unknown>;

  const store = await openStore(values.db);
  try {
    const { run, instances } = await runToCompletion({
      store,
      dag: target.dag,
      file: target.file,
      logicalDate: values["logical-date"],
      params,
      concurrency,
      onTryFinished: values.json ? undefined : (claimed, outcome, recorded) => process.stderr.write(`${progressLine(claimed, outcome, recorded, specOf(target.dag.graph, claimed.instance.taskId)?.kind)}\n`),
    });
    if (values.json) process.stdout.write(`${JSON.stringify(runAsJson(run, instances))}\n`);
    else process.stdout.write(`${renderRun(run, instances)}\n`);
    return run.state === "success" ? EXIT.ok : EXIT.failed;
  } finally {
    await store.close();
  }
}

/** One line per try (and per sensor's poke that found nothing, per suspension, per approval asked) on stderr. */
function progressLine(claimed: ClaimedTask, outcome: TaskRunOutcome, recorded: CompleteTryResult, kind: TaskKind | undefined): string {
  const { taskId, mapIndex, pokes } = claimed.instance;
  const name = mapIndex === null ? taskId : `${taskId}[${mapIndex}]`;
  const waiting = recorded.state === "deferred" ? waitText(kind, outcome, recorded) : undefined;
  if (waiting !== undefined) return `wait ${name} (try ${claimed.tryNumber}): ${waiting}`;
  if (recorded.state === "deferred") {
    return `wait ${name} (try ${claimed.tryNumber}, poke ${pokes + 1}): not yet; next poke at ${recorded.wakeAt?.toISOString() ?? "?"}`;
  }
  return `${outcome.ok ? "ok  " : "FAIL"} ${name} (try ${claimed.tryNumber})${outcome.ok ? "" : `: ${outcome.error.message}`}`;
}

function pickDag(dags: readonly LoadedDag[], dagId: string | undefined, file: string): LoadedDag {
  const ids = dags.map((d) => d.dag.id);
  if (dagId !== undefined) {
    const found = dags.find((d) => d.dag.id === dagId);
    if (!found) throw new DagNotFoundError(`no DAG "${dagId}" in this file (it has: ${ids.join(", ") || "none"})`, { file });
    return found;
  }
  if (dags.length === 1 && dags[0]) return dags[0];
  if (dags.length === 0) throw new DagNotFoundError("this file exports no DAG", { file });
  throw new DagNotFoundError(`this file has several DAGs (${ids.join(", ")}); choose one with --dag`, { file });
}

/** The machine-readable contract of `tributary run --json`. */
export function runAsJson(run: DagRunRecord, instances: readonly TaskInstanceRecord[]) {
  return {
    dagId: run.dagId,
    runId: run.runId,
    logicalDate: run.logicalDate.toISOString(),
    state: run.state,
    tasks: instances.map((ti) => ({
      taskId: ti.taskId,
      mapIndex: ti.mapIndex,
      state: ti.state,
      tries: ti.tryNumber,
      startedAt: ti.startedAt?.toISOString() ?? null,
      endedAt: ti.endedAt?.toISOString() ?? null,
      error: ti.error,
    })),
  };
}

function renderRun(run: DagRunRecord, instances: readonly TaskInstanceRecord[]): string {
  const rows = [...instances]
    .sort((a, b) => (a.startedAt?.getTime() ?? Infinity) - (b.startedAt?.getTime() ?? Infinity) || a.id - b.id)
    .map((ti) => [
      ti.mapIndex === null ? ti.taskId : `${ti.taskId}[${ti.mapIndex}]`,
      ti.state,
      String(ti.tryNumber),
      ti.startedAt && ti.endedAt ? formatDuration(ti.endedAt.getTime() - ti.startedAt.getTime()) : "-",
      ti.error ? firstLine(ti.error) : "",
    ]);
  const took = run.startedAt && run.endedAt ? ` in ${formatDuration(run.endedAt.getTime() - run.startedAt.getTime())}` : "";
  return [
    `DAG ${run.dagId}, run ${run.runId}`,
    `logical date ${run.logicalDate.toISOString()}: ${run.state}${took}`,
    "",
    renderTable(["task", "state", "tries", "duration", "error"], rows),
  ].join("\n");
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}
