/**
 * Run notes (Airflow's DAG run notes): free text an operator writes on a DAG run, such as "rerun
 * after the CRM outage, see INC-42", kept with who last wrote it and when. One note per run;
 * writing an empty note removes it.
 */

/** The longest note the store keeps: a note explains a run, it is no place for data. */
export const MAX_RUN_NOTE_CHARS = 10_000;

export interface RunNoteRecord {
  readonly runId: string;
  readonly note: string;
  /** Who last wrote it, as the audit log names callers (`alice`, `cli (bob)`); null when unknown. */
  readonly updatedBy: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface SetRunNoteInput {
  readonly runId: string;
  /** The note's text; empty (or only white space) removes the note. */
  readonly note: string;
  readonly by: string | null;
  readonly now: Date;
}
