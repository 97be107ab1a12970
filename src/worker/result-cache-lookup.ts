/**
 * Result caching in the worker (docs/concepts.md, "Cached results"), for tasks with a `cache`
 * option: before running a try, the task process computes the task's key (compute-cache-key.ts,
 * through the same pool, so a key function that hangs or throws fails the try like task code
 * would), and the store is asked for an unexpired result under (DAG, task, key). A hit is the
 * try's outcome; on a miss the try runs, and its result is stored when its success is recorded.
 */
import { createHash } from "node:crypto";
import type { Store, TryCacheNote } from "../store/index.js";
import type { Masker } from "../secrets/mask.js";
import type { TaskRunner } from "./task-runner.js";
import type { LogLine, TaskRunOutcome, TaskRunRequest } from "./task-protocol.js";

/** How much of a key the try shows (the lookup uses a hash of all of it). */
const LABEL_CHARS = 200;

export interface CacheLookup {
  /** What the try records about the cache; none when the key could not be computed. */
  readonly note: TryCacheNote | undefined;
  /** The try's outcome without running it: the cached result, or the key function's failure. */
  readonly outcome: TaskRunOutcome | undefined;
}

export interface CacheLookupInput {
  readonly store: Store;
  readonly pool: TaskRunner;
  readonly request: TaskRunRequest;
  readonly onLog: (line: LogLine) => void;
  readonly signal: AbortSignal | undefined;
  /** The try's secrets, hidden in the key as the try shows it. */
  readonly masker: Masker;
  readonly now: () => Date;
}

export async function lookUpCachedResult(input: CacheLookupInput): Promise<CacheLookup> {
  const { request, onLog } = input;
  const keyed = await input.pool.run({ ...request, purpose: "cacheKey" }, onLog, input.signal);
  if (!keyed.ok) {
    const error = { ...keyed.error, message: `cache.key failed: ${keyed.error.message}` };
    return { note: undefined, outcome: { ok: false, error, emitted: [] } };
  }
  const key = String(keyed.result);
  const shown = input.masker.text(key);
  const label = shown.length > LABEL_CHARS ? `${shown.slice(0, LABEL_CHARS - 1)}…` : shown;
  const note: TryCacheNote = { key: createHash("sha256").update(key).digest("hex"), label, hit: false };
  const now = input.now();
  const log = (message: string, level: LogLine["level"] = "info") => onLog({ at: now.toISOString(), stream: "log", level, message });
  let found;
  try {
    found = await input.store.resultCache.find({ dagId: request.dagId, taskId: request.taskId, key: note.key, now });
  } catch (error) {
    // The cache only saves work: without an answer from the store, the task runs.
    log(`cache lookup failed (${(error as Error).message}): running the task`, "warn");
    return { note, outcome: undefined };
  }
  if (found === undefined) {
    log(`cache miss for key ${JSON.stringify(label)}: running the task`);
    return { note, outcome: undefined };
  }
  log(
    `cache hit for key ${JSON.stringify(label)}: the result of run ${found.runId} (stored ${found.storedAt.toISOString()}, ` +
      `served until ${found.expiresAt.toISOString()}); the task did not run`,
  );
  return { note: { ...note, hit: true }, outcome: { ok: true, result: found.result, emitted: [] } };
}

/** The note a try's completion records: a success that ran is stored for `ttlMs` from now. */
export function completedCacheNote(note: TryCacheNote | undefined, outcome: TaskRunOutcome, ttlMs: number, now: Date): TryCacheNote | undefined {
  if (note === undefined || note.hit || !outcome.ok) return note;
  return { ...note, expiresAt: new Date(now.getTime() + ttlMs) };
}
