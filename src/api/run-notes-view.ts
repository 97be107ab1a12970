/** Runs as the API shows them: each with its note (store/contract/run-notes.ts), or `note: null`. */
import type { RunNoteRecord } from "../store/index.js";
import type { DagRunRecord, Store } from "../store/index.js";

export type RunWithNote = DagRunRecord & { readonly note: RunNoteRecord | null };

/** One query for the notes of a whole page of runs. */
export async function withNotes(store: Store, runs: readonly DagRunRecord[]): Promise<RunWithNote[]> {
  const notes = new Map((await store.listRunNotes(runs.map((r) => r.runId))).map((n) => [n.runId, n]));
  return runs.map((run) => ({ ...run, note: notes.get(run.runId) ?? null }));
}

export async function withNote(store: Store, run: DagRunRecord): Promise<RunWithNote> {
  const [one] = await withNotes(store, [run]);
  return one ?? { ...run, note: null };
}
