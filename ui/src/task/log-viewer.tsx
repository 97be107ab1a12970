/**
 * The log of one try in the task panel: searchable, following while the try runs, with a link to
 * the try's full-page log (wrapping, level filter, download).
 */
import { useState } from "react";
import { LogLines } from "./log-lines";
import { LogToolbar } from "./log-toolbar";
import { useTryLog, type TryLogAddress } from "./use-try-log";

const MAX_BOX_HEIGHT = 360;

export function LogViewer(address: TryLogAddress) {
  const [search, setSearch] = useState("");
  const [follow, setFollow] = useState(true);
  const log = useTryLog(address, search);
  return (
    <div className="log-viewer">
      <LogToolbar log={log} search={search} onSearch={setSearch} follow={follow} onFollowChange={setFollow} />
      {log.error ? (
        <p className="field-error" role="alert">
          {log.error}
        </p>
      ) : null}
      <LogLines lines={log.lines} search={search} wrap={false} follow={follow} onFollowChange={setFollow} emptyText={emptyText(log, search)} maxHeight={MAX_BOX_HEIGHT} />
    </div>
  );
}

/** What an empty box says (nothing while the first page loads). */
export function emptyText(log: { loading: boolean; running: boolean }, search: string): string | undefined {
  if (log.loading) return undefined;
  return search ? "No line matches." : log.running ? "Waiting for output…" : "This try wrote no log lines.";
}
