/**
 * Checks the options that make a task a sensor (`every`, `timeout`, `softFail`, `pokeTimeout`,
 * docs/sensors.md) and turns them into the wait policy the store applies between pokes.
 */
import { parseDuration } from "../core/duration.js";
import { DagDefinitionError, type ErrorLocation } from "../core/errors.js";
import type { SensorPolicy } from "../core/types.js";

/** The option names only a sensor has (its `timeout` means the whole wait there). */
export const SENSOR_OPTION_NAMES = ["poke", "every", "timeout", "softFail", "pokeTimeout"] as const;

/** Airflow's defaults: a poke a minute, for up to 7 days. */
export const DEFAULT_POKE_EVERY_MS = 60_000;
export const DEFAULT_SENSOR_TIMEOUT_MS = 7 * 86_400_000;
/** One poke's time limit when neither the sensor nor its DAG's defaults set one: a poke should be quick. */
export const DEFAULT_POKE_TIMEOUT_MS = 60_000;

export function sensorPolicy(options: Readonly<Record<string, unknown>>, location: ErrorLocation): SensorPolicy {
  const at = (field: string): ErrorLocation => ({ ...location, field });
  const softFail = options["softFail"] ?? false;
  if (typeof softFail !== "boolean") throw new DagDefinitionError(`softFail must be true or false, got ${JSON.stringify(softFail)}`, at("softFail"));
  return {
    everyMs: positive(options["every"], at("every")) ?? DEFAULT_POKE_EVERY_MS,
    timeoutMs: positive(options["timeout"], at("timeout")) ?? DEFAULT_SENSOR_TIMEOUT_MS,
    softFail,
  };
}

/** A sensor's `pokeTimeout`, in milliseconds, if set. */
export function pokeTimeoutMs(options: Readonly<Record<string, unknown>>, location: ErrorLocation): number | undefined {
  return positive(options["pokeTimeout"], { ...location, field: "pokeTimeout" });
}

function positive(value: unknown, location: ErrorLocation): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" && typeof value !== "number") {
    throw new DagDefinitionError(`invalid duration ${JSON.stringify(value)}: expected e.g. "30s" or a number of milliseconds`, location);
  }
  const ms = parseDuration(value, location);
  if (ms <= 0) throw new DagDefinitionError(`${location.field ?? "duration"} must be longer than 0`, location);
  return ms;
}
