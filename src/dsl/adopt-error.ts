/**
 * Errors thrown by a DAG file come from the copy of Tributary that the file imported: a fresh
 * copy per load (see load.ts), or `dist/` while the loader runs from `src/`. Such an error is not
 * an `instanceof` this copy's classes, so it is recognised by its `code` and rebuilt here, keeping
 * its message and location, so that callers can rely on `instanceof TributaryError`.
 */
import {
  DagDefinitionError,
  DagImportError,
  DagNotFoundError,
  InvalidInputError,
  NotFoundError,
  ParamsError,
  TributaryError,
  type ErrorLocation,
} from "../core/errors.js";

interface ForeignTributaryError {
  readonly code: string;
  readonly message: string;
  readonly location: ErrorLocation;
}

function isForeignTributaryError(error: unknown): error is ForeignTributaryError {
  if (!(error instanceof Error) && (typeof error !== "object" || error === null)) return false;
  const candidate = error as Partial<ForeignTributaryError>;
  return typeof candidate.code === "string" && typeof candidate.message === "string" && typeof candidate.location === "object";
}

/** The error as one of this copy's classes when it is a Tributary error of another copy; else as is. */
export function adoptError(error: unknown, extra: ErrorLocation = {}): unknown {
  if (error instanceof TributaryError) return Object.keys(extra).length > 0 ? error.at(extra) : error;
  if (!isForeignTributaryError(error)) return error;
  const location = { ...extra, ...definedOnly(error.location) };
  const adopted = rebuild(error.code, error.message, location);
  if (adopted === undefined) return error;
  if (error instanceof Error && error.stack !== undefined) adopted.stack = error.stack;
  return adopted;
}

function rebuild(code: string, message: string, location: ErrorLocation): TributaryError | undefined {
  switch (code) {
    case "DAG_INVALID":
      return new DagDefinitionError(message, location);
    case "DAG_IMPORT_FAILED":
      return new DagImportError(message, location.file ?? "", {});
    case "DAG_NOT_FOUND":
      return new DagNotFoundError(message, location);
    case "PARAMS_INVALID":
      return new ParamsError(message, location);
    case "INVALID_INPUT":
      return new InvalidInputError(message, location);
    case "NOT_FOUND":
      return new NotFoundError(message, location);
    default:
      return undefined;
  }
}

function definedOnly(location: ErrorLocation): ErrorLocation {
  return Object.fromEntries(Object.entries(location).filter(([, value]) => value !== undefined)) as ErrorLocation;
}
