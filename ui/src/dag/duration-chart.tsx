/**
 * How long a DAG's recent runs took: one bar per started run (oldest left), as tall as the run
 * was long (a running run grows until it ends), coloured by its state. Hovering or focusing a bar
 * shows the run id, logical date and duration; clicking it opens the run. Plain SVG.
 */
import { useMemo, useState } from "react";
import type { DagRun } from "../api/types";
import { between, formatDuration, stateLabel } from "../format";
import { useTimes } from "../time/use-times";

const BAR = 22;
const GAP = 12;
const PLOT_HEIGHT = 120;
/** Room above the bars for the tooltip, so that it covers none of them. */
const TOP = 66;
const LEFT = 64;
const BOTTOM = 24;

interface Bar {
  readonly run: DagRun;
  readonly duration: number;
  readonly x: number;
  readonly height: number;
}

export function DurationChart({ runs, onOpenRun }: { runs: readonly DagRun[]; onOpenRun: (runId: string) => void }) {
  const times = useTimes();
  const [shown, setShown] = useState<Bar | undefined>();
  const bars = useMemo(() => {
    const started = [...runs].reverse().flatMap((run) => {
      const duration = between(run.startedAt, run.endedAt);
      return duration === null ? [] : [{ run, duration: Math.max(0, duration) }];
    });
    const longest = Math.max(1, ...started.map((s) => s.duration));
    return { longest, list: started.map((s, i): Bar => ({ ...s, x: LEFT + GAP + i * (BAR + GAP), height: Math.max(2, Math.round((s.duration / longest) * PLOT_HEIGHT)) })) };
  }, [runs]);

  if (bars.list.length === 0) return null;
  const width = LEFT + GAP + bars.list.length * (BAR + GAP);
  const bottom = TOP + PLOT_HEIGHT;
  const label = (b: Bar) => `Run ${b.run.runId}, logical date ${times.logical(b.run.logicalDate)}: ${formatDuration(b.duration)}, ${stateLabel(b.run.state)}`;
  return (
    <figure className="duration-chart" data-testid="duration-chart">
      <figcaption className="small muted">Duration of the latest {bars.list.length} runs (oldest left; logical dates in {times.zoneName})</figcaption>
      <div className="duration-chart-scroll">
        <svg width={width} height={bottom + BOTTOM} role="img" aria-label={`Durations of the latest ${bars.list.length} runs; the longest took ${formatDuration(bars.longest)}`}>
          {[0, 0.5, 1].map((f) => (
            <g key={f} className="duration-axis">
              <line x1={LEFT} x2={width} y1={bottom - f * PLOT_HEIGHT} y2={bottom - f * PLOT_HEIGHT} />
              <text x={LEFT - 6} y={bottom - f * PLOT_HEIGHT + 4} textAnchor="end">
                {f === 0 ? "0" : formatDuration(bars.longest * f)}
              </text>
            </g>
          ))}
          {bars.list.map((b) => (
            <g key={b.run.runId}>
              <rect
                className={`duration-bar state-${b.run.state}`}
                data-run-id={b.run.runId}
                x={b.x}
                y={bottom - b.height}
                width={BAR}
                height={b.height}
                rx={2}
                tabIndex={0}
                aria-label={label(b)}
                onMouseEnter={() => setShown(b)}
                onMouseLeave={() => setShown(undefined)}
                onFocus={() => setShown(b)}
                onBlur={() => setShown(undefined)}
                onClick={() => onOpenRun(b.run.runId)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") onOpenRun(b.run.runId);
                }}
              />
              <text className="duration-date" x={b.x + BAR / 2} y={bottom + 16} textAnchor="middle">
                {times.logicalShort(b.run.logicalDate).slice(0, 5)}
              </text>
            </g>
          ))}
        </svg>
        {shown ? (
          // Above the bars, inside the scrolling box (which would clip anything outside it).
          <div className="chart-tooltip" role="tooltip" style={{ left: shown.x, top: 2 }}>
            <div className="run-id">{shown.run.runId}</div>
            <div>logical date {times.logical(shown.run.logicalDate)}</div>
            <div>
              {formatDuration(shown.duration)} · {stateLabel(shown.run.state)}
            </div>
          </div>
        ) : null}
      </div>
    </figure>
  );
}
