/**
 * Dataset URIs (docs/architecture.md §2): the one module that validates and normalises them, wherever they come
 * from (`dataset()` in a DAG file, `ctx.emit()` in a task, the CLI, the API). Datasets are the
 * nodes of lineage, so two spellings of one URI must end up as one node: the scheme and host are
 * lower-cased and a trailing slash is dropped.
 */
import { DagDefinitionError, InvalidInputError, type ErrorLocation, type TributaryError } from "./errors.js";

// scheme "://" authority path: the authority may be empty only for file URIs (`file:///x`).
const URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

/** Where a bad URI came from: a DAG definition (load error) or outside input (CLI, API, a task). */
export type DatasetUriSource = "definition" | "input";

/**
 * The canonical spelling of a dataset URI, e.g. `S3://Bucket/key/` -> `s3://bucket/key`. A value
 * that is not a `scheme://location` URI throws an error naming `location` (DAG, task, field):
 * a `DagDefinitionError` for a DAG definition, an `InvalidInputError` for other input.
 */
export function normaliseDatasetUri(
  uri: unknown,
  location: ErrorLocation = { field: "dataset" },
  source: DatasetUriSource = "definition",
): string {
  const fail = (message: string): TributaryError =>
    source === "definition" ? new DagDefinitionError(message, location) : new InvalidInputError(message, location);
  if (typeof uri !== "string") throw fail(`a dataset URI must be a string, got ${typeof uri}`);
  const match = URI.exec(uri);
  if (match === null || /\s/.test(uri)) {
    throw fail(`invalid dataset URI "${uri}": expected scheme://location, e.g. "postgres://warehouse/raw_orders" or "s3://bucket/key"`);
  }
  const [, scheme = "", authority = "", rest = ""] = match;
  const lowerScheme = scheme.toLowerCase();
  if (authority === "" && (lowerScheme !== "file" || rest.length <= 1)) {
    throw fail(`invalid dataset URI "${uri}": it names no location after "${scheme}://"`);
  }
  // User info (before "@") is case-sensitive; only the host part is not.
  const at = authority.lastIndexOf("@");
  const host = at === -1 ? authority.toLowerCase() : `${authority.slice(0, at + 1)}${authority.slice(at + 1).toLowerCase()}`;
  // Keep one slash when it is all the path there is and nothing names a host (`file:///`).
  const path = rest.replace(/\/+$/, "");
  return `${lowerScheme}://${host}${path === "" && host === "" ? "/" : path}`;
}

/** Whether `uri` is a valid dataset URI. */
export function isDatasetUri(uri: unknown): boolean {
  try {
    normaliseDatasetUri(uri, {}, "input");
    return true;
  } catch {
    return false;
  }
}
