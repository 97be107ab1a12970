/**
 * Hides this process's credentials from its tasks' view of it. `/proc/<pid>/environ` is readable by
 * any process of the same user (a task reads `/proc/<its parent>/environ`), and it shows the
 * environment the process was *exec'd* with: the strings at the top of its initial stack, between
 * `env_start` and `env_end` of `/proc/<pid>/stat`. Deleting from `process.env` does not change
 * them, and Node 20 cannot re-exec itself in place (`process.execve` came in Node 23).
 *
 * So every variable that tasks are not given anyway is moved: first re-set in `process.env`, which
 * makes libc copy it to the heap (the process keeps reading it as before), then its original bytes
 * are overwritten with zeros through `/proc/self/mem`. What `/proc/<pid>/environ` shows afterwards is
 * a subset of what the tasks get. Linux only; elsewhere there is no `/proc` to read either.
 */
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";

export interface HiddenEnviron {
  /** The variables whose exec-time copy was overwritten. */
  readonly hidden: readonly string[];
  /** Why they could not be hidden (the variables stay visible to the process's tasks). */
  readonly error?: string;
}

/** Fields 50 and 51 of `/proc/<pid>/stat` (man 5 proc), counted after the `(comm)` field. */
const ENV_START_FIELD = 50;

let warned = false;

/**
 * `hideExecEnviron`, saying once per process when it cannot: for every Tributary process (a task
 * can read any process of its user, not only its parents) and every process pool.
 */
export function hideEnvironFromTasks(keep: (name: string) => boolean): void {
  const { error } = hideExecEnviron(keep);
  if (error === undefined || warned) return;
  warned = true;
  process.emitWarning(
    `could not hide this process's environment from tasks (${error}): they can read it in /proc/${process.pid}/environ; give credentials as files instead (docs/secrets.md)`,
    { code: "TRIBUTARY_ENVIRON_VISIBLE" },
  );
}

export function hideExecEnviron(keep: (name: string) => boolean): HiddenEnviron {
  if (process.platform !== "linux") return { hidden: [] };
  const ranges: { start: number; end: number }[] = [];
  const names = new Set<string>();
  let envStart: number;
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields from the third on; `comm` (the second) may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    envStart = Number(fields[ENV_START_FIELD - 3]);
    const envEnd = Number(fields[ENV_START_FIELD - 2]);
    const area = readFileSync("/proc/self/environ");
    if (!Number.isSafeInteger(envStart) || envStart <= 0 || area.length !== envEnd - envStart) {
      return { hidden: [], error: "/proc/self/stat does not show where the environment is" };
    }
    for (let start = 0; start < area.length; ) {
      const zero = area.indexOf(0, start);
      const end = zero === -1 ? area.length : zero;
      const entry = area.subarray(start, end).toString("utf8");
      const equals = entry.indexOf("=");
      if (equals > 0 && !keep(entry.slice(0, equals))) {
        names.add(entry.slice(0, equals));
        ranges.push({ start, end });
      }
      start = end + 1;
    }
  } catch (error) {
    return { hidden: [], error: error instanceof Error ? error.message : String(error) };
  }
  if (ranges.length === 0) return { hidden: [] };
  // Copies to the heap first: libc's `environ` must not point at bytes about to become zeros.
  for (const name of names) {
    const value = process.env[name];
    delete process.env[name];
    if (value !== undefined) process.env[name] = value;
  }
  try {
    const fd = openSync("/proc/self/mem", "r+");
    try {
      for (const { start, end } of ranges) writeSync(fd, Buffer.alloc(end - start), 0, end - start, envStart + start);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return { hidden: [], error: error instanceof Error ? error.message : String(error) };
  }
  return { hidden: [...names] };
}
