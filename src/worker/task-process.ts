/**
 * The entry point of a task process: a long-lived child of the pool (docs/architecture.md,
 * "Running tasks in isolation"). It loads DAG files once, runs the tries the pool hands it (one, or several at
 * once when the pool shares processes, see process-pool.ts), streams each try's log over IPC and
 * answers with its outcome. Each try runs in an AsyncLocalStorage context, so console output and
 * unhandled rejections are charged to the try whose code caused them. When something kills the
 * process, the pool reports its tries as crashed and starts another process.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { writeSync } from "node:fs";
import { exitMark } from "./process-marks.js";
import { SHARED_ARG } from "./task-protocol.js";
import { DagFileCache } from "./dag-file-cache.js";
import { captureOutput } from "./capture-output.js";
import { describeError } from "./describe-error.js";
import { LineSplitter } from "./line-splitter.js";
import { runTryHere } from "./run-try-here.js";
import { StepRequests } from "./step-messages.js";
import { startWatchdog } from "./process-watchdog.js";
import { chargeSubprocessesToTries, signalGroup } from "./subprocess-groups.js";
import type {
  ChildOutcome,
  FromTaskProcess,
  LogLevel,
  LogStream,
  TaskFailure,
  ToTaskProcess,
} from "./task-protocol.js";
import { unbatched, type MessageBatch } from "./ipc-outbox.js";

interface CurrentTry {
  readonly tryId: number;
  readonly controller: AbortController;
  readonly stdout: LineSplitter;
  readonly stderr: LineSplitter;
  /** Fails the try from outside its promise chain (an unhandled rejection). */
  fail: (error: unknown) => void;
  /** Process groups of the subprocesses the try started (shell commands included). */
  readonly groups: Set<number>;
}

const send = (message: FromTaskProcess, callback?: () => void): void => {
  if (!process.connected || !process.send) {
    callback?.();
    return;
  }
  process.send(message, undefined, {}, () => callback?.());
};

if (!process.send) {
  process.stderr.write("task-process.ts is started by Tributary's task process pool, not directly\n");
  process.exit(2);
}

const files = new DagFileCache();
const stepRequests = new StepRequests((message) => send(message));
/** The tries running in this process, by the pool's try id. */
const tries = new Map<number, CurrentTry>();
const tryContext = new AsyncLocalStorage<CurrentTry>();
// Only a process that runs several tries at once needs to say whose code blocks it.
const watchdog = startWatchdog(process.argv.includes(SHARED_ARG) ? () => tryContext.getStore()?.tryId ?? 0 : undefined);
/** Set when the process ends for a reason already reported (an uncaught exception) or nobody's (the pool went away). */
let exitExplained = false;

/** The try whose code is running now: from its async context, or the only one running. */
function currentTry(): CurrentTry | undefined {
  const own = tryContext.getStore();
  if (own) return own;
  if (tries.size !== 1) return undefined;
  return tries.values().next().value;
}

function log(tryId: number, stream: LogStream, level: LogLevel, message: string): void {
  send({ type: "log", tryId, line: { at: new Date().toISOString(), stream, level, message } });
}

function addGroup(active: CurrentTry, pgid: number): void {
  active.groups.add(pgid);
  watchdog.addGroup(pgid);
  send({ type: "group", tryId: active.tryId, pgid, ended: false });
}

/** Kills a group of the try's and forgets it: its leader ended (what it left behind goes too), or the try did. */
function endGroup(active: CurrentTry, pgid: number): void {
  if (!active.groups.delete(pgid)) return;
  signalGroup(pgid, "SIGKILL");
  watchdog.removeGroup(pgid);
  send({ type: "group", tryId: active.tryId, pgid, ended: true });
}

chargeSubprocessesToTries(
  () => tryContext.getStore()?.tryId,
  (tryId, pgid) => {
    const active = tries.get(tryId);
    if (active) addGroup(active, pgid);
    else signalGroup(pgid, "SIGKILL"); // started by a try that has already ended
  },
  (tryId, pgid) => {
    const active = tries.get(tryId);
    if (active) endGroup(active, pgid);
  },
);

