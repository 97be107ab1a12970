/**
 * The pool's side of one task thread (task-thread.ts): starts it, hands it one try at a time,
 * relays the try's log, enforces its timeout (abort its signal, then terminate the thread after the
 * grace period, as a task process is killed) and turns the thread's end into the try's failure.
 * One try per thread, so whatever ends the thread is that try's doing.
 */
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { readChildOutcome } from "./child-outcome.js";
import { answerStep } from "./step-messages.js";
import { signalGroup } from "./subprocess-groups.js";
import { abortFailure, reasonText, timeoutMessage, type Abort } from "./try-failures.js";
import type { AbortReason, FromTaskProcess, LogLine, RecordStep, TaskFailure, TaskRunOutcome, TaskRunRequest, ToTaskProcess } from "./task-protocol.js";

export interface TaskThreadCommand {
  /** task-thread.ts or .js. */
  readonly entry: string;
  /** tsx's ES module API, when the entry is TypeScript (run from source): the thread registers it first. */
  readonly tsxEsmApi: string | undefined;
  /** The thread's `process.env`: the allow-listed environment a task process gets. */
  readonly env: NodeJS.ProcessEnv;
}

export interface ThreadTryOptions {
  readonly killGraceMs: number;
  readonly maxResultBytes: number;
  readonly signal: AbortSignal | undefined;
  /** Records the try's steps (see task-runner.ts). */
  readonly recordStep?: RecordStep | undefined;
}

interface ActiveTry {
  readonly tryId: number;
  readonly request: TaskRunRequest;
  readonly onLog: (line: LogLine) => void;
  readonly resolve: (outcome: TaskRunOutcome) => void;
  readonly options: ThreadTryOptions;
  readonly groups: Set<number>;
  timer: NodeJS.Timeout | undefined;
  aborted: Abort | undefined;
  terminatedAfterGrace: boolean;
  stopListening: () => void;
}

