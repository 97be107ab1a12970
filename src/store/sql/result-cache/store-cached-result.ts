import type { TryCacheNote } from "../../contract/result-cache.js";
import type { Tx } from "../shared/tx.js";

/** The try's columns that say what it had to do with the cache (none for a task without `cache`). */
export function tryCacheColumns(note: TryCacheNote | undefined): { cache_key?: string; cached?: number } {
  return note === undefined ? {} : { cache_key: note.label, cached: note.hit ? 1 : 0 };
}

/**
 * Stores a successful try's result under its key until `expiresAt`, replacing an older (expired)
 * one: part of the try's completion, so a result is cached only if its success is recorded.
 */
export async function storeCachedResult(
  tx: Tx,
  ti: { readonly dag_id: string; readonly task_id: string; readonly run_id: string },
  note: TryCacheNote,
  resultJson: string,
  at: number,
): Promise<void> {
  if (note.hit || note.expiresAt === undefined) return;
  const values = { result: resultJson, run_id: ti.run_id, stored_at: at, expires_at: note.expiresAt.getTime() };
  await tx
    .insertInto("task_result_cache")
    .values({ dag_id: ti.dag_id, task_id: ti.task_id, cache_key: note.key, ...values })
    .onConflict((oc) => oc.columns(["dag_id", "task_id", "cache_key"]).doUpdateSet(values))
    .execute();
}
