/**
 * A 5-field cron expression (minute hour day-of-month month day-of-week), parsed the way Vixie
 * cron parses it, so that its timing follows Vixie cron's rules (docs/scheduling.md):
 * - each field is `*`, a number, a range `a-b`, a step `*\/n`, `a-b/n` or `a/n` (from a to the
 *   field's end), or a comma-separated list of these; months and weekdays also take English
 *   names (`jan`, `mon-fri`); weekday 0 and 7 are both Sunday; `?` means `*` in the day fields;
 * - a field that starts with `*` is a "star" field. Day-of-month and day-of-week combine with OR
 *   when both are restricted and with AND when either starts with `*` (`*\/2` included: Vixie's
 *   rule, not POSIX's);
 * - an expression whose minute or hour field starts with `*` is a wildcard job: across DST
 *   changes it runs by the real clock, while a fixed-time job runs once per wall-clock time.
 */

export interface CronExpression {
  readonly source: string;
  /** allowed[i] for each value of the field (minutes 0-59, hours 0-23, days 1-31, months 1-12, weekdays 0-6). */
  readonly minutes: readonly boolean[];
  readonly hours: readonly boolean[];
  readonly days: readonly boolean[];
  readonly months: readonly boolean[];
  readonly weekdays: readonly boolean[];
  /** Day-of-month and day-of-week combine with AND (either field starts with `*`) or OR. */
  readonly daysCombine: "and" | "or";
  /** The minute or hour field starts with `*`: Vixie's wildcard job. */
  readonly wildcard: boolean;
}

/** A cron expression that cannot be parsed; `message` names the field and the part at fault. */
export class CronSyntaxError extends Error {
  override readonly name = "CronSyntaxError";
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES },
  // 7 is Sunday as well as 0; folded into 0 after parsing.
  { name: "day-of-week", min: 0, max: 7, names: WEEKDAY_NAMES },
];

const DAYS_IN_MONTH_AT_MOST = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function parseCronExpression(source: string): CronExpression {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw new CronSyntaxError(`must have 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  }
  const [minute, hour, day, month, weekday] = parts as [string, string, string, string, string];
  const dayText = day === "?" ? "*" : day;
  const weekdayText = weekday === "?" ? "*" : weekday;
  const weekdays = parseField(weekdayText, FIELDS[4] as FieldSpec);
  if (weekdays[7]) weekdays[0] = true;
  const expression: CronExpression = {
    source: parts.join(" "),
    minutes: parseField(minute, FIELDS[0] as FieldSpec),
    hours: parseField(hour, FIELDS[1] as FieldSpec),
    days: parseField(dayText, FIELDS[2] as FieldSpec),
    months: parseField(month, FIELDS[3] as FieldSpec),
    weekdays: weekdays.slice(0, 7),
    daysCombine: dayText.startsWith("*") || weekdayText.startsWith("*") ? "and" : "or",
    wildcard: minute.startsWith("*") || hour.startsWith("*"),
  };
  assertCanFire(expression);
  return expression;
}

function parseField(text: string, spec: FieldSpec): boolean[] {
  const allowed = new Array<boolean>(spec.max + 1).fill(false);
  for (const item of text.split(",")) {
    if (item === "") throw new CronSyntaxError(`${spec.name} field "${text}" has an empty list item`);
    const [range = "", stepText, extra] = item.split("/");
    if (extra !== undefined) throw new CronSyntaxError(`${spec.name} field: "${item}" has more than one "/"`);
    const step = stepText === undefined ? 1 : parseNumber(stepText, spec, item, true);
    if (step < 1) throw new CronSyntaxError(`${spec.name} field: step in "${item}" must be at least 1`);
    let low: number;
    let high: number;
    if (range === "*") {
      low = spec.min;
      high = spec.name === "day-of-week" ? 6 : spec.max;
    } else {
      const [first = "", last, more] = range.split("-");
      if (more !== undefined) throw new CronSyntaxError(`${spec.name} field: "${item}" is not a range a-b`);
      low = parseNumber(first, spec, item, false);
      // `a/n` runs from a to the end of the field (as most crons read it); `a` alone is one value.
      high = last !== undefined ? parseNumber(last, spec, item, false) : stepText !== undefined ? spec.max : low;
      if (high < low) throw new CronSyntaxError(`${spec.name} field: range "${item}" runs backwards`);
    }
    for (let value = low; value <= high; value += step) allowed[value] = true;
  }
  return allowed;
}

function parseNumber(text: string, spec: FieldSpec, item: string, isStep: boolean): number {
  const named = isStep ? -1 : (spec.names?.indexOf(text.toLowerCase()) ?? -1);
  if (named >= 0) return named + (spec.name === "month" ? 1 : 0);
  if (!/^\d+$/.test(text)) {
    const hint = spec.names ? ` or a name (${spec.names[0]}, ${spec.names[1]}, ...)` : "";
    throw new CronSyntaxError(`${spec.name} field: "${text}" in "${item}" is not a number${isStep ? "" : hint}`);
  }
  const value = Number(text);
  if (!isStep && (value < spec.min || value > spec.max)) {
    throw new CronSyntaxError(`${spec.name} field: ${value} in "${item}" is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

/** A day-of-month list that no listed month has (`0 0 30 2 *`) would never fire: refuse it. */
function assertCanFire(expression: CronExpression): void {
  // With OR, every weekday comes round in every month; with AND, the listed days must exist.
  const someDayExists = expression.months.some(
    (allowed, month) => allowed && expression.days.some((dayAllowed, day) => dayAllowed && day <= (DAYS_IN_MONTH_AT_MOST[month - 1] ?? 0)),
  );
  if (expression.daysCombine === "and" && !someDayExists) {
    throw new CronSyntaxError("the day-of-month field names no day that the listed months have: it would never fire");
  }
}

/** Whether a calendar day matches the day fields (month 1-12, weekday 0-6 with Sunday 0). */
export function dayMatches(expression: CronExpression, month: number, day: number, weekday: number): boolean {
  if (!expression.months[month]) return false;
  const byDay = expression.days[day] === true;
  const byWeekday = expression.weekdays[weekday] === true;
  return expression.daysCombine === "and" ? byDay && byWeekday : byDay || byWeekday;
}
