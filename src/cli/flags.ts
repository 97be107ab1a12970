import { InvalidInputError } from "../core/errors.js";

/** A flag that must be a positive integer, or undefined when absent. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`--${flag} must be a positive integer, got "${value}"`, { field: flag });
  return n;
}

/** A flag that must be an integer in [min, max], or undefined when absent. */
export function boundedInt(value: string | undefined, flag: string, min: number, max: number, label = `--${flag}`): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInputError(`${label} must be an integer from ${min} to ${max}, got "${value}"`, { field: flag });
  }
  return n;
}
