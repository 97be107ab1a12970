/**
 * What a long-running process says about its work: a message plus fields that a log collector can
 * filter on (`runId`, `dagId`, `taskId`, `mapIndex`, `tryNumber`...). The scheduler, the worker and
 * the service log through a `LogFn`, so they need not know whether the lines end up as text or JSON.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogFields {
  /** Default `info`. */
  readonly level?: LogLevel;
  readonly runId?: string;
  readonly dagId?: string;
  readonly taskId?: string;
  readonly mapIndex?: number | null;
  readonly tryNumber?: number;
  readonly [field: string]: unknown;
}

export type LogFn = (message: string, fields?: LogFields) => void;
