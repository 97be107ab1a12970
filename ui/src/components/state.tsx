/** Run and task states as colours: one palette (styles.css --state-*) used by every view. */
import { stateLabel } from "../format";

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state}`}>{stateLabel(state)}</span>;
}

export function StateDot({ state }: { state: string | undefined }) {
  return <span className={`dot state-${state ?? "none"}`} aria-hidden="true" />;
}

export const LEGEND_STATES = ["queued", "running", "deferred", "success", "failed", "retrying", "skipped", "upstream_failed", "scheduled"] as const;

export function StateLegend() {
  return (
    <ul className="legend" aria-label="State colours">
      {LEGEND_STATES.map((s) => (
        <li key={s}>
          <StateDot state={s} />
          {stateLabel(s)}
        </li>
      ))}
    </ul>
  );
}
