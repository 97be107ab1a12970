/**
 * `tributary clear <runId>`: runs a finished DAG run again (all of it, its failed tasks, or chosen
 * tasks), with the DAG as it is now, and says which DAG version that is compared with the one the
 * run used (tasks removed since keep their old instances; tasks added get new ones).
 */
import { parseArgs } from "node:util";
import { NotFoundError } from "../../core/errors.js";
import { dagVersion } from "../../core/dag-version.js";
import type { DagRunRecord, Store } from "../../store/index.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { findDagById } from "../find-dag.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";

export const CLEAR_USAGE = `tributary clear <runId> [--only-failed | --task <id>... [--downstream]] [--dags <dir>] [--db <path>] [--json]

Runs a finished DAG run again with the DAG as it is now (a running scheduler picks it up): every
task, only the failed ones (--only-failed), or the given tasks (--task, with their downstream
tasks with --downstream). Says which DAG version the run will use and which it used before.`;

export async function clearCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      "only-failed": { type: "boolean", default: false },
      task: { type: "string", multiple: true, default: [] },
      downstream: { type: "boolean", default: false },
      dags: { type: "string" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const runId = positionals[0];
  if (!runId || positionals.length > 1) throw new UsageError(`expected one run id\n\n${CLEAR_USAGE}`);
  if (values["only-failed"] && values.task.length > 0) throw new UsageError(`--only-failed and --task do not go together\n\n${CLEAR_USAGE}`);
  const { dagsDir, db } = await resolveLocations(values);
  const store = await openStore(db);
  try {
    const before = await store.getRun(runId);
    if (!before) throw new NotFoundError(`no DAG run ${runId}`, {});
    const entry = await findDagById(before.dagId, dagsDir);
    const graph = entry.dag.graph;
    const now = new Date();
    const after =
      values.task.length > 0
        ? (await store.clearTaskInstances({ runId, taskIds: values.task, downstream: values.downstream, graph, now })).run
        : await store.clearRun({ runId, graph, onlyFailed: values["only-failed"], now, source: entry.source });
    const report = await describeClear(store, before, after, dagVersion(graph, entry.source));
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else process.stdout.write(`${report.message}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

interface ClearReport {
  readonly runId: string;
  readonly state: string;
  readonly previousVersion: string | null;
  readonly version: string | null;
  readonly removedTasks: string[];
  readonly addedTasks: string[];
  readonly message: string;
}

async function describeClear(store: Store, before: DagRunRecord, after: DagRunRecord, current: string): Promise<ClearReport> {
  const version = after.dagVersion ?? current;
  const previous = before.dagVersion;
  const oldTasks = previous === null ? [] : ((await store.getDagVersion(before.dagId, previous))?.graph.tasks.map((t) => t.id) ?? []);
  const newTasks = (await store.getDagVersion(before.dagId, version))?.graph.tasks.map((t) => t.id) ?? [];
  const removedTasks = previous === null ? [] : oldTasks.filter((t) => !newTasks.includes(t));
  const addedTasks = previous === null ? [] : newTasks.filter((t) => !oldTasks.includes(t));
  const cleared = after.state === "queued" && before.state !== "queued";
  const lines = [
    cleared ? `cleared run ${before.runId} (${after.state}); it will run with DAG version ${version}` : `run ${before.runId} is ${after.state}: nothing was cleared (only a finished run is)`,
  ];
  if (cleared) {
    lines.push(previous === version ? `  the same version it ran with` : `  it ran with ${previous ?? "no recorded version"} before`);
    if (removedTasks.length > 0) lines.push(`  tasks removed since (their instances stay as they were): ${removedTasks.join(", ")}`);
    if (addedTasks.length > 0) lines.push(`  tasks added since (new instances): ${addedTasks.join(", ")}`);
  }
  return { runId: before.runId, state: after.state, previousVersion: previous, version, removedTasks, addedTasks, message: lines.join("\n") };
}
