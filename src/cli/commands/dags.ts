import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { InvalidInputError } from "../../core/errors.js";
import { loadDagFolder } from "../../dsl/load.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { renderTable } from "../table.js";

export const DAGS_USAGE = `tributary dags list <dir> [--json]    the DAGs in a folder of DAG files
tributary dags check <dir>           every import and validation error, by file (exit 1 if any)`;

export async function dagsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { json: { type: "boolean", default: false } },
  });
  const dirArg = positionals[0] ?? "dags";
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InvalidInputError(`no such folder: ${dirArg}`, { file: dirArg });
  }
  if (sub === "list") return list(dir, values.json);
  if (sub === "check") return check(dir);
  throw new UsageError(`unknown dags command "${sub ?? ""}"\n\n${DAGS_USAGE}`);
}

async function list(dir: string, json: boolean): Promise<number> {
  const { dags, errors } = await loadDagFolder(dir);
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
  process.stdout.write(`${dags.length} DAG(s) OK, ${errors.length} file(s) with errors\n`);
  return errors.length > 0 ? EXIT.failed : EXIT.ok;
}

function describeSchedule(schedule: unknown): string {
  if (schedule === null || schedule === undefined) return "manual";
  if (typeof schedule === "string") return schedule;
  if (Array.isArray(schedule)) return "on datasets";
  if (typeof schedule === "object" && "every" in schedule) return `every ${String(schedule.every)}`;
  return "?";
}
