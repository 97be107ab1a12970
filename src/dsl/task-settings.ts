/**
 * The run-time settings of a task (trigger rule, retries, timeout, pool, priority, isolation): validated where
 * they are written, in a DAG's `defaults` or in a task's options, then resolved per task as
 * "the task's own value, else the DAG's default, else the built-in default".
 */
import { parseDuration } from "../core/duration.js";
import { DagDefinitionError, type ErrorLocation } from "../core/errors.js";
import { ISOLATIONS, TRIGGER_RULES, type Backoff, type Isolation, type RetryPolicy, type TriggerRule } from "../core/types.js";
import type { TaskDefaults } from "./types.js";

/** The option names a DAG's `defaults` may hold. */
export const SETTING_NAMES = [
  "triggerRule",
  "retries",
  "retryDelay",
  "backoff",
  "maxRetryDelay",
  "jitter",
  "timeout",
  "pool",
  "queue",
  "priority",
  "isolation",
] as const satisfies readonly (keyof TaskDefaults)[];

const BACKOFFS: readonly Backoff[] = ["fixed", "exponential"];

/** `jitter: true` spreads each delay by ±25%. */
const DEFAULT_JITTER = 0.25;

const BUILT_IN = {
  triggerRule: "all_success",
  retries: 0,
  retryDelayMs: 30_000,
  backoff: "fixed",
  jitter: 0,
  priority: 0,
  queue: "default",
  isolation: "process",
} as const;

/** Settings as written and checked; `undefined` means "not set here". */
export interface TaskSettings {
  readonly triggerRule: TriggerRule | undefined;
  readonly retries: number | undefined;
  readonly retryDelayMs: number | undefined;
  readonly backoff: Backoff | undefined;
  readonly maxRetryDelayMs: number | undefined;
  readonly jitter: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly pool: string | undefined;
  readonly queue: string | undefined;
  readonly priority: number | undefined;
  readonly isolation: Isolation | undefined;
}

export interface ResolvedTaskSettings {
  readonly triggerRule: TriggerRule;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number | undefined;
  readonly pool: string | undefined;
  readonly queue: string;
  readonly priority: number;
  readonly isolation: Isolation;
}

/**
 * Checks the settings in `raw` (a task's options or a DAG's `defaults`). `fieldPrefix` is
 * `"defaults."` for the DAG's defaults, so that errors name `defaults.retries`.
 */
export function checkTaskSettings(raw: TaskDefaults, location: ErrorLocation, fieldPrefix = ""): TaskSettings {
  // Locations are built only for an error: this runs for every task of every DAG load.
  const at = (field: string) => (): ErrorLocation => ({ ...location, field: `${fieldPrefix}${field}` });
  return {
    triggerRule: oneOf(raw.triggerRule, TRIGGER_RULES, "trigger rule", at("triggerRule")),
    retries: integer(raw.retries, at("retries"), 0),
    retryDelayMs: duration(raw.retryDelay, at("retryDelay")),
    backoff: oneOf(raw.backoff, BACKOFFS, "backoff", at("backoff")),
    maxRetryDelayMs: duration(raw.maxRetryDelay, at("maxRetryDelay")),
    jitter: jitter(raw.jitter, at("jitter")),
    timeoutMs: positiveDuration(raw.timeout, at("timeout")),
    pool: nonEmptyString(raw.pool, at("pool")),
    queue: nonEmptyString(raw.queue, at("queue")),
    priority: integer(raw.priority, at("priority")),
    isolation: oneOf(raw.isolation, ISOLATIONS, "isolation", at("isolation")),
  };
}

export function resolveTaskSettings(own: TaskSettings, defaults: TaskSettings): ResolvedTaskSettings {
  return {
    triggerRule: own.triggerRule ?? defaults.triggerRule ?? BUILT_IN.triggerRule,
    retry: {
      retries: own.retries ?? defaults.retries ?? BUILT_IN.retries,
      retryDelayMs: own.retryDelayMs ?? defaults.retryDelayMs ?? BUILT_IN.retryDelayMs,
      backoff: own.backoff ?? defaults.backoff ?? BUILT_IN.backoff,
      maxRetryDelayMs: own.maxRetryDelayMs ?? defaults.maxRetryDelayMs,
      jitter: own.jitter ?? defaults.jitter ?? BUILT_IN.jitter,
    },
    timeoutMs: own.timeoutMs ?? defaults.timeoutMs,
    pool: own.pool ?? defaults.pool,
    queue: own.queue ?? defaults.queue ?? BUILT_IN.queue,
    priority: own.priority ?? defaults.priority ?? BUILT_IN.priority,
    isolation: own.isolation ?? defaults.isolation ?? BUILT_IN.isolation,
  };
}

type Where = () => ErrorLocation;

function fail(message: (field: string) => string, where: Where): never {
  const location = where();
  throw new DagDefinitionError(message(location.field ?? "value"), location);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string, where: Where): T | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((candidate) => candidate === value);
  if (found !== undefined) return found;
  return fail(() => `unknown ${what} ${show(value)}; expected one of ${allowed.join(", ")}`, where);
}

function integer(value: unknown, where: Where, min?: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && (min === undefined || value >= min)) return value;
  const expected = min === 0 ? "a non-negative integer" : "an integer";
  return fail((field) => `${field} must be ${expected}, got ${show(value)}`, where);
}

function duration(value: unknown, where: Where): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" && typeof value !== "number") {
    return fail(() => `invalid duration ${show(value)}: expected e.g. "30s" or a number of milliseconds`, where);
  }
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  return parseDuration(value, where());
}

function positiveDuration(value: unknown, where: Where): number | undefined {
  const ms = duration(value, where);
  return ms === 0 ? fail((field) => `${field} must be longer than 0`, where) : ms;
}

function jitter(value: unknown, where: Where): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value ? DEFAULT_JITTER : 0;
  if (typeof value === "number" && value >= 0 && value <= 1) return value;
  return fail(() => `jitter must be true, false or a fraction between 0 and 1, got ${show(value)}`, where);
}

function nonEmptyString(value: unknown, where: Where): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && value.length > 0) return value;
  return fail((field) => `${field} must be a non-empty string, got ${show(value)}`, where);
}
