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

/**
 * Signals a process raises against itself (a native crash, abort() on a V8 heap overflow): the
 * code it was running is at fault. Any other signal (SIGKILL from the OOM killer, SIGTERM from an
 * operator) came from outside.
 */
const SELF_INFLICTED: ReadonlySet<string> = new Set(["SIGSEGV", "SIGABRT", "SIGBUS", "SIGFPE", "SIGILL", "SIGTRAP", "SIGSYS"]);

export function crashFailure(death: ProcessDeath): TaskFailure {
  // Lost (core/lost-tries.ts) unless the try's own code took the process down.
  const killedFromOutside = death.exitCode === null && !SELF_INFLICTED.has(death.signalCode ?? "SIGKILL");
  const lost = death.poolClosed || death.killedFor !== undefined || death.thrownBy !== undefined || killedFromOutside;
  const kind = lost ? "lost" : "crash";
  const how = death.poolClosed
    ? "the task process pool was closed while the try was running (a shutdown past its grace period); the try was lost and will be retried"
    : death.killedFor !== undefined
      ? `the task process it shared was killed because ${death.killedFor} ignored its abort signal (ctx.signal); this try did nothing wrong and was lost`
      : death.exitCode !== null
      ? `the task process exited with code ${death.exitCode} before the task finished`
      : killedFromOutside
      ? `the task process was killed by ${death.signalCode ?? "a signal"} from outside Tributary (the OOM killer, an operator?) before the task finished; the try was lost`
      : `the task process was killed by ${death.signalCode ?? "a signal"} before the task finished`;
  const tail = death.stderrTail.length > 0 ? `\nlast lines of stderr:\n${death.stderrTail.join("\n")}` : "";
  const { uncaught } = death;
  if (!uncaught) return { kind, message: `${how}${tail}` };
  if (death.thrownBy !== undefined) {
    return {
      kind,
      message: `the task process it shared crashed with an uncaught exception in ${death.thrownBy}: ${uncaught.message}; this try did nothing wrong and was lost${tail}`,
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
