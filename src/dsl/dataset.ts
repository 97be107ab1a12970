/**
 * Datasets (docs/architecture.md §2): named pieces of data, identified by a URI such as
 * `postgres://warehouse/raw_orders`, `s3://bucket/key` or `file:///data/x.csv`. They are the nodes
 * of lineage; core/dataset-uri.ts validates their URIs and gives each one canonical spelling.
 */
import { normaliseDatasetUri } from "../core/dataset-uri.js";
import { DATASET_BRAND, type Dataset } from "./types.js";

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

export { normaliseDatasetUri };