// A script, not a module file, so that it can register tsx before importing the TypeScript entry.
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
import(workerData.tsxEsmApi).then(({ register }) => { register(); return import(workerData.entry); });
`;

let nextTryId = 1;

export class TaskThreadHandle {
  readonly #thread: Worker;
  readonly #ready: Promise<void>;
  readonly #closed: Promise<void>;
  /** Resolvers of `preload()` calls, answered in order. */
  readonly #preloads: (() => void)[] = [];
  #active: ActiveTry | undefined;
  #uncaught: Error | undefined;
  #exited = false;
  #closing = false;
  /** Terminate was called: the thread takes no more tries, though it may still send what it sent before. */
  #terminating = false;

  constructor(command: TaskThreadCommand, onExit: (handle: TaskThreadHandle) => void) {
    const options = { env: command.env, stdout: false, stderr: false };
    this.#thread =
      command.tsxEsmApi === undefined
        ? new Worker(command.entry, options)
        : new Worker(BOOTSTRAP, { ...options, eval: true, workerData: { tsxEsmApi: command.tsxEsmApi, entry: pathToFileURL(command.entry).href } });
    this.#thread.on("message", (message: FromTaskProcess) => this.#onMessage(message));
    this.#thread.on("error", (error) => {
      this.#uncaught = error;
    });
    this.#ready = new Promise((resolve) => {
      const onReady = (message: FromTaskProcess) => {
        if (message.type !== "ready") return;
        this.#thread.off("message", onReady);
        resolve();
      };
      this.#thread.on("message", onReady);
      this.#thread.once("exit", () => resolve());
    });
    this.#closed = new Promise((resolve) => {
      this.#thread.once("exit", (code) => {
        this.#exited = true;
        this.#finishWithExit(code);
        for (const resolvePreload of this.#preloads.splice(0)) resolvePreload();
        onExit(this);
        resolve();
      });
    });
  }

  /** Resolves once the thread is ready for tries (or has ended trying). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Loads DAG files in the thread ahead of its tries; resolves when done (or the thread ended). */
  preload(files: readonly string[]): Promise<void> {
    if (files.length === 0 || !this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      this.#preloads.push(resolve);
      this.#send({ type: "preload", files });
    });
  }

  /** Able to take tries: neither ended nor being terminated (its exit event comes later). */
  get alive(): boolean {
    return !this.#exited && !this.#closing && !this.#terminating;
  }

  get busy(): boolean {
    return this.#active !== undefined;
  }

  run(request: TaskRunRequest, onLog: (line: LogLine) => void, options: ThreadTryOptions): Promise<TaskRunOutcome> {
    if (!this.alive || this.#active) throw new Error("this task thread cannot take a try");
    return new Promise((resolve) => {
      const active: ActiveTry = {
        tryId: nextTryId++,
        request,
        onLog,
        resolve,
        options,
        groups: new Set(),
        timer: undefined,
        aborted: undefined,
        terminatedAfterGrace: false,
        stopListening: () => undefined,
      };
      this.#active = active;
      const { signal } = options;
      if (signal) {
        const onAbort = () => this.#abort(active, "cancel", `the try was cancelled${reasonText(signal.reason)}`);
        if (signal.aborted) onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
        active.stopListening = () => signal.removeEventListener("abort", onAbort);
      }
      // As in a task process: the timeout counts until the DAG file is loaded, then from the task's start.
      this.#startTimeout(active);
      this.#send({ type: "run", tryId: active.tryId, request, maxResultBytes: options.maxResultBytes });
    });
  }

  /** Terminates the thread; a try in progress ends as lost ("the pool was closed"). */
  close(): Promise<void> {
    this.#closing = true;
    if (!this.#exited) this.#terminate();
    return this.#closed;
  }

  #onMessage(message: FromTaskProcess): void {
    const active = "tryId" in message && message.tryId !== undefined && this.#active?.tryId === message.tryId ? this.#active : undefined;
    switch (message.type) {
      case "preloaded":
        this.#preloads.shift()?.();
        return;
      case "started":
        if (active && !active.aborted) this.#startTimeout(active);
        return;
      case "group":
        if (message.ended) active?.groups.delete(message.pgid);
        else active?.groups.add(message.pgid);
        return;
      case "log":
        if (active) deliver(active, message.line);
        return;
      case "step":
        if (active) answerStep(active.options.recordStep, message, (answer) => this.#send(answer));
        return;
      case "done":
        // A result sent just before the grace was over can arrive after the thread was told to
        // terminate: the try was stopped all the same.
        if (!active) return;
        this.#finish(active, active.aborted ? { ok: false, error: this.#abortFailure(active, active.aborted), emitted: message.outcome.emitted } : readChildOutcome(message.outcome));
        return;
      default:
        return;
    }
  }

  /** The thread has ended: the try it was running ends here, with the reason. */
  #finishWithExit(code: number): void {
    const active = this.#active;
    if (!active) return;
    let error: TaskFailure;
    if (active.terminatedAfterGrace) {
      error = this.#abortFailure(active, active.aborted ?? { reason: "timeout", message: "stopped" });
    } else if (this.#closing) {
      error = { kind: "lost", message: "the task thread pool was closed while the try was running (a shutdown past its grace period); the try was lost and will be retried" };
    } else if (this.#uncaught) {
      const message = `uncaught exception: ${describe(this.#uncaught)} (it ended the task's thread)`;
      error = this.#uncaught.stack === undefined ? { kind: "crash", message } : { kind: "crash", message, stack: this.#uncaught.stack };
    } else {
      error = { kind: "crash", message: `the task's thread exited with code ${code} before the task finished` };
    }
    this.#finish(active, { ok: false, error, emitted: [] });
  }

  #abortFailure(active: ActiveTry, aborted: Abort): TaskFailure {
    return active.terminatedAfterGrace ? abortFailure(aborted, active.options.killGraceMs, "its thread was terminated") : abortFailure(aborted, undefined);
  }

  #finish(active: ActiveTry, outcome: TaskRunOutcome): void {
    if (this.#active !== active) return;
    clearTimeout(active.timer);
    active.stopListening();
    this.#active = undefined;
    active.resolve(outcome);
  }

  #startTimeout(active: ActiveTry): void {
    clearTimeout(active.timer);
    const timeoutMs = active.request.timeoutMs;
    if (timeoutMs === undefined) return;
    active.timer = setTimeout(() => this.#abort(active, "timeout", timeoutMessage(timeoutMs)), timeoutMs);
  }

  /** Aborts the try's signal, then terminates the thread if the try has not ended after the grace. */
  #abort(active: ActiveTry, reason: AbortReason, message: string): void {
    if (this.#active !== active || active.aborted) return;
    active.aborted = { reason, message };
    this.#send({ type: "abort", tryId: active.tryId, reason, message });
    clearTimeout(active.timer);
    active.timer = setTimeout(() => {
      if (this.#active !== active || this.#exited) return;
      active.terminatedAfterGrace = true;
      this.#terminate();
    }, active.options.killGraceMs);
  }

  /** Terminates the thread (stopping whatever it runs, an endless loop included) and kills its try's subprocesses. */
  #terminate(): void {
    this.#terminating = true;
    for (const pgid of this.#active?.groups ?? []) signalGroup(pgid, "SIGKILL");
    void this.#thread.terminate();
  }

  #send(message: ToTaskProcess): void {
    if (this.#exited) return;
    this.#thread.postMessage(message);
  }
}

function deliver(active: ActiveTry, line: LogLine): void {
  try {
    active.onLog(line);
  } catch {
    // A failing log consumer must not break the try.
  }
}

function describe(error: Error): string {
  return error.name === "Error" || error.name === "" ? error.message : `${error.name}: ${error.message}`;
}
