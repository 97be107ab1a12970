/** Every page's times, written in the zone the header picked (see zone-choice.ts). */
import { useMemo } from "react";
import { useDisplayZone } from "./zone-choice";
import { zonedClock, zonedDateTime, zonedDateTimeSeconds, zoneName, zonedLogical, zonedLogicalShort, zonedRangeEnd, zonedTime } from "./zoned-format";

type Iso = string | null | undefined;

export interface Times {
  /** The IANA zone ("UTC", "Europe/Berlin"). */
  readonly zone: string;
  /** How headings name it: "UTC" or the IANA name. */
  readonly zoneName: string;
  /** "2024-03-01 06:00 UTC+1"; "–" for no time. */
  dateTime(iso: Iso): string;
  /** "2024-03-01 06:00:05 UTC+1". */
  dateTimeSeconds(iso: Iso): string;
  /** "06:00:05 UTC+1". */
  time(iso: Iso): string;
  /** "06:00:05", where a heading names the zone. */
  clock(iso: Iso): string;
  /** A run's logical date: "2024-03-01 UTC+1", or "2024-03-01 06:00 UTC+1" when not midnight. */
  logical(iso: Iso): string;
  /** A backfill range's end: its last day when it ends 1 ms before midnight ("2024-03-07 UTC+1"), else as `logical`. */
  rangeEnd(iso: Iso): string;
  /** A logical date in a grid column: "03-01 06:00", where a heading names the zone. */
  logicalShort(iso: Iso): string;
}

const orDash = (write: (iso: string, zone: string) => string, zone: string) => (iso: Iso) => (iso ? write(iso, zone) : "–");

/** The times of one zone; for the few places bound to a zone of their own (a DAG's backfill dates). */
export function timesIn(zone: string): Times {
  return {
    zone,
    zoneName: zoneName(zone),
    dateTime: orDash(zonedDateTime, zone),
    dateTimeSeconds: orDash(zonedDateTimeSeconds, zone),
    time: orDash(zonedTime, zone),
    clock: orDash(zonedClock, zone),
    logical: orDash(zonedLogical, zone),
    logicalShort: orDash(zonedLogicalShort, zone),
    rangeEnd: orDash(zonedRangeEnd, zone),
  };
}

export function useTimes(): Times {
  const zone = useDisplayZone();
  return useMemo(() => timesIn(zone), [zone]);
}
