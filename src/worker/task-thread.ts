/**
 * The entry point of a task thread: a long-lived worker thread of the thread pool (thread-pool.ts)
 * that runs `isolation: "thread"` tries one at a time. It speaks the task process's protocol
 * (task-protocol.ts) over its `parentPort`, loads DAG files once, and runs each try through the
 * same code as a task process (run-try-here.ts) in its own async context (try-scope.ts), which
 * charges its output, unhandled rejections, subprocesses and `process.exit` to it. The pool
 * terminates the thread when a try ignores its timeout past the grace period.
 */
import { parentPort } from "node:worker_threads";
import { DagFileCache } from "./dag-file-cache.js";
import { runTryHere } from "./run-try-here.js";
import { StepRequests } from "./step-messages.js";
import type { FromTaskProcess, LogLevel, LogStream, ToTaskProcess } from "./task-protocol.js";
import { signalGroup } from "./subprocess-groups.js";
import { tryScope, type ScopedTry } from "./try-scope.js";

const port = parentPort;
if (!port) throw new Error("task-thread.ts is started by Tributary's task thread pool, not directly");

const send = (message: FromTaskProcess): void => port.postMessage(message);
const files = new DagFileCache();
const stepRequests = new StepRequests(send);
const scope = tryScope();
scope.onGroup = (tryId, pgid, ended) => send({ type: "group", tryId, pgid, ended });
/** The try running in this thread, with its abort controller. */
const running = new Map<number, { readonly scoped: ScopedTry; readonly controller: AbortController }>();

function log(tryId: number, stream: LogStream, level: LogLevel, message: string): void {
  send({ type: "log", tryId, line: { at: new Date().toISOString(), stream, level, message } });
}

async function runTry(message: Extract<ToTaskProcess, { type: "run" }>): Promise<void> {
  const { tryId, request } = message;
  const controller = new AbortController();
  const scoped = scope.begin(tryId, (stream, text) => log(tryId, stream, stream === "stdout" ? "info" : "warn", text));
  running.set(tryId, { scoped, controller });
  try {
    const outcome = await runTryHere(files, {
      request,
      maxResultBytes: message.maxResultBytes,
      controller,
      log: (stream, level, text) => log(tryId, stream, level, text),
      started: () => send({ type: "started", tryId }),
      recordStep: stepRequests.recorder(tryId),
      enter: (call) => scope.enter(scoped, call),
      failed: scoped.failed,
    });
    // Its last output lines go out before its outcome.
    scope.end(scoped);
    send({ type: "done", tryId, outcome });
  } finally {
    scope.end(scoped);
    stepRequests.forget(tryId);
    running.delete(tryId);
  }
}

port.on("message", (message: ToTaskProcess) => {
  if (message.type === "run") {
    void runTry(message);
  } else if (message.type === "preload") {
    // A file that fails to load fails the tries that need it, with its errors; nothing to say here.
    void files.preload(message.files).catch(() => undefined).then(() => send({ type: "preloaded" }));
  } else if (message.type === "ping") {
    send({ type: "pong", seq: message.seq });
  } else if (message.type === "stepRecorded") {
    stepRequests.answer(message);
  } else if (message.type === "abort") {
    const active = running.get(message.tryId);
    active?.controller.abort(new DOMException(message.message, message.reason === "timeout" ? "TimeoutError" : "AbortError"));
    // Its subprocesses get the same notice; whatever is left of them dies when the try ends.
    if (active) scope.signalGroups(active.scoped, "SIGTERM");
  }
});

// process.exit outside any try (a DAG file's top-level code) ends the thread: nothing it started outlives it.
process.on("exit", () => {
  for (const { scoped } of running.values()) for (const pgid of scoped.groups) signalGroup(pgid, "SIGKILL");
});

send({ type: "ready" });
