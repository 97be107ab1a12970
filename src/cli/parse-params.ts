import { InvalidInputError } from "../core/errors.js";

/** Turns repeated `--param key=value` flags into an object of raw strings. */
export function parseParamFlags(flags: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) throw new InvalidInputError(`--param expects key=value, got "${flag}"`, { field: "param" });
    params[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return params;
}
