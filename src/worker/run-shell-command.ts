/**
 * Runs a shell task's (already rendered) command with `/bin/sh -c`, inside the task process.
 * The shell gets its own process group so that a timeout, a cancellation or the end of the try
 * stops everything it started, not just the shell.
 */
import { spawn } from "node:child_process";
import { LineSplitter } from "./line-splitter.js";

export interface ShellHooks {
  readonly signal: AbortSignal;
  /** The command's environment (default: this process's); secrets arrive here, never in argv. */
  readonly env?: NodeJS.ProcessEnv;
  readonly onLine: (stream: "stdout" | "stderr", line: string) => void;
  /** The process group id while the command runs, `null` once it has ended. */
  readonly onProcessGroup: (pgid: number | null) => void;
}

/** Resolves to the last non-empty line of stdout (Airflow's BashOperator convention). */
export function runShellCommand(command: string, hooks: ShellHooks): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (hooks.signal.aborted) {
      reject(abortError(hooks.signal));
      return;
    }
    const child = spawn("/bin/sh", ["-c", command], { detached: true, stdio: ["ignore", "pipe", "pipe"], env: hooks.env ?? process.env });
    let lastStdout: string | null = null;
    let lastStderr: string | null = null;
    const stdout = new LineSplitter((line) => {
      if (line.trim().length > 0) lastStdout = line;
      hooks.onLine("stdout", line);
    });
    const stderr = new LineSplitter((line) => {
      if (line.trim().length > 0) lastStderr = line;
      hooks.onLine("stderr", line);
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout.write(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.write(chunk));

    const pgid = child.pid;
    const killGroup = (signal: NodeJS.Signals) => {
      if (pgid === undefined) return;
      try {
        process.kill(-pgid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = () => killGroup("SIGTERM");
    if (pgid !== undefined) hooks.onProcessGroup(pgid);
    hooks.signal.addEventListener("abort", onAbort, { once: true });

    // Background jobs the command left behind belong to the try, so they end with it; killing
    // them also closes the pipes they inherited, which 'close' waits for.
    child.on("exit", () => killGroup("SIGKILL"));
    child.on("error", (error) => {
      hooks.signal.removeEventListener("abort", onAbort);
      hooks.onProcessGroup(null);
      reject(new Error(`could not start /bin/sh: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      hooks.signal.removeEventListener("abort", onAbort);
      hooks.onProcessGroup(null);
      stdout.flush();
      stderr.flush();
      if (hooks.signal.aborted) reject(abortError(hooks.signal));
      else if (code === 0) resolve(lastStdout);
      else {
        const how = code === null ? `was killed by ${signal ?? "a signal"}` : `exited with code ${code}`;
        reject(new Error(`command ${how}${lastStderr === null ? "" : `: ${lastStderr}`}`));
      }
    });
  });
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new Error("the command was aborted");
}
