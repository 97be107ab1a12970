/**
 * Dataset updates reported from outside Tributary (docs/architecture.md §4): an external system that loaded a
 * table says so through `POST /api/v1/datasets/events` or `tributary datasets event <uri>`, and
 * the DAGs scheduled on that dataset run as if a task had written it.
 */
import { InvalidInputError } from "../core/errors.js";
import type { DatasetEventRecord } from "../store/index.js";
import type { Store } from "../store/index.js";
import { normaliseDatasetUri } from "../core/dataset-uri.js";

export type DatasetEventMetadataValue = string | number | boolean | null;

export interface ExternalDatasetEventInput {
  /** The dataset URI (normalised before it is stored). */
  readonly uri: unknown;
  /** Flat metadata: string, number, boolean or null values (e.g. `{ rows: 120, partition: "2024-03-01" }`). */
  readonly metadata?: unknown;
  /** Who reports it, recorded with the event: `api` (or the API user), `cli`... */
  readonly source?: string;
  readonly now?: Date;
}

/** Validates and records an external dataset event; bad input throws `InvalidInputError` naming the field. */
export async function recordExternalDatasetEvent(store: Store, input: ExternalDatasetEventInput): Promise<DatasetEventRecord> {
  const uri = normaliseDatasetUri(input.uri, { field: "uri" }, "input");
  const metadata = checkMetadata(input.metadata ?? {});
  const source = input.source ?? "api";
  if (typeof source !== "string" || source.trim() === "" || source.length > 200) {
    throw new InvalidInputError("source must be a non-empty string of at most 200 characters", { field: "source" });
  }
  return store.lineage.recordDatasetEvent({ uri, metadata, source, now: input.now ?? new Date() });
}

function checkMetadata(value: unknown): Record<string, DatasetEventMetadataValue> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidInputError("metadata must be an object of names to strings, numbers, booleans or null", { field: "metadata" });
  }
  const out: Record<string, DatasetEventMetadataValue> = {};
  for (const [key, v] of Object.entries(value)) {
    const ok = v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
    if (!ok) throw new InvalidInputError(`metadata.${key} must be a string, a finite number, a boolean or null`, { field: `metadata.${key}` });
    out[key] = v;
  }
  if (JSON.stringify(out).length > 64 * 1024) throw new InvalidInputError("metadata is larger than 64 KiB", { field: "metadata" });
  return out;
}
