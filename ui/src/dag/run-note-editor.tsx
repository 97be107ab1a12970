/** A run's note (PUT /runs/:runId/note): who wrote it and when; operators edit it, viewers read it. */
import { useEffect, useState, type FormEvent } from "react";
import { errorMessage, put, seg } from "../api/client";
import type { RunNote, RunNoteAnswer } from "../api/types";
import { useCan } from "../auth";
import { TimeText } from "../time/time-text";

/** The store keeps at most this many characters (store/contract/run-notes.ts). */
const MAX_NOTE_CHARS = 10_000;

export function RunNoteEditor({ runId, note, onSaved }: { runId: string; note: RunNote | null; onSaved: (note: RunNote | null) => void }) {
  const canOperate = useCan("operator");
  const [text, setText] = useState(note?.note ?? "");
  const [status, setStatus] = useState<{ busy: boolean; error?: string }>({ busy: false });
  // Another run, or the note changed elsewhere: show what is stored.
  useEffect(() => setText(note?.note ?? ""), [runId, note?.note]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setStatus({ busy: true });
    try {
      const answer = await put<RunNoteAnswer>(`runs/${seg(runId)}/note`, { note: text });
      onSaved(answer.note);
      setStatus({ busy: false });
    } catch (e) {
      setStatus({ busy: false, error: errorMessage(e) });
    }
  };

  const byline = note ? (
    <p className="muted small" data-testid="note-byline">
      by {note.updatedBy ?? "unknown"}, <TimeText iso={note.updatedAt} />
    </p>
  ) : null;
  if (!canOperate) {
    return note ? (
      <>
        <p className="run-note-text">{note.note}</p>
        {byline}
      </>
    ) : (
      <p className="muted small">No note.</p>
    );
  }
  const changed = text !== (note?.note ?? "");
  return (
    <form className="run-note-form" onSubmit={(e) => void save(e)}>
      <label htmlFor={`run-note-${runId}`} className="sr-only">
        Note
      </label>
      <textarea
        id={`run-note-${runId}`}
        rows={4}
        maxLength={MAX_NOTE_CHARS}
        value={text}
        placeholder="Why this run was rerun, marked or cancelled; a ticket; what to watch…"
        onChange={(e) => setText(e.target.value)}
      />
      {byline}
      {status.error ? (
        <p className="field-error" role="alert">
          {status.error}
        </p>
      ) : null}
      <div className="task-actions">
        <button type="submit" className="btn btn-small btn-primary" disabled={status.busy || !changed}>
          Save note
        </button>
        {note ? <span className="muted small">An empty note removes it.</span> : null}
      </div>
    </form>
  );
}
