/**
 * The failures the pool itself reports for a try (rather than the task's own errors): a timeout or
 * cancellation, a process killed after ignoring its abort signal, a process that died. Their
 * messages are what a user reads in the UI to understand why a try failed, so they say what
 * happened and what was done about it.
 */
import { formatDuration } from "../core/duration.js";
import type { AbortReason, TaskFailure } from "./task-protocol.js";

export interface Abort {
  readonly reason: AbortReason;
  /** "timed out after 2s", "the try was cancelled: ..." */
  readonly message: string;
}

export function timeoutMessage(timeoutMs: number): string {
  return `timed out after ${formatLimit(timeoutMs)}`;
}

export function abortFailure(abort: Abort, killedAfterMs: number | undefined): TaskFailure {
  const kind = abort.reason === "timeout" ? "timeout" : "error";
  if (killedAfterMs === undefined) return { kind, message: abort.message };
  return {
    kind,
    message: `${abort.message}; the task ignored its abort signal (ctx.signal) for ${formatLimit(killedAfterMs)}, so its process was killed`,
  };
}

export interface ProcessDeath {
  /** The pool killed the process because it was closing. */
  readonly poolClosed: boolean;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  /** An uncaught exception the process reported before exiting. */
  readonly uncaught: { readonly message: string; readonly stack?: string } | undefined;
  readonly stderrTail: readonly string[];
  /** Another try, sharing the process, whose ignored abort signal made the pool kill it. */
  readonly killedFor?: string | undefined;
  /** Another try, sharing the process, whose code threw the uncaught exception. */
  readonly thrownBy?: string | undefined;
}

export function crashFailure(death: ProcessDeath): TaskFailure {
  const how = death.poolClosed
    ? "the task process pool was closed while the try was running"
    : death.killedFor !== undefined
      ? `the task process it shared was killed because ${death.killedFor} ignored its abort signal (ctx.signal); this try did nothing wrong`
      : death.exitCode !== null
      ? `the task process exited with code ${death.exitCode} before the task finished`
      : `the task process was killed by ${death.signalCode ?? "a signal"} before the task finished`;
  const tail = death.stderrTail.length > 0 ? `\nlast lines of stderr:\n${death.stderrTail.join("\n")}` : "";
  const { uncaught } = death;
  if (!uncaught) return { kind: "crash", message: `${how}${tail}` };
  if (death.thrownBy !== undefined) {
    return {
      kind: "crash",
      message: `the task process it shared crashed with an uncaught exception in ${death.thrownBy}: ${uncaught.message}; this try did nothing wrong${tail}`,
    };
  }
  const message = `uncaught exception: ${uncaught.message} (${how})${tail}`;
  return uncaught.stack === undefined ? { kind: "crash", message } : { kind: "crash", message, stack: uncaught.stack };
}

/** `": <reason>"` for an AbortSignal's reason worth showing. */
export function reasonText(reason: unknown): string {
  if (reason instanceof Error && reason.name !== "AbortError") return `: ${reason.message}`;
  return typeof reason === "string" && reason.length > 0 ? `: ${reason}` : "";
}

/** Limits are usually round (`timeout: "2s"`): say "2s" and "5m" rather than "2.00s" and "5m 0s". */
function formatLimit(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0 && ms < 3_600_000) return `${ms / 60_000}m`;
  if (ms >= 1_000 && ms % 1_000 === 0 && ms < 60_000) return `${ms / 1_000}s`;
  return formatDuration(ms);
}
