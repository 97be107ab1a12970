import { existsSync, statSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { describeLocation, InvalidInputError } from "../../core/errors.js";
import { nestedShellPlaceholders } from "../../dsl/shell-lint.js";
import { paramEnvVar } from "../../worker/param-env.js";
import { secretEnvVar } from "../../secrets/names.js";
import { loadDagFolder } from "../../dsl/load.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { renderTable } from "../table.js";
import { describeSchedule } from "../describe-schedule.js";
import { findDagById } from "../find-dag.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { callApi, remoteFrom } from "../remote.js";

export const DAGS_USAGE = `tributary dags list [<dir>] [--json]          the DAGs in a folder of DAG files (default: --dags)
tributary dags check [<dir>]                 every import and validation error, by file (exit 1 if any);
                                             warnings: params or secrets templated into sh -c, bash -c, eval
tributary dags pause|unpause <dagId> [--dags <dir>] [--db <path> | --server <url>]`;

function nestedShellAdvice(placeholder: string, shell: string): string {
  const name = placeholder.slice(placeholder.indexOf(".") + 1);
  const variable = placeholder.startsWith("secrets.") ? secretEnvVar(name) : paramEnvVar(name);
  return (
    `{{ ${placeholder} }} is inside a nested ${shell}, which parses the value again as shell code: ` +
    `use the variable instead, quoted ("$${variable}"), which stays data in the nested shell`
  );
}

export async function dagsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { json: { type: "boolean", default: false }, dags: { type: "string" }, db: { type: "string" }, server: { type: "string" } },
  });
  if (sub === "pause" || sub === "unpause") return setPaused(positionals[0], sub === "pause", values);
  const { dagsDir } = await resolveLocations({ dags: positionals[0] ?? values.dags });
  if (!existsSync(dagsDir) || !statSync(dagsDir).isDirectory()) {
    throw new InvalidInputError(`no such folder: ${dagsDir}`, { file: dagsDir });
  }
  if (sub === "list") return list(dagsDir, values.json);
  if (sub === "check") return check(dagsDir);
  throw new UsageError(`unknown dags command "${sub ?? ""}"\n\n${DAGS_USAGE}`);
}

/** Pausing is stored, so it survives restarts and applies to every scheduler sharing the store. */
async function setPaused(dagId: string | undefined, paused: boolean, flags: { dags?: string; db?: string; server?: string }): Promise<number> {
  if (!dagId) throw new UsageError(`expected a DAG id\n\n${DAGS_USAGE}`);
  const remote = remoteFrom(flags.server);
  if (remote) {
    await callApi(remote, "PATCH", `/dags/${encodeURIComponent(dagId)}`, { isPaused: paused });
    process.stdout.write(`${dagId} ${paused ? "paused" : "unpaused"}\n`);
    return EXIT.ok;
  }
  const { dagsDir, db } = await resolveLocations(flags);
  const store = await openStore(db);
  try {
    if (!(await store.getDag(dagId))) {
      // Not seen by a scheduler yet: find it in the DAG folder and record it, so the flag sticks.
      const entry = await findDagById(dagId, dagsDir);
      await store.upsertDag({ dagId, file: entry.file, graph: entry.dag.graph, now: new Date() });
    }
    await store.setDagPaused(dagId, paused, new Date());
    process.stdout.write(`${dagId} ${paused ? "paused" : "unpaused"}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function list(dir: string, json: boolean): Promise<number> {
  const { dags, errors } = await loadDagFolder(dir, { hangs: "watch" });
  if (json) {
    const out = {
      dags: dags.map(({ dag, file }) => ({
        dagId: dag.id,
        file: relative(process.cwd(), file),
        schedule: dag.options.schedule,
        timezone: dag.options.timezone,
        tasks: dag.graph.tasks.map((t) => t.id),
        tags: dag.options.tags,
      })),
      importErrors: errors.map((e) => ({ file: e.location.file ?? null, message: e.message, code: e.code })),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    const rows = dags.map(({ dag, file }) => [
      dag.id,
      relative(process.cwd(), file),
      String(dag.graph.tasks.length),
      describeSchedule(dag.options.schedule),
    ]);
    process.stdout.write(`${renderTable(["dag", "file", "tasks", "schedule"], rows)}\n`);
    for (const error of errors) process.stderr.write(`import error: ${error.describe()}\n`);
  }
  return EXIT.ok;
}

async function check(dir: string): Promise<number> {
  const { dags, errors } = await loadDagFolder(dir);
  for (const error of errors) process.stdout.write(`${error.describe()}\n`);
  // Warnings, not errors: the command may be safe for the values the schema allows.
  for (const { dag, file } of dags) {
    for (const [taskId, definition] of dag.definitions) {
      if (definition.kind !== "shell") continue;
      for (const { placeholder, shell } of nestedShellPlaceholders(definition.command)) {
        process.stdout.write(`warning: ${describeLocation({ file, dagId: dag.id, taskId })}${nestedShellAdvice(placeholder, shell)}\n`);
      }
    }
  }
  process.stdout.write(`${dags.length} DAG(s) OK, ${errors.length} file(s) with errors\n`);
  return errors.length > 0 ? EXIT.failed : EXIT.ok;
}
