/**
 * The `tributary` command line. Every command returns its exit code; errors are printed with
 * their location (file, DAG, task, field) and mapped to the codes in exit-codes.ts.
 */
import { readFileSync } from "node:fs";
import { TributaryError } from "../core/errors.js";
import { backfillCommand, BACKFILL_USAGE } from "./commands/backfill.js";
import { dagsCommand, DAGS_USAGE } from "./commands/dags.js";
import { logsCommand, LOGS_USAGE } from "./commands/logs.js";
import { poolsCommand, POOLS_USAGE } from "./commands/pools.js";
import { alertsCommand, ALERTS_USAGE } from "./commands/alerts.js";
import { secretsCommand, SECRETS_USAGE } from "./commands/secrets.js";
import { lineageCommand, LINEAGE_USAGE } from "./commands/lineage.js";
import { datasetsCommand, DATASETS_USAGE } from "./commands/datasets.js";
import { runCommand, RUN_USAGE } from "./commands/run.js";
import { runsCommand, RUNS_USAGE } from "./commands/runs.js";
import { scheduleCommand, SCHEDULE_USAGE } from "./commands/schedule.js";
import { auditCommand, AUDIT_USAGE, tokensCommand, TOKENS_USAGE, usersCommand, USERS_USAGE } from "./commands/access.js";
import {
  apiCommand,
  API_USAGE,
  schedulerCommand,
  SCHEDULER_USAGE,
  startCommand,
  START_USAGE,
  workerCommand,
  WORKER_USAGE,
} from "./commands/start.js";
import { triggerCommand, TRIGGER_USAGE } from "./commands/trigger.js";
import { devCommand, DEV_USAGE } from "./commands/dev.js";
import { initCommand, INIT_USAGE } from "./commands/init.js";
import { clearCommand, CLEAR_USAGE } from "./commands/clear.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { readCredentialFiles } from "../secrets/credential-files.js";
import { hideEnvironFromTasks } from "../worker/hide-exec-environ.js";
import { taskEnvAllowList } from "../worker/task-process-env.js";

interface Command {
  readonly run: (argv: readonly string[]) => Promise<number>;
  readonly usage: string;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  init: { run: initCommand, usage: INIT_USAGE },
  start: { run: startCommand, usage: START_USAGE },
  dev: { run: devCommand, usage: DEV_USAGE },
  scheduler: { run: schedulerCommand, usage: SCHEDULER_USAGE },
  worker: { run: workerCommand, usage: WORKER_USAGE },
  api: { run: apiCommand, usage: API_USAGE },
  users: { run: usersCommand, usage: USERS_USAGE },
  tokens: { run: tokensCommand, usage: TOKENS_USAGE },
  audit: { run: auditCommand, usage: AUDIT_USAGE },
  run: { run: runCommand, usage: RUN_USAGE },
  trigger: { run: triggerCommand, usage: TRIGGER_USAGE },
  clear: { run: clearCommand, usage: CLEAR_USAGE },
  backfill: { run: backfillCommand, usage: BACKFILL_USAGE },
  schedule: { run: scheduleCommand, usage: SCHEDULE_USAGE },
  runs: { run: runsCommand, usage: RUNS_USAGE },
  dags: { run: dagsCommand, usage: DAGS_USAGE },
  logs: { run: logsCommand, usage: LOGS_USAGE },
  pools: { run: poolsCommand, usage: POOLS_USAGE },
  alerts: { run: alertsCommand, usage: ALERTS_USAGE },
  secrets: { run: secretsCommand, usage: SECRETS_USAGE },
  lineage: { run: lineageCommand, usage: LINEAGE_USAGE },
  datasets: { run: datasetsCommand, usage: DATASETS_USAGE },
};

const USAGE = `Usage: tributary <command> [options]      (tributary help <command> for details)

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split("\n\n")[0]?.split("\n").join("\n  ")}`)
  .join("\n")}

The DAG folder is --dags <dir>, else the \`dags\` setting of tributary.config.ts, else ./dags.
The store is --db <path|url>, else TRIBUTARY_DATABASE_URL, else ./.tributary/tributary.db
(postgres:// or postgresql:// for PostgreSQL; a path, sqlite:<path> or file:<path> for SQLite).
Exit codes: 0 ok, 1 run failed or check found errors, 2 invalid input, 3 internal error.`;

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" && rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(`${topic ? topic.usage : USAGE}\n`);
    return name === undefined ? EXIT.invalidInput : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`tributary: unknown command "${name}"\n\n${USAGE}\n`);
    return EXIT.invalidInput;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    readCredentialFiles();
    // Any process of the user can be read by a task, not only a task's parents: every command hides its credentials.
    hideEnvironFromTasks(taskEnvAllowList());
    return await command.run(rest);
  } catch (error) {
    process.stderr.write(`tributary ${name}: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

function describeError(error: unknown): string {
  if (error instanceof TributaryError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Entry point of bin/tributary.js. */
export function main(argv: readonly string[]): void {
  runCli(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`tributary: ${describeError(error)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
