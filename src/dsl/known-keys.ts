/**
 * Checks an options object against the option names it may have. DAG files are often plain
 * JavaScript or loosely typed, and a typo such as `retry: 3` must not silently mean "no retries".
 */
import { DagDefinitionError, type ErrorLocation } from "../core/errors.js";

export function assertKnownKeys(
  options: object,
  known: readonly string[],
  what: string,
  location: ErrorLocation,
  fieldPrefix = "",
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    const hint = guess === undefined ? "" : ` (did you mean "${guess}"?)`;
    throw new DagDefinitionError(`unknown ${what} "${key}"${hint}; known ${what}s: ${known.join(", ")}`, {
      ...location,
      field: `${fieldPrefix}${key}`,
    });
  }
}

/** The known name nearest to `name`, if it is near enough to be a likely typo. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  // Up to about half the name may be wrong (`retry` is 3 edits from `retries`).
  let bestDistance = Math.max(2, Math.ceil(name.length / 2)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
