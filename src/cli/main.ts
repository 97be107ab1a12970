/**
 * The `tributary` command line. Every command returns its exit code; errors are printed with
 * their location (file, DAG, task, field) and mapped to the codes in exit-codes.ts.
 */
import { readFileSync } from "node:fs";
import { TributaryError } from "../core/errors.js";
import { dagsCommand, DAGS_USAGE } from "./commands/dags.js";
import { logsCommand, LOGS_USAGE } from "./commands/logs.js";
import { runCommand, RUN_USAGE } from "./commands/run.js";
import { startCommand, START_USAGE } from "./commands/start.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";

const USAGE = `Usage: tributary <command> [options]

Commands:
${START_USAGE.split("\n")[0]}
${RUN_USAGE.split("\n")[0]}
${DAGS_USAGE}
${LOGS_USAGE.split("\n")[0]}

Exit codes: 0 ok, 1 run failed or check found errors, 2 invalid input, 3 internal error.`;

const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => Promise<number>>> = {
  start: startCommand,
  run: runCommand,
  dags: dagsCommand,
  logs: logsCommand,
};

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${USAGE}\n`);
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
  try {
    return await command(rest);
  } catch (error) {
    process.stderr.write(`tributary ${name}: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

function describeError(error: unknown): string {
  if (error instanceof TributaryError) return error.describe();
  if (error instanceof Error) {
    // node:util parseArgs errors name the bad flag; they are input errors, not bugs.
    return error.message;
  }
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
