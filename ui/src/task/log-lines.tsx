/**
 * The lines of a log in a dark scrolling box, virtualised (only the lines in view are in the DOM,
 * so a log of a hundred thousand lines scrolls as smoothly as one of ten). A line of several
 * lines of text, or a long one wrapped, is measured and takes its room. While following, new lines
 * keep the view at the bottom, as `tail -f` does; scrolling up stops following.
 */
import { useCallback, useEffect, useRef, useState, type CSSProperties, type UIEvent } from "react";
import type { LogLine } from "../api/types";
import { useTimes } from "../time/use-times";
import { useMeasuredRows } from "./measured-rows";

/** The height of one line of text in a row (styles.css: .log-line's line-height). */
const LINE_HEIGHT = 20;

interface Props {
  readonly lines: readonly LogLine[];
  /** Marked in each line. */
  readonly search: string;
  readonly wrap: boolean;
  readonly follow: boolean;
  onFollowChange(follow: boolean): void;
  /** What the box says when there are no lines. */
  readonly emptyText: string | undefined;
  /** The box grows with the log up to this height (the task panel); without it, CSS sizes it (the full page). */
  readonly maxHeight?: number;
}

const keyOf = (line: LogLine) => line.id;
/** Exact for a line that does not wrap: one row of text per line of the message. */
const estimate = (line: LogLine) => LINE_HEIGHT * (1 + (line.message.match(/\n/g)?.length ?? 0));

export function LogLines({ lines, search, wrap, follow, onFollowChange, emptyText, maxHeight }: Props) {
  const times = useTimes();
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [size, setSize] = useState({ width: 0, height: maxHeight ?? 600 });

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setSize({ width: element.clientWidth, height: element.clientHeight }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const rows = useMeasuredRows({ items: lines, keyOf, estimate, box, scrollTop, viewHeight: size.height, layoutKey: wrap ? `wrap ${size.width}` : "nowrap" });

  useEffect(() => {
    const element = box.current;
    if (follow && element) element.scrollTop = element.scrollHeight;
  }, [lines, follow, rows.totalHeight]);

  const onScroll = useCallback(
    (event: UIEvent<HTMLDivElement>) => {
      const element = event.currentTarget;
      setScrollTop(element.scrollTop);
      const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - LINE_HEIGHT;
      if (atBottom !== follow) onFollowChange(atBottom);
    },
    [follow, onFollowChange],
  );

  // As tall as the log, up to a limit: a short log needs no big black box.
  const style: CSSProperties | undefined = maxHeight === undefined ? undefined : { height: Math.min(maxHeight, Math.max(64, rows.totalHeight + 12)) };
  return (
    <div className={wrap ? "log-box log-wrap" : "log-box"} ref={box} onScroll={onScroll} tabIndex={0} role="log" aria-label="Log lines" data-testid="log-box" style={style}>
      {emptyText !== undefined && lines.length === 0 ? <div className="log-empty muted">{emptyText}</div> : null}
      <div className="log-rows" style={{ height: rows.totalHeight }}>
        {lines.slice(rows.first, rows.last).map((line, i) => (
          <div
            key={line.id}
            className={`log-line log-${line.level} log-${line.stream}`}
            style={{ top: rows.top(rows.first + i) }}
            data-row-key={line.id}
            data-level={line.level}
            data-testid="log-line"
          >
            <span className="log-time" title={times.dateTimeSeconds(line.at)}>
              {times.clock(line.at)}
            </span>
            <span className="log-level">{line.level}</span>
            <span className="log-message">{highlight(line.message, search)}</span>
          </div>
        ))}
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
