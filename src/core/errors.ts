/**
 * Errors carry data: each class has a stable `code` that the CLI maps to an exit code and the
 * API to an HTTP status, plus the fields that say where the problem is.
 */

export type ErrorCode =
  | "DAG_INVALID"
  | "DAG_IMPORT_FAILED"
  | "DAG_NOT_FOUND"
  | "PARAMS_INVALID"
  | "INVALID_TRANSITION"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_INPUT"
  | "RESULT_TOO_LARGE"
  | "BACKFILL_TOO_LARGE";

/** Where a problem is: any of file, DAG, task and field, as far as they are known. */
export interface ErrorLocation {
  readonly file?: string | undefined;
  readonly dagId?: string | undefined;
  readonly taskId?: string | undefined;
  readonly field?: string | undefined;
}

export class TributaryError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.location = location;
  }

  /** The message prefixed by its location, e.g. `dags/a.ts: DAG "sales", task "load": ...`. */
  describe(): string {
    return `${describeLocation(this.location)}${this.message}`;
  }

  /** The same error with more of its location filled in (e.g. the file, known only to the loader). */
  at(location: ErrorLocation): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this, { location: { ...location, ...definedOnly(this.location) } });
    copy.stack = this.stack;
    copy.message = this.message;
    return copy;
  }
}

/** A DAG definition that breaks a rule: a cycle, an unknown or duplicate task id, a bad option. */
export class DagDefinitionError extends TributaryError {
  constructor(message: string, location: ErrorLocation) {
    super("DAG_INVALID", message, location);
  }
}

/** A DAG file that throws or fails to compile when imported. */
export class DagImportError extends TributaryError {
  constructor(message: string, file: string, options?: { cause?: unknown }) {
    super("DAG_IMPORT_FAILED", message, { file }, options);
  }
}

export class DagNotFoundError extends TributaryError {
  constructor(message: string, location: ErrorLocation = {}) {
    super("DAG_NOT_FOUND", message, location);
  }
}

/** Params that fail a DAG's schema, or name a param the schema does not have. */
export class ParamsError extends TributaryError {
  constructor(message: string, location: ErrorLocation) {
    super("PARAMS_INVALID", message, location);
  }
}

/** A state change that the state machine does not allow. */
export class InvalidTransitionError extends TributaryError {
  readonly from: string;
  readonly to: string;

  constructor(kind: "task" | "run", from: string, to: string, location: ErrorLocation = {}) {
    super("INVALID_TRANSITION", `invalid ${kind} state transition: ${from} -> ${to}`, location);
    this.from = from;
    this.to = to;
  }
}

export class NotFoundError extends TributaryError {
  constructor(message: string, location: ErrorLocation = {}) {
    super("NOT_FOUND", message, location);
  }
}

/** The request is valid but clashes with the current state (a run that already exists, a finished run). */
export class ConflictError extends TributaryError {
  constructor(message: string, location: ErrorLocation = {}) {
    super("CONFLICT", message, location);
  }
}

export class InvalidInputError extends TributaryError {
  constructor(message: string, location: ErrorLocation = {}) {
    super("INVALID_INPUT", message, location);
  }
}

/** A backfill range with more data intervals than one backfill may cover. */
export class BackfillTooLargeError extends TributaryError {
  readonly limit: number;

  constructor(limit: number, from: Date, to: Date) {
    super(
      "BACKFILL_TOO_LARGE",
      `more than ${limit} intervals between ${from.toISOString()} and ${to.toISOString()}: backfill a shorter range (at most ${limit} runs at a time)`,
      { field: "to" },
    );
    this.limit = limit;
  }
}

export function describeLocation(location: ErrorLocation): string {
  const parts: string[] = [];
  if (location.file) parts.push(location.file);
  if (location.dagId) parts.push(`DAG "${location.dagId}"`);
  if (location.taskId) parts.push(`task "${location.taskId}"`);
  if (location.field) parts.push(`field "${location.field}"`);
  return parts.length > 0 ? `${parts.join(", ")}: ` : "";
}

function definedOnly(location: ErrorLocation): ErrorLocation {
  return Object.fromEntries(Object.entries(location).filter(([, v]) => v !== undefined)) as ErrorLocation;
}
