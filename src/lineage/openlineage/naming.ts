/**
 * How Tributary's things are named in OpenLineage: datasets split into namespace and name after
 * the OpenLineage naming convention (`postgres://warehouse/raw_orders` -> namespace
 * `postgres://warehouse`, name `raw_orders`), and run ids as UUIDs derived from Tributary's ids, so
 * every event about one run carries the same id, whichever process sends it.
 */
import { createHash } from "node:crypto";

export function datasetNaming(uri: string): { namespace: string; name: string } {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/.exec(uri);
  if (!match) return { namespace: "tributary", name: uri };
  const [, scheme = "", authority = "", path = ""] = match;
  if (authority === "") return { namespace: scheme, name: path || "/" };
  const name = path.replace(/^\//, "");
  return { namespace: `${scheme}://${authority}`, name: name === "" ? "/" : name };
}

/** A name-based UUID (version 5 layout over SHA-1): the same name always gives the same id. */
export function uuidFor(name: string): string {
  const bytes = createHash("sha1").update(`tributary:${name}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const dagRunUuid = (runId: string): string => uuidFor(`run:${runId}`);
export const taskTryUuid = (runId: string, taskId: string, mapIndex: number | null, tryNumber: number): string =>
  uuidFor(`try:${runId}/${taskId}/${mapIndex ?? -1}/${tryNumber}`);
