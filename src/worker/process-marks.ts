/**
 * Lines a task process writes straight to its stderr (synchronously, so they get out even from an
 * `exit` handler or a thread while the main thread is stuck) to tell the pool who is to blame for
 * what happens to the process: which try called `process.exit`, which try's code keeps the event
 * loop busy. They start with a NUL, which no log line does, and never reach a try's log.
 */

const PREFIX = "\u0000tributary:";

export type ProcessMark =
  | { readonly type: "exit"; readonly tryId: number; readonly code: number }
  /** `tryId` 0: code outside any try (loading a DAG file) keeps the loop busy. */
  | { readonly type: "blocked"; readonly tryId: number }
  | { readonly type: "unblocked" };

export function exitMark(tryId: number, code: number): string {
  return `${PREFIX}exit ${tryId} ${code}\n`;
}

/** The same marks, written by the watchdog thread (process-watchdog.ts builds them from this prefix). */
export const MARK_PREFIX = PREFIX;

/** The mark a stderr line carries, if any (it may follow output a task left without a newline). */
export function parseMark(line: string): { readonly before: string; readonly mark: ProcessMark } | undefined {
  const at = line.indexOf(PREFIX);
  if (at < 0) return undefined;
  const [type, first, second] = line.slice(at + PREFIX.length).trim().split(" ");
  const before = line.slice(0, at);
  if (type === "exit") return { before, mark: { type, tryId: Number(first), code: Number(second) } };
  if (type === "blocked") return { before, mark: { type, tryId: Number(first) } };
  if (type === "unblocked") return { before, mark: { type } };
  return undefined;
}
