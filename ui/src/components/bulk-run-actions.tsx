/**
 * The toolbar for the runs ticked in a runs table: clear their failed tasks, mark them success or
 * failed, or cancel them, in one request (POST /runs/bulk); then what happened to each run.
 */
import { useState } from "react";
import { errorMessage, post } from "../api/client";
import type { BulkRunAction, BulkRunAnswer } from "../api/types";

const ACTIONS: readonly { action: BulkRunAction; label: string; danger?: boolean }[] = [
  { action: "clear_failed", label: "Clear failed tasks" },
  { action: "mark_success", label: "Mark success" },
  { action: "mark_failed", label: "Mark failed", danger: true },
  { action: "cancel", label: "Cancel runs", danger: true },
];

const DONE: Readonly<Record<BulkRunAction, (n: string) => string>> = {
  clear_failed: (n) => `Cleared failed tasks of ${n}.`,
  mark_success: (n) => `Marked ${n} success.`,
  mark_failed: (n) => `Marked ${n} failed.`,
  cancel: (n) => `Cancelled ${n}.`,
};

const runs = (n: number) => `${n} run${n === 1 ? "" : "s"}`;

/** What a bulk action did: a sentence for the runs it changed, a line per run it left, or the request's error. */
export interface BulkOutcome {
  readonly summary: string;
  readonly notDone: readonly string[];
  readonly error?: string;
}

export function BulkRunActions({ runIds, onDone, onClearSelection }: { runIds: readonly string[]; onDone: (outcome: BulkOutcome) => void; onClearSelection: () => void }) {
  const [busy, setBusy] = useState(false);
  const act = async (action: BulkRunAction) => {
    setBusy(true);
    try {
      const { results } = await post<BulkRunAnswer>("runs/bulk", { action, runIds });
      const done = results.filter((r) => r.ok).length;
      // The server's messages name the run.
      const notDone = results.flatMap((r) => (r.ok ? [] : [r.error.message]));
      onDone({ summary: `${DONE[action](runs(done))}${notDone.length > 0 ? ` Left as ${notDone.length === 1 ? "it was" : "they were"}: ${runs(notDone.length)}.` : ""}`, notDone });
    } catch (e) {
      onDone({ summary: "", notDone: [], error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Bulk actions">
      <strong data-testid="selected-count">{runs(runIds.length)} selected</strong>
      {ACTIONS.map((a) => (
        <button key={a.action} type="button" className={a.danger ? "btn btn-small btn-danger" : "btn btn-small"} disabled={busy} onClick={() => void act(a.action)}>
          {a.label}
        </button>
      ))}
      <button type="button" className="link small" onClick={onClearSelection}>
        Clear selection
      </button>
    </div>
  );
}

export function BulkOutcomeNote({ outcome }: { outcome: BulkOutcome }) {
  if (outcome.error) {
    return (
      <p className="field-error" role="alert">
        {outcome.error}
      </p>
    );
  }
  return (
    <div className="notice" role="status" data-testid="bulk-outcome">
      {outcome.summary}
      {outcome.notDone.length > 0 ? (
        <ul className="plain small">
          {outcome.notDone.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
