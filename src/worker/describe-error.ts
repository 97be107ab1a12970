/**
 * Turns whatever a task threw into the message and stack the user sees for a failed try, with the
 * frames of Tributary's own task runner and of Node's internals left out: they are the same for
 * every task and push the user's frames out of view.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { TaskFailure } from "./task-protocol.js";

const WORKER_DIR = dirname(fileURLToPath(import.meta.url));

export function describeError(error: unknown, kind: TaskFailure["kind"] = "error"): TaskFailure {
  if (!(error instanceof Error)) return { kind, message: `the task threw a non-error value: ${safeString(error)}` };
  const message = error.name === "Error" || error.name === "" ? error.message : `${error.name}: ${error.message}`;
  const stack = trimStack(error.stack);
  return stack === undefined ? { kind, message } : { kind, message, stack };
}

export function trimStack(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const lines = stack.split("\n");
  const kept = lines.filter((line) => !isFrame(line) || !(line.includes(WORKER_DIR) || line.includes("node:internal")));
  return kept.join("\n");
}

function isFrame(line: string): boolean {
  return /^\s+at /.test(line);
}

function safeString(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    return typeof value;
  }
}
