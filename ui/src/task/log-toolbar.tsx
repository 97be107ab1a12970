/**
 * Above a log: the search box (sent to the server once typing pauses), how many lines and whether
 * more are streaming in, the zone of the lines' times, follow, and any controls a view adds.
 */
import { useEffect, useState, type ReactNode } from "react";
import { useTimes } from "../time/use-times";
import type { TryLog } from "./use-try-log";

interface Props {
  readonly log: TryLog;
  /** Lines shown, when a filter shows fewer than the log has. */
  readonly shown?: number;
  readonly search: string;
  onSearch(search: string): void;
  readonly follow: boolean;
  onFollowChange(follow: boolean): void;
  readonly children?: ReactNode;
}

export function LogToolbar({ log, shown, search, onSearch, follow, onFollowChange, children }: Props) {
  const times = useTimes();
  const [draft, setDraft] = useState(search);
  useEffect(() => {
    const timer = window.setTimeout(() => onSearch(draft.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [draft, onSearch]);

  const count = log.lines.length;
  const counted = shown === undefined || shown === count ? `${count} line${count === 1 ? "" : "s"}` : `${shown} of ${count} lines`;
  return (
    <div className="log-toolbar">
      <input type="search" placeholder="Search the log…" aria-label="Search the log" value={draft} onChange={(e) => setDraft(e.target.value)} />
      {children}
      <span className="muted small log-status" aria-live="polite" data-testid="log-status">
        {log.loading ? "loading…" : `${counted}${search ? " matching" : ""}`}
        {log.running ? " · streaming" : ""}
      </span>
      <span className="muted small log-zone" title="The zone of the lines' times (the header's time-zone picker)">
        {times.zoneName}
      </span>
      <label className="small follow">
        <input type="checkbox" checked={follow} onChange={(e) => onFollowChange(e.target.checked)} /> follow
      </label>
    </div>
  );
}
