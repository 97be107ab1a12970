/** Reading and writing run notes (store/contract/run-notes.ts). */
import type { Selectable } from "kysely";
import { InvalidInputError, NotFoundError } from "../../../core/errors.js";
import { MAX_RUN_NOTE_CHARS, type RunNoteRecord, type SetRunNoteInput } from "../../contract/run-notes.js";
import type { RunNoteTable } from "../schema.js";
import { chunks } from "../shared/transitions.js";
import { toDate } from "../shared/rows.js";
import type { Tx } from "../shared/tx.js";

/** Writes (or, given an empty note, removes) the note of a run; resolves to the note, or null when removed. */
export async function setRunNote(tx: Tx, input: SetRunNoteInput): Promise<RunNoteRecord | null> {
  if (typeof input.note !== "string") throw new InvalidInputError("note must be text", { field: "note" });
  if (input.note.length > MAX_RUN_NOTE_CHARS) {
    throw new InvalidInputError(`note is ${input.note.length} characters long; at most ${MAX_RUN_NOTE_CHARS} are kept`, { field: "note" });
  }
  const run = await tx.selectFrom("dag_runs").select(["run_id", "dag_id"]).where("run_id", "=", input.runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`DAG run ${input.runId} not found`, { field: "runId" });
  if (input.note.trim() === "") {
    await tx.deleteFrom("run_notes").where("run_id", "=", input.runId).execute();
    return null;
  }
  const at = input.now.getTime();
  const values = { note: input.note, updated_by: input.by, updated_at: at };
  await tx
    .insertInto("run_notes")
    .values({ run_id: input.runId, created_at: at, ...values })
    .onConflict((oc) => oc.column("run_id").doUpdateSet(values))
    .execute();
  const row = await tx.selectFrom("run_notes").selectAll().where("run_id", "=", input.runId).executeTakeFirstOrThrow();
  return runNoteFromRow(row);
}

/** The notes of these runs (runs without one are left out). */
export async function listRunNotes(db: Tx, runIds: readonly string[]): Promise<RunNoteRecord[]> {
  const notes: RunNoteRecord[] = [];
  for (const batch of chunks([...new Set(runIds)], 500)) {
    const rows = await db.selectFrom("run_notes").selectAll().where("run_id", "in", batch).orderBy("run_id").execute();
    notes.push(...rows.map(runNoteFromRow));
  }
  return notes;
}

function runNoteFromRow(row: Selectable<RunNoteTable>): RunNoteRecord {
  return { runId: row.run_id, note: row.note, updatedBy: row.updated_by, createdAt: toDate(row.created_at), updatedAt: toDate(row.updated_at) };
}
