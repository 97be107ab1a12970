/**
 * `tributary dev`: `start` for development. It watches the DAG folder, so that a saved change is
 * loaded within a second (the scheduler's own check every few seconds stays as the fallback); a
 * file that breaks prints its error and its last good version keeps running. Running tries are
 * not touched: they finish with the code they started with.
 */
import { watch, type FSWatcher } from "node:fs";
import { relative } from "node:path";
import { dagVersion } from "../../core/dag-version.js";
import { storedDags, type DagRegistry } from "../../scheduler/dag-registry.js";
import { startWith, type ServeHook } from "./start.js";

export const DEV_USAGE = `tributary dev [--dags <dir>] [--db <path|url>] [--port N] [start's options]

\`start\` for development: also watches the DAG folder and reloads a changed file within a second.
A file that fails to load prints its error here (and in the UI's import errors) while its last
good version keeps running; running tries are not interrupted. Takes every
option of \`tributary start\` (see \`tributary help start\`).`;

/** Changes closer together than this are loaded once (editors write a file in several steps). */
const SETTLE_MS = 100;

export const devCommand = (argv: readonly string[]) => startWith(argv, watchDagFolder);

const watchDagFolder: ServeHook = async ({ service, store, dagsDir, log }) => {
  let known = snapshot(service.registry);
  let reported = new Set(service.registry.importErrors().map((e) => e.describe()));
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();

  const reload = async (): Promise<void> => {
    // The scheduler's periodic check may have loaded the change first: what changed is judged
    // against what this watcher last saw, not by refresh()'s answer.
    await service.registry.refresh();
    const current = snapshot(service.registry);
    const changedFiles = new Set<string>();
    for (const [dagId, { version, tasks, file }] of current) {
      const before = known.get(dagId);
      if (before?.version === version) continue;
      changedFiles.add(file);
      log(`${before ? "reloaded" : "added"} DAG ${dagId} (version ${version}) from ${relative(process.cwd(), file)}: ${tasks.length} task(s): ${tasks.join(", ")}`);
    }
    if (changedFiles.size > 0) {
      const now = new Date();
      await store.upsertDags({ dags: storedDags(service.registry.all().values()), now });
      await service.reloadTaskCode([...changedFiles]);
    }
    for (const dagId of known.keys()) if (!current.has(dagId)) log(`removed DAG ${dagId}`);
    const errors = service.registry.importErrors();
    const nowReported = new Set<string>();
    for (const error of errors) {
      const text = error.describe();
      nowReported.add(text);
      if (!reported.has(text)) {
        log(`import error: ${text}\n  (the last good version of this file's DAGs keeps running until it loads again)`, { level: "error" });
      }
    }
    for (const text of reported) if (!nowReported.has(text)) log(`fixed: ${text.split("\n")[0] ?? text}`);
    known = current;
    reported = nowReported;
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading.then(reload).catch((error: unknown) => log(`reload failed: ${error instanceof Error ? error.message : String(error)}`, { level: "error" }));
    }, SETTLE_MS);
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dagsDir, { recursive: true }, schedule);
    watcher.on("error", (error) => log(`watching ${dagsDir} failed: ${error.message}; changes are still picked up every few seconds`, { level: "warn" }));
    log(`watching ${dagsDir} for changes`);
  } catch (error) {
    log(`cannot watch ${dagsDir} (${error instanceof Error ? error.message : String(error)}); changes are picked up every few seconds`, { level: "warn" });
  }
  return async () => {
    watcher?.close();
    clearTimeout(timer);
    await reloading;
  };
};

/** Each DAG's version, task ids and file, to tell what a reload changed. */
function snapshot(registry: DagRegistry): Map<string, { version: string; tasks: string[]; file: string }> {
  return new Map(
    [...registry.all()].map(([dagId, entry]) => [
      dagId,
      { version: dagVersion(entry.dag.graph, entry.source), tasks: entry.dag.graph.tasks.map((t) => t.id), file: entry.file },
    ]),
  );
}
