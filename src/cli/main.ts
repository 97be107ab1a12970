/**
 * The `tributary` command line. Every command returns its exit code; errors are printed with
 * their location (file, DAG, task, field) and mapped to the codes in exit-codes.ts.
 */
import { readFileSync } from "node:fs";
import { TributaryError } from "../core/errors.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { importsAbandoned } from "../dsl/abandoned-imports.js";
import { readCredentialFiles } from "../secrets/credential-files.js";
import { hideEnvironFromTasks } from "../worker/hide-exec-environ.js";
import { taskEnvAllowList } from "../worker/task-process-env.js";

interface Command {
  readonly run: (argv: readonly string[]) => Promise<number>;
  readonly usage: string;
}

/**
 * Each command's module is imported only when that command runs: a short command (`trigger`,
 * `runs list`) then loads neither the web server nor the alert channels, which roughly halves its
 * start-up. Only the general help loads them all.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  init: async () => { const m = await import("./commands/init.js"); return { run: m.initCommand, usage: m.INIT_USAGE }; },
  start: async () => { const m = await import("./commands/start.js"); return { run: m.startCommand, usage: m.START_USAGE }; },
  dev: async () => { const m = await import("./commands/dev.js"); return { run: m.devCommand, usage: m.DEV_USAGE }; },
  scheduler: async () => { const m = await import("./commands/start.js"); return { run: m.schedulerCommand, usage: m.SCHEDULER_USAGE }; },
  worker: async () => { const m = await import("./commands/start.js"); return { run: m.workerCommand, usage: m.WORKER_USAGE }; },
  api: async () => { const m = await import("./commands/start.js"); return { run: m.apiCommand, usage: m.API_USAGE }; },
  users: async () => { const m = await import("./commands/access.js"); return { run: m.usersCommand, usage: m.USERS_USAGE }; },
  tokens: async () => { const m = await import("./commands/access.js"); return { run: m.tokensCommand, usage: m.TOKENS_USAGE }; },
  audit: async () => { const m = await import("./commands/access.js"); return { run: m.auditCommand, usage: m.AUDIT_USAGE }; },
  run: async () => { const m = await import("./commands/run.js"); return { run: m.runCommand, usage: m.RUN_USAGE }; },
  trigger: async () => { const m = await import("./commands/trigger.js"); return { run: m.triggerCommand, usage: m.TRIGGER_USAGE }; },
  clear: async () => { const m = await import("./commands/clear.js"); return { run: m.clearCommand, usage: m.CLEAR_USAGE }; },
  backfill: async () => { const m = await import("./commands/backfill.js"); return { run: m.backfillCommand, usage: m.BACKFILL_USAGE }; },
  schedule: async () => { const m = await import("./commands/schedule.js"); return { run: m.scheduleCommand, usage: m.SCHEDULE_USAGE }; },
  runs: async () => { const m = await import("./commands/runs.js"); return { run: m.runsCommand, usage: m.RUNS_USAGE }; },
  dags: async () => { const m = await import("./commands/dags.js"); return { run: m.dagsCommand, usage: m.DAGS_USAGE }; },
  logs: async () => { const m = await import("./commands/logs.js"); return { run: m.logsCommand, usage: m.LOGS_USAGE }; },
  pools: async () => { const m = await import("./commands/pools.js"); return { run: m.poolsCommand, usage: m.POOLS_USAGE }; },
  approvals: async () => { const m = await import("./commands/approvals.js"); return { run: m.approvalsCommand, usage: m.APPROVALS_USAGE }; },
  cache: async () => { const m = await import("./commands/cache.js"); return { run: m.cacheCommand, usage: m.CACHE_USAGE }; },
  alerts: async () => { const m = await import("./commands/alerts.js"); return { run: m.alertsCommand, usage: m.ALERTS_USAGE }; },
  secrets: async () => { const m = await import("./commands/secrets.js"); return { run: m.secretsCommand, usage: m.SECRETS_USAGE }; },
  lineage: async () => { const m = await import("./commands/lineage.js"); return { run: m.lineageCommand, usage: m.LINEAGE_USAGE }; },
  datasets: async () => { const m = await import("./commands/datasets.js"); return { run: m.datasetsCommand, usage: m.DATASETS_USAGE }; },
  events: async () => { const m = await import("./commands/events.js"); return { run: m.eventsCommand, usage: m.EVENTS_USAGE }; },
};

async function generalUsage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return `Usage: tributary <command> [options]      (tributary help <command> for details)

Commands:
${commands.map((c) => `  ${c.usage.split("\n\n")[0]?.split("\n").join("\n  ")}`).join("\n")}

The DAG folder is --dags <dir>, else the \`dags\` setting of tributary.config.ts, else ./dags.
The store is --db <path|url>, else TRIBUTARY_DATABASE_URL, else ./.tributary/tributary.db
(postgres:// or postgresql:// for PostgreSQL; a path, sqlite:<path> or file:<path> for SQLite).
Exit codes: 0 ok, 1 run failed or check found errors, 2 invalid input, 3 internal error.`;
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" && rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(`${topic ? (await topic()).usage : await generalUsage()}\n`);
    return name === undefined ? EXIT.invalidInput : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`tributary: unknown command "${name}"\n\n${await generalUsage()}\n`);
    return EXIT.invalidInput;
  }
  const command = await load();
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
      // A DAG file given up on at import may still hold timers: end once the output is out.
      if (importsAbandoned()) process.stdout.write("", () => process.exit(code));
    },
    (error: unknown) => {
      process.stderr.write(`tributary: ${describeError(error)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
