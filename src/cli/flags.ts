import { InvalidInputError } from "../core/errors.js";

/** A flag that must be a positive integer, or undefined when absent. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`--${flag} must be a positive integer, got "${value}"`, { field: flag });
  return n;
}
