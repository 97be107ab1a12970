/** The header's time-zone picker: UTC, the browser's zone, or the DAG's zone (named on DAG pages). */
import { browserZone, setZoneChoice, usePageDagZone, useZoneChoice, type ZoneChoice } from "./zone-choice";

export function ZonePicker() {
  const choice = useZoneChoice();
  const dagZone = usePageDagZone();
  return (
    <label className="zone-picker" title="The zone every time in the UI is shown in">
      <span className="zone-picker-text">Times in</span>
      <select aria-label="Time zone" value={choice} onChange={(e) => setZoneChoice(e.target.value as ZoneChoice)}>
        <option value="utc">UTC</option>
        <option value="browser">{`Browser: ${browserZone()}`}</option>
        <option value="dag">{dagZone === null ? "DAG's zone (UTC here)" : `DAG: ${dagZone}`}</option>
      </select>
    </label>
  );
}
