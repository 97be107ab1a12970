import { DagDefinitionError, type ErrorLocation } from "./errors.js";

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/**
 * Parses `"500ms"`, `"30s"`, `"15m"`, `"1h30m"`, `"2d"` (or a number of milliseconds) into
 * milliseconds. A bad value throws a `DagDefinitionError` at `location`, naming the value.
 */
export function parseDuration(value: string | number, location: ErrorLocation): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new DagDefinitionError(`invalid duration ${String(value)}: expected a non-negative number of milliseconds`, location);
  }
  const text = value.trim();
  let total = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN);
    consumed = PART.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length || !Number.isFinite(total)) {
    throw new DagDefinitionError(
      `invalid duration "${value}": expected e.g. "500ms", "30s", "15m", "1h30m" or "2d"`,
      location,
    );
  }
  return Math.round(total);
}

/** Formats milliseconds for people: `250ms`, `4.2s`, `3m 20s`, `2h 5m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const totalSeconds = Math.round(ms / 1_000);
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m ${seconds}s`;
}