captureOutput((stream, text) => {
  const current = currentTry();
  if (!current) return false;
  (stream === "stdout" ? current.stdout : current.stderr).write(text);
  return true;
});

async function runTry(message: Extract<ToTaskProcess, { type: "run" }>): Promise<void> {
  const { tryId, request } = message;
  const controller = new AbortController();
  const lineLogger = (stream: "stdout" | "stderr") =>
    new LineSplitter((line) => log(tryId, stream, stream === "stdout" ? "info" : "warn", line));
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // Handled here so that a failure arriving before the race in runTryHere is not itself "unhandled".
  failed.catch(() => undefined);
  const active: CurrentTry = {
    tryId,
    controller,
    stdout: lineLogger("stdout"),
    stderr: lineLogger("stderr"),
    fail,
    groups: new Set(),
  };
  tries.set(tryId, active);
  let outcome: ChildOutcome;
  try {
    outcome = await runTryHere(files, {
      request,
      maxResultBytes: message.maxResultBytes,
      controller,
      log: (stream, level, text) => log(tryId, stream, level, text),
      started: () => send({ type: "started", tryId }),
      recordStep: stepRequests.recorder(tryId),
      enter: (call) =>
        tryContext.run(active, () => {
          // The task function's first part runs in this callback, not one of its own.
          watchdog.running(tryId);
          try {
            return call();
          } finally {
            watchdog.running(0);
          }
        }),
      failed,
    });
  } finally {
    active.stdout.flush();
    active.stderr.flush();
    // Nothing the try started outlives it.
    for (const pgid of [...active.groups]) endGroup(active, pgid);
    stepRequests.forget(tryId);
    tries.delete(tryId);
  }
  send({ type: "done", tryId, outcome });
}

process.on("message", (received: ToTaskProcess | MessageBatch<ToTaskProcess>) => {
  for (const message of unbatched(received)) onMessage(message);
});

function onMessage(message: ToTaskProcess): void {
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
    const name = message.reason === "timeout" ? "TimeoutError" : "AbortError";
    const active = tries.get(message.tryId);
    active?.controller.abort(new DOMException(message.message, name));
    // Its subprocesses get the same notice; whatever is left of them dies when the try ends.
    for (const pgid of active?.groups ?? []) signalGroup(pgid, "SIGTERM");
  }
}

process.on("unhandledRejection", (reason) => {
  // Node runs this handler in the async context of the rejected promise: the try that caused it.
  const current = currentTry();
  if (current) {
    const failure = describeError(reason);
    current.fail(Object.assign(new Error(`unhandled promise rejection: ${failure.message}`), { stack: failure.stack }));
  } else {
    // Left over from an earlier try: no try to fail, but the output keeps it visible.
    process.stderr.write(`unhandled promise rejection outside a try: ${describeError(reason).message}\n`);
  }
});

// An uncaught exception may leave the process in any state: report it and make way for a new one.
process.on("uncaughtException", (error) => {
  const failure: TaskFailure = describeError(error, "crash");
  const culprit = currentTry();
  exitExplained = true;
  send({
    type: "fatal",
    message: failure.message,
    ...(failure.stack === undefined ? {} : { stack: failure.stack }),
    ...(culprit ? { tryId: culprit.tryId } : {}),
  }, () =>
    process.exit(70),
  );
  setTimeout(() => process.exit(70), 1_000).unref();
});

// The pool stops tries through their signal; Ctrl-C in a terminal reaches the whole process group
// and must not kill tries that the worker is shutting down gracefully.
process.on("SIGINT", () => undefined);
// Without the pool there is nobody to report to.
process.on("disconnect", () => {
  exitExplained = true;
  process.exit(0);
});
process.on("exit", (code) => {
  // process.exit called by a try's code runs this handler in that try's context: name it, so that
  // the pool blames it and not the tries that shared the process. Written synchronously: the
  // process ends right after this handler.
  const culprit = exitExplained ? undefined : tryContext.getStore();
  if (culprit) {
    try {
      writeSync(2, exitMark(culprit.tryId, code));
    } catch {
      // The pool is gone: nobody to tell.
    }
  }
  for (const { groups } of tries.values()) for (const pgid of groups) signalGroup(pgid, "SIGKILL");
});

send({ type: "ready" });
