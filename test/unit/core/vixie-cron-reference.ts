/**
 * A reference Vixie cron for tests: obviously correct, slow, and independent of src/. It walks
 * every UTC minute, reads the zone's wall clock through Intl, and applies the main loop of Vixie
 * cron 4.1 (cron.c) as written: a jump of one minute runs every job; a forward jump of up to 5
 * minutes runs every job of each skipped minute; up to 3 hours runs wildcard jobs for the new
 * minute and fixed-time jobs for each skipped minute; a backward jump of up to 3 hours runs only
 * wildcard jobs until the clock passes the last minute handled; any larger jump is a fresh start.
 */

export interface ReferenceJob {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  readonly domStar: boolean;
  readonly dowStar: boolean;
  /** MIN_STAR or HR_STAR in Vixie's entry flags. */
  readonly wild: boolean;
}

/** Parses numbers, `*`, `a-b`, steps and lists (no names): the shapes the property test generates. */
export function referenceJob(expression: string): ReferenceJob {
  const [minute, hour, day, month, weekday] = expression.split(" ") as [string, string, string, string, string];
  const weekdays = expand(weekday, 0, 7);
  if (weekdays.has(7)) weekdays.add(0);
  return {
    minutes: expand(minute, 0, 59),
    hours: expand(hour, 0, 23),
    days: expand(day, 1, 31),
    months: expand(month, 1, 12),
    weekdays,
    domStar: day.startsWith("*"),
    dowStar: weekday.startsWith("*"),
    wild: minute.startsWith("*") || hour.startsWith("*"),
  };
}

function expand(field: string, min: number, max: number): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(",")) {
    const [range, step] = item.split("/");
    let low = min;
    let high = max;
    if (range !== "*") {
      const [a, b] = (range ?? "").split("-");
      low = Number(a);
      high = b !== undefined ? Number(b) : step !== undefined ? max : low;
    }
    if (range === "*" && max === 7) high = 6;
    for (let v = low; v <= high; v += Number(step ?? 1)) values.add(v);
  }
  return values;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock minute (minutes since 1970-01-01 00:00 of the wall calendar) at a UTC minute, read through Intl. */
function intlWallMinute(zone: string, utcMinute: number): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric",
    });
    formatters.set(zone, format);
  }
  const text = format.format(utcMinute * 60_000);
  const match = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+)$/.exec(text);
  if (!match) throw new Error(`unexpected Intl output "${text}"`);
  const [, month, day, year, hour, minute] = match.map(Number) as [number, number, number, number, number, number];
  return Date.UTC(year, month - 1, day, hour % 24, minute) / 60_000;
}

interface YearTable {
  readonly startOffset: number;
  /** Minutes at which the offset changes, with the new offset (minutes). */
  readonly changes: readonly { readonly at: number; readonly offset: number }[];
}

const tables = new Map<string, YearTable>();

/**
 * The zone's offsets through a UTC year: Intl read day by day, then hour by hour and minute by
 * minute where the offset changed (no zone here changes twice in a day).
 */
function yearTable(zone: string, year: number): YearTable {
  const key = `${zone} ${year}`;
  const cached = tables.get(key);
  if (cached) return cached;
  const start = Date.UTC(year, 0, 1) / 60_000;
  const end = Date.UTC(year + 1, 0, 1) / 60_000;
  const offset = (m: number) => intlWallMinute(zone, m) - m;
  const changes: { at: number; offset: number }[] = [];
  for (let day = start; day < end; day += 1440) {
    if (offset(day) === offset(day + 1440)) continue;
    for (let hour = day; hour < day + 1440; hour += 60) {
      if (offset(hour) === offset(hour + 60)) continue;
      for (let m = hour + 1; m <= hour + 60; m++) {
        if (offset(m) !== offset(m - 1)) changes.push({ at: m, offset: offset(m) });
      }
    }
  }
  const table = { startOffset: offset(start), changes };
  tables.set(key, table);
  return table;
}

/** The wall-clock minute (minutes since 1970-01-01 00:00 of the wall calendar) at a UTC minute. */
export function wallMinute(zone: string, utcMinute: number): number {
  const table = yearTable(zone, new Date(utcMinute * 60_000).getUTCFullYear());
  let offset = table.startOffset;
  for (const change of table.changes) if (change.at <= utcMinute) offset = change.offset;
  return utcMinute + offset;
}

function matches(job: ReferenceJob, wall: number): boolean {
  if (!job.minutes.has(wall % 60) || !job.hours.has(Math.floor(wall / 60) % 24)) return false;
  const date = new Date(wall * 60_000);
  const dom = job.days.has(date.getUTCDate());
  const dow = job.weekdays.has(date.getUTCDay());
  return job.months.has(date.getUTCMonth() + 1) && (job.domStar || job.dowStar ? dom && dow : dom || dow);
}

/**
 * The instants (epoch ms) at which Vixie cron, started at UTC minute `startMinute`, runs the job,
 * up to and including UTC minute `endMinute`.
 */
export function vixieRuns(job: ReferenceJob, zone: string, startMinute: number, endMinute: number): number[] {
  const runs: number[] = [];
  let fired: boolean;
  const findJobs = (vtime: number, doWild: boolean, doNonWild: boolean) => {
    if (((doWild && job.wild) || (doNonWild && !job.wild)) && matches(job, vtime)) fired = true;
  };
  let virtualTime = wallMinute(zone, startMinute);
  for (let t = startMinute + 1; t <= endMinute; t++) {
    const timeRunning = wallMinute(zone, t);
    fired = false;
    const timeDiff = timeRunning - virtualTime;
    if (timeDiff === 1) {
      virtualTime = timeRunning;
      findJobs(virtualTime, true, true);
    } else if (timeDiff > 180 || timeDiff < -180) {
      virtualTime = timeRunning;
      findJobs(timeRunning, true, true);
    } else if (timeDiff > 5) {
      findJobs(timeRunning, true, false);
      do {
        virtualTime++;
        findJobs(virtualTime, false, true);
      } while (virtualTime < timeRunning);
    } else if (timeDiff > 0) {
      do {
        virtualTime++;
        findJobs(virtualTime, true, true);
      } while (virtualTime < timeRunning);
    } else {
      findJobs(timeRunning, true, false);
    }
    if (fired) runs.push(t * 60_000);
  }
  return runs;
}

/** UTC instants (ms) where the zone's offset changes in a year. */
export function offsetChanges(zone: string, year: number): number[] {
  return yearTable(zone, year).changes.map((change) => change.at * 60_000);
}
