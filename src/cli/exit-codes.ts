import { TributaryError } from "../core/errors.js";

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The run failed, or a check found problems. */
  failed: 1,
  /** Invalid input: unknown file or DAG, import error, cycle, bad param or option. */
  invalidInput: 2,
  /** A bug or an environment problem (database unreachable...). */
  internal: 3,
} as const;

const INPUT_ERRORS = new Set([
  "DAG_INVALID",
  "DAG_IMPORT_FAILED",
  "DAG_NOT_FOUND",
  "PARAMS_INVALID",
  "INVALID_INPUT",
  "NOT_FOUND",
  "BACKFILL_TOO_LARGE",
  // Wrong state for the operation (e.g. cancelling a finished run): the caller asked for something that cannot be done.
  "CONFLICT",
]);

export function exitCodeFor(error: unknown): number {
  if (error instanceof TributaryError && INPUT_ERRORS.has(error.code)) return EXIT.invalidInput;
  if (error instanceof UsageError) return EXIT.invalidInput;
  // node:util parseArgs rejects unknown or malformed flags with ERR_PARSE_ARGS_* codes.
  if (error instanceof Error && String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS")) {
    return EXIT.invalidInput;
  }
  return EXIT.internal;
}

/** A command line that does not make sense (unknown command, missing argument). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
