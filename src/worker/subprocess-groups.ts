/**
 * Subprocesses a function task spawns (child_process.spawn, exec, execFile, fork) run in a process
 * group of their own, charged to the try that started them, so that the try's end (timeout,
 * cancellation, a shutdown, or simply returning) stops them and everything they started, without
 * touching the task process or the tries it shares with. Shell tasks get the same through
 * run-shell-command.ts. (spawnSync and execSync block the whole process; their children stay in
 * the task process's own group, which the pool kills whole when it kills the process.)
 */
import { ChildProcess } from "node:child_process";

interface SpawnOptions {
  detached?: boolean;
}

interface Spawnable {
  spawn(this: ChildProcess, options: SpawnOptions): unknown;
}

/**
 * Patches every later spawn in this process: when `owner()` names a try, the subprocess gets its
 * own group and `onGroup(tryId, pgid)` is told; `onEnd(tryId, pgid)` when the subprocess exits.
 */
export function chargeSubprocessesToTries(
  owner: () => number | undefined,
  onGroup: (tryId: number, pgid: number) => void,
  onEnd: (tryId: number, pgid: number) => void,
): void {
  const prototype = ChildProcess.prototype as unknown as Spawnable;
  const original = prototype.spawn;
  prototype.spawn = function (this: ChildProcess, options: SpawnOptions): unknown {
    const tryId = owner();
    if (tryId === undefined) return original.call(this, options);
    // A group of its own (setsid): killing -pid then reaches its children too.
    const result = original.call(this, { ...options, detached: true });
    const pgid = this.pid;
    if (pgid !== undefined) {
      onGroup(tryId, pgid);
      this.once("exit", () => onEnd(tryId, pgid));
    }
    return result;
  };
}

/** Sends `signal` to a process group, if it still exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}
