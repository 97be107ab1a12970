/**
 * The log of one try: fetched in pages with the `after` cursor, polled while the try runs, searched
 * on the server, and drawn virtualised (only the lines in view are in the DOM), so a log of a
 * hundred thousand lines scrolls as smoothly as one of ten.
 */
import { useEffect, useRef, useState, type UIEvent } from "react";
import { errorMessage, get, seg } from "../api/client";
import type { LogLine, LogPage } from "../api/types";
import { formatTime } from "../format";

const ROW_HEIGHT = 20;
const PAGE = 1_000;
/** More lines than this are not kept in the page; the CLI (`tributary logs`) reads any length. */
const MAX_LINES = 200_000;
const POLL_MS = 1_000;
const OVERSCAN = 20;
const MAX_BOX_HEIGHT = 360;

interface Props {
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  /** The try to show (default: the latest). */
  readonly tryNumber: number | undefined;
}

export function LogViewer({ runId, taskId, mapIndex, tryNumber }: Props) {
  const [lines, setLines] = useState<readonly LogLine[]>([]);
  const [running, setRunning] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | undefined>();
  const [search, setSearch] = useState("");
  const [query, setQueryText] = useState("");
  const [follow, setFollow] = useState(true);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(MAX_BOX_HEIGHT);
  const box = useRef<HTMLDivElement>(null);

  // Search waits for a pause in typing.
  useEffect(() => {
    const t = window.setTimeout(() => setQueryText(search.trim()), 300);
    return () => window.clearTimeout(t);
  }, [search]);

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
          const page = await get<LogPage>(`runs/${seg(runId)}/tasks/${seg(taskId)}/logs`, { mapIndex, try: tryNumber, after, limit: PAGE, search: query || undefined });
          if (cancelled) return;
          after = page.nextAfter;
          if (page.lines.length > 0) {
            all = all.concat(page.lines);
            if (all.length > MAX_LINES) all = all.slice(all.length - MAX_LINES);
            setLines(all);
          }
          setRunning(page.running);
          setLoading(false);
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
  }, [runId, taskId, mapIndex, tryNumber, query]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Following: new lines keep the view at the bottom, as `tail -f` does.
  useEffect(() => {
    const element = box.current;
    if (follow && element) element.scrollTop = element.scrollHeight;
  }, [lines, follow]);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const element = event.currentTarget;
    setScrollTop(element.scrollTop);
    setFollow(element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = lines.slice(first, last);

  return (
    <div className="log-viewer">
      <div className="log-toolbar">
        <input type="search" placeholder="Search the log…" aria-label="Search the log" value={search} onChange={(e) => setSearch(e.target.value)} />
        <span className="muted small" aria-live="polite">
          {loading ? "loading…" : `${lines.length} line${lines.length === 1 ? "" : "s"}${query ? " matching" : ""}`}
          {running ? " · streaming" : ""}
        </span>
        <label className="small follow">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div
        className="log-box"
        ref={box}
        onScroll={onScroll}
        tabIndex={0}
        role="log"
        aria-label="Log lines"
        data-testid="log-box"
        // As tall as the log, up to a limit: a short log needs no big black box.
        style={{ height: Math.min(MAX_BOX_HEIGHT, Math.max(64, lines.length * ROW_HEIGHT + 12)) }}
      >
        {!loading && lines.length === 0 ? <div className="log-empty muted">{query ? "No line matches." : running ? "Waiting for output…" : "This try wrote no log lines."}</div> : null}
        <div style={{ height: lines.length * ROW_HEIGHT, position: "relative" }}>
          {visible.map((line, i) => (
            <div key={line.id} className={`log-line log-${line.level} log-${line.stream}`} style={{ top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT }} data-testid="log-line">
              <span className="log-time">{formatTime(line.at)}</span>
              <span className="log-level">{line.level}</span>
              <span className="log-message">{highlight(line.message, query)}</span>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function highlight(text: string, query: string) {
  if (!query) return text;
  const index = text.toLowerCase().indexOf(query.toLowerCase());
  if (index < 0) return text;
  return (
    <>
      {text.slice(0, index)}
      <mark>{text.slice(index, index + query.length)}</mark>
      {text.slice(index + query.length)}
    </>
  );
}
