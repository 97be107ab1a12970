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

/** `stopped`: what was done to the try that ignored its signal for `killedAfterMs` (its process killed, its thread terminated). */
export function abortFailure(abort: Abort, killedAfterMs: number | undefined, stopped = "its process was killed"): TaskFailure {
  const kind = abort.reason === "timeout" ? "timeout" : "error";
  if (killedAfterMs === undefined) return { kind, message: abort.message };
  return {
    kind,
    message: `${abort.message}; the task ignored its abort signal (ctx.signal) for ${formatLimit(killedAfterMs)}, so ${stopped}`,
  };
}

/**
 * An inline try that ignored its abort signal for the grace period: nothing can stop code running
 * in the worker's own thread, so the try ends without it, and its code may go on running. The
 * subprocesses it started, if any, were killed.
 */
export function abandonedFailure(abort: Abort, graceMs: number, killedSubprocesses: boolean): TaskFailure {
  const killed = killedSubprocesses ? " (the subprocesses it started were killed)" : "";
  return abortFailure(
    abort,
    graceMs,
    `the try was abandoned${killed}: an inline task cannot be stopped, and its code may still be running in the worker process`,
  );
}

export interface ProcessDeath {
  /** The pool killed the process because it was closing. */
  readonly poolClosed: boolean;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  /** An uncaught exception the process reported before exiting. */
  readonly uncaught: { readonly message: string; readonly stack?: string } | undefined;
  readonly stderrTail: readonly string[];
  /** Another try, sharing the process, for which the pool killed it, and what that try did. */
  readonly killedFor?: { readonly name: string; readonly what: string } | undefined;
  /** Another try, sharing the process, whose code threw the uncaught exception. */
  readonly thrownBy?: string | undefined;
  /** Another try, sharing the process, whose code called process.exit. */
  readonly exitedBy?: string | undefined;
  /** This try's code called process.exit. */
  readonly exitedHere?: boolean;
  /** Other tries were running in the process, and none could be told as the cause. */
  readonly shared?: boolean;
}

/**
 * Signals a process raises against itself (a native crash, abort() on a V8 heap overflow): the
 * code it was running is at fault. Any other signal (SIGKILL from the OOM killer, SIGTERM from an
 * operator) came from outside.
 */
const SELF_INFLICTED: ReadonlySet<string> = new Set(["SIGSEGV", "SIGABRT", "SIGBUS", "SIGFPE", "SIGILL", "SIGTRAP", "SIGSYS"]);

const INNOCENT = "this try did nothing wrong and was lost";

/**
 * Why a try ended with its process. `crash` when the try's own code took the process down (it is
 * the task's failure and counts against its retries); `lost` when something else did: a shutdown,
 * a kill from outside, another try sharing the process, or a cause no try can be blamed for
 * (core/lost-tries.ts).
 */
export function crashFailure(death: ProcessDeath): TaskFailure {
  const tail = death.stderrTail.length > 0 ? `\nlast lines of stderr:\n${death.stderrTail.join("\n")}` : "";
  const lost = (message: string): TaskFailure => ({ kind: "lost", message: `${message}${tail}` });
  const code = death.exitCode ?? 0;
  if (death.poolClosed) return lost("the task process pool was closed while the try was running (a shutdown past its grace period); the try was lost and will be retried");
  if (death.killedFor) return lost(`the task process it shared was killed because ${death.killedFor.name} ${death.killedFor.what}; ${INNOCENT}`);
  const { uncaught } = death;
  if (uncaught && death.thrownBy !== undefined) {
    return lost(`the task process it shared crashed with an uncaught exception in ${death.thrownBy}: ${uncaught.message}; ${INNOCENT}`);
  }
  if (death.exitedBy !== undefined) return lost(`the task process it shared was ended by process.exit(${code}) in ${death.exitedBy}; ${INNOCENT}`);
  if (death.exitedHere) {
    return { kind: "crash", message: `the task called process.exit(${code}), which ended its task process (and any tries sharing it)${tail}` };
  }
  const killedFromOutside = death.exitCode === null && !SELF_INFLICTED.has(death.signalCode ?? "SIGKILL");
  if (killedFromOutside) {
    return lost(`the task process was killed by ${death.signalCode ?? "a signal"} from outside Tributary (the OOM killer, an operator?) before the task finished; the try was lost`);
  }
  const how = death.exitCode !== null
    ? `the task process exited with code ${death.exitCode} before the task finished`
    : `the task process was killed by ${death.signalCode ?? "a signal"} before the task finished`;
  // Several tries and no telling which one did it: blaming them all would fail the innocent.
  if (death.shared && !uncaught) return lost(`${how}; it was running other tries too and none could be told as the cause; the try was lost`);
  if (!uncaught) return { kind: "crash", message: `${how}${tail}` };
  if (death.shared) return lost(`the task process crashed with an uncaught exception (${uncaught.message}) that no try could be told as the cause of; the try was lost`);
  const message = `uncaught exception: ${uncaught.message} (${how})${tail}`;
  return uncaught.stack === undefined ? { kind: "crash", message } : { kind: "crash", message, stack: uncaught.stack };
}

/**
 * The try whose CPU-bound code kept a shared process from reading any abort message, when the
 * pool kills the process (for its own timeout or a neighbour's). Its fault, whichever timeout
 * came first.
 */
export function blockingFailure(abort: Abort | undefined, neighbour: string | undefined): TaskFailure {
  if (abort) {
    return { kind: abort.reason === "timeout" ? "timeout" : "error", message: `${abort.message}; the task ignored its abort signal (ctx.signal) and kept the task process busy, so its process was killed` };
  }
  return {
    kind: "crash",
    message: `the task kept its task process busy (code that never yields), so ${neighbour ?? "a neighbouring try"} could not be stopped at its timeout and the process was killed`,
  };
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
