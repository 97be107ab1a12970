import { InvalidInputError } from "../core/errors.js";

/** A flag that must be a positive integer, or undefined when absent. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`--${flag} must be a positive integer, got "${value}"`, { field: flag });
  return n;
}

/** A flag that must be an integer of 0 or more. */
export function nonNegativeInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || value.trim() === "") throw new InvalidInputError(`--${flag} must be an integer of 0 or more, got "${value}"`, { field: flag });
  return n;
}
