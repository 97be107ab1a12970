/**
 * Datasets (DESIGN §2): named pieces of data, identified by a URI such as
 * `postgres://warehouse/raw_orders`, `s3://bucket/key` or `file:///data/x.csv`. They are the nodes
 * of lineage, so two spellings of the same URI must end up as one node: the scheme and host are
 * lower-cased and a trailing slash is dropped.
 */
import { DagDefinitionError } from "../core/errors.js";
import { DATASET_BRAND, type Dataset } from "./types.js";

// scheme "://" authority path: the authority may be empty only for file URIs (`file:///x`).
const URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

/** A dataset for `uri`. A value that is not a `scheme://...` URI throws a `DagDefinitionError`. */
export function dataset(uri: string): Dataset {
  return Object.freeze({ [DATASET_BRAND]: true as const, uri: normaliseDatasetUri(uri) });
}

export function isDataset(value: unknown): value is Dataset {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Partial<Record<typeof DATASET_BRAND, unknown>>)[DATASET_BRAND] === true &&
    typeof (value as { uri?: unknown }).uri === "string"
  );
}

/** The canonical spelling of a dataset URI, e.g. `S3://Bucket/key/` -> `s3://bucket/key`. */
export function normaliseDatasetUri(uri: string): string {
  const location = { field: "dataset" };
  if (typeof uri !== "string") {
    throw new DagDefinitionError(`a dataset URI must be a string, got ${typeof uri}`, location);
  }
  const match = URI.exec(uri);
  if (match === null || /\s/.test(uri)) {
    throw new DagDefinitionError(
      `invalid dataset URI "${uri}": expected scheme://location, e.g. "postgres://warehouse/raw_orders" or "s3://bucket/key"`,
      location,
    );
  }
  const [, scheme = "", authority = "", rest = ""] = match;
  const lowerScheme = scheme.toLowerCase();
  if (authority === "" && (lowerScheme !== "file" || rest.length <= 1)) {
    throw new DagDefinitionError(`invalid dataset URI "${uri}": it names no location after "${scheme}://"`, location);
  }
  // User info (before "@") is case-sensitive; only the host part is not.
  const at = authority.lastIndexOf("@");
  const host = at === -1 ? authority.toLowerCase() : `${authority.slice(0, at + 1)}${authority.slice(at + 1).toLowerCase()}`;
  // Keep one slash when it is all the path there is and nothing names a host (`file:///`).
  const path = rest.replace(/\/+$/, "");
  return `${lowerScheme}://${host}${path === "" && host === "" ? "/" : path}`;
}
