/**
 * The lines of one try's log: fetched in pages with the `after` cursor, polled while the try runs,
 * searched on the server. Shared by the task panel's viewer and the full-page log.
 */
import { useEffect, useState } from "react";
import { errorMessage, get, seg } from "../api/client";
import type { LogLine, LogPage } from "../api/types";

const PAGE = 1_000;
/** More lines than this are not kept in the page; the download (and `tributary logs`) has them all. */
const MAX_LINES = 200_000;
const POLL_MS = 1_000;

export interface TryLogAddress {
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  /** The try (default: the latest). */
  readonly tryNumber: number | undefined;
}

export interface TryLog {
  readonly lines: readonly LogLine[];
  /** The try is still running: more lines may come. */
  readonly running: boolean;
  readonly loading: boolean;
  readonly error: string | undefined;
}

export function useTryLog({ runId, taskId, mapIndex, tryNumber }: TryLogAddress, search: string): TryLog {
  const [lines, setLines] = useState<readonly LogLine[]>([]);
  const [running, setRunning] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let cancelled = false;
    let timer: number | undefined;
    let after = 0;
    let all: LogLine[] = [];
    setLines([]);
    setLoading(true);
    setError(undefined);
    const fetchMore = async (): Promise<void> => {
      try {
        for (;;) {
          const page = await get<LogPage>(`runs/${seg(runId)}/tasks/${seg(taskId)}/logs`, { mapIndex, try: tryNumber, after, limit: PAGE, search: search || undefined });
          if (cancelled) return;
          after = page.nextAfter;
          if (page.lines.length > 0) {
            all = all.concat(page.lines);
            if (all.length > MAX_LINES) all = all.slice(all.length - MAX_LINES);
            setLines(all);
          }
          setRunning(page.running);
          setLoading(false);
          setError(undefined);
          if (page.lines.length < PAGE) {
            if (page.running) timer = window.setTimeout(() => void fetchMore(), POLL_MS);
            return;
          }
        }
      } catch (e) {
        if (cancelled) return;
        setError(errorMessage(e));
        setLoading(false);
        timer = window.setTimeout(() => void fetchMore(), POLL_MS * 3);
      }
    };
    void fetchMore();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [runId, taskId, mapIndex, tryNumber, search]);

  return { lines, running, loading, error };
}
