/**
 * The process log of `tributary start`, `scheduler` and `worker`: pino, in one of two formats.
 *
 * - `text` (the default): one human-readable line per event, `<ISO time> <message>`, what a user
 *   watching `npm start` in a terminal wants to read;
 * - `json` (`--log-format json` or `TRIBUTARY_LOG_FORMAT=json`): pino's JSON lines, with the level,
 *   time, process role, pid, host and the event's fields (run, task and try ids), for a log collector.
 *
 * Both go to stdout. Text stays the default even when stdout is not a terminal, so that scripts
 * and tests reading the lines keep working; deployments opt into JSON (docs/logging.md).
 */
import pino, { type DestinationStream, type Logger } from "pino";
import { hostname } from "node:os";
import { InvalidInputError } from "../core/errors.js";
import type { LogFields, LogFn, LogLevel } from "./log-fields.js";

export type LogFormat = "text" | "json";

export const LOG_FORMAT_ENV = "TRIBUTARY_LOG_FORMAT";
export const LOG_LEVEL_ENV = "TRIBUTARY_LOG_LEVEL";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export interface ProcessLoggerOptions {
  readonly format: LogFormat;
  /** What the process does: `start`, `scheduler`, `worker`. */
  readonly role: string;
  readonly level?: LogLevel;
  /** Where lines go (default stdout). */
  readonly destination?: { write(text: string): unknown };
}

export interface ProcessLogger {
  readonly logger: Logger;
  /** The `LogFn` handed to the service, the scheduler and the worker. */
  readonly log: LogFn;
}

/** `--log-format`, else `TRIBUTARY_LOG_FORMAT`, else text. */
export function resolveLogFormat(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const value = flag ?? env[LOG_FORMAT_ENV] ?? "text";
  if (value === "text" || value === "json") return value;
  throw new InvalidInputError(`--log-format must be "text" or "json", got "${value}"`, { field: "log-format" });
}

/** `--log-level`, else `TRIBUTARY_LOG_LEVEL`, else info. */
export function resolveLogLevel(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const value = flag ?? env[LOG_LEVEL_ENV] ?? "info";
  const level = LEVELS.find((l) => l === value);
  if (level === undefined) throw new InvalidInputError(`--log-level must be one of ${LEVELS.join(", ")}, got "${value}"`, { field: "log-level" });
  return level;
}

export function createProcessLogger(options: ProcessLoggerOptions): ProcessLogger {
  const out = options.destination ?? process.stdout;
  const destination: DestinationStream =
    options.format === "json" ? { write: (line: string) => void out.write(line) } : { write: (line: string) => void out.write(textLine(line)) };
  const logger = pino(
    {
      level: options.level ?? "info",
      base: { role: options.role, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const log: LogFn = (message: string, fields?: LogFields) => {
    const { level = "info", ...rest } = fields ?? {};
    logger[level](rest, message);
  };
  return { logger, log };
}

/** A pino JSON line as `<time> <message>`, the line `tributary start` has always printed. */
function textLine(json: string): string {
  try {
    const entry = JSON.parse(json) as { time?: string; msg?: string };
    return `${entry.time ?? new Date().toISOString()} ${entry.msg ?? ""}\n`;
  } catch {
    return json;
  }
}
