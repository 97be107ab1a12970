/**
 * The pool's side of one task process: forks it, hands it tries (one at a time, or several at once
 * when the pool shares processes), relays each try's log, enforces each try's timeout (abort its
 * signal, then kill the process after a grace period) and turns the process's death into crashed
 * tries: the try that brought it down, and any other try it was running, which says so.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { LineSplitter } from "./line-splitter.js";
import { signalGroup } from "./subprocess-groups.js";
import { abortFailure, crashFailure, reasonText, timeoutMessage, type Abort } from "./try-failures.js";
import { taskProcessEnv } from "../secrets/task-env.js";
import type {
  AbortReason,
  ChildOutcome,
  FromTaskProcess,
  LogLine,
  TaskFailure,
  TaskRunOutcome,
  TaskRunRequest,
  ToTaskProcess,
} from "./task-protocol.js";

export interface TaskProcessCommand {
  readonly entry: string;
  readonly execArgv: readonly string[];
}

export interface TryOptions {
  readonly killGraceMs: number;
  readonly maxResultBytes: number;
  readonly signal: AbortSignal | undefined;
}

/** How many stderr lines a crash report quotes. */
const STDERR_TAIL_LINES = 10;
/** After the process exits, how long to wait for its pipes to deliver their last output. */
const CLOSE_WAIT_MS = 200;

interface ActiveTry {
  readonly tryId: number;
  readonly request: TaskRunRequest;
  readonly onLog: (line: LogLine) => void;
  readonly resolve: (outcome: TaskRunOutcome) => void;
  readonly options: TryOptions;
  timer: NodeJS.Timeout | undefined;
  aborted: Abort | undefined;
  killedAfterGrace: boolean;
  stopListening: () => void;
  /** The process groups the try started (see subprocess-groups.ts), killed with the process. */
  readonly groups: Set<number>;
}

let nextTryId = 1;

export class TaskProcessHandle {
  readonly #child: ChildProcess;
  readonly #ready: Promise<void>;
  readonly #stderrTail: string[] = [];
  readonly #stdout: LineSplitter;
  readonly #stderr: LineSplitter;
  /** The tries this process is running, by try id. */
  readonly #active = new Map<number, ActiveTry>();
  /** The try whose ignored abort made the pool kill the process (its neighbours' crash reports name it). */
  #killedFor: ActiveTry | undefined;
  #fatal: { readonly message: string; readonly stack?: string; readonly tryId?: number } | undefined;
  #exited = false;
  #closing = false;
  /** Resolvers of `preload()` calls, answered in order. */
  readonly #preloads: (() => void)[] = [];
  readonly #closed: Promise<void>;

  constructor(command: TaskProcessCommand, onExit: (handle: TaskProcessHandle) => void) {
    this.#child = fork(command.entry, [], {
      execArgv: [...command.execArgv],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
      // Without the worker's TRIBUTARY_SECRET_* variables: a task gets only the secrets it declared.
      env: taskProcessEnv(),
      // A process group of its own, killed whole: subprocesses that escaped a try's own group
      // (spawnSync, or started outside any try) end with the process. It also keeps Ctrl-C in a
      // terminal from reaching tries that the worker is shutting down gracefully.
      detached: true,
    });
    this.#stdout = new LineSplitter((line) => this.#strayLine("stdout", line));
    this.#stderr = new LineSplitter((line) => this.#strayLine("stderr", line));
    this.#child.stdout?.setEncoding("utf8").on("data", (chunk: string) => this.#stdout.write(chunk));
    this.#child.stderr?.setEncoding("utf8").on("data", (chunk: string) => this.#stderr.write(chunk));
    this.#child.on("message", (message: FromTaskProcess) => this.#onMessage(message));
    this.#ready = new Promise((resolve) => {
      const onReady = (message: FromTaskProcess) => {
        if (message.type !== "ready") return;
        this.#child.off("message", onReady);
        resolve();
      };
      this.#child.on("message", onReady);
      this.#child.once("exit", () => resolve());
    });
    this.#closed = new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.#stdout.flush();
        this.#stderr.flush();
        this.#finishWithExit();
        for (const resolvePreload of this.#preloads.splice(0)) resolvePreload();
        onExit(this);
        resolve();
      };
      this.#child.once("exit", () => {
        this.#exited = true;
        this.#killGroups();
        // 'close' waits for the pipes; a grandchild holding them open must not hold up the try.
        setTimeout(finish, CLOSE_WAIT_MS);
      });
      this.#child.once("close", finish);
      this.#child.on("error", () => {
        if (this.#child.pid === undefined) {
          this.#exited = true;
          finish();
        }
      });
    });
  }

  /** Resolves once the process is ready for tries (or has died trying). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Loads DAG files in the process ahead of its tries; resolves when done (or the process died). */
  preload(files: readonly string[]): Promise<void> {
    if (files.length === 0 || !this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      this.#preloads.push(resolve);
      this.#send({ type: "preload", files });
    });
  }

  /** How many tries the process is running. */
  get load(): number {
    return this.#active.size;
  }

  get alive(): boolean {
    return !this.#exited && !this.#closing;
  }

  run(request: TaskRunRequest, onLog: (line: LogLine) => void, options: TryOptions): Promise<TaskRunOutcome> {
    if (!this.alive) throw new Error("this task process has exited");
    return new Promise((resolve) => {
      const tryId = nextTryId++;
      const active: ActiveTry = {
        tryId,
        request,
        onLog,
        resolve,
        options,
        timer: undefined,
        aborted: undefined,
        killedAfterGrace: false,
        stopListening: () => undefined,
        groups: new Set(),
      };
      // A crash report quotes the stderr written since the process last had nothing to do.
      if (this.#active.size === 0) this.#stderrTail.length = 0;
      this.#active.set(tryId, active);
      const { signal } = options;
      if (signal) {
        const onAbort = () => this.#abort(active, "cancel", `the try was cancelled${reasonText(signal.reason)}`);
        if (signal.aborted) onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
        active.stopListening = () => signal.removeEventListener("abort", onAbort);
      }
      // The timeout counts from now until the child has loaded the DAG file, then from the start
      // of the task function: a slow first load must not eat the task's own time.
      this.#startTimeout(active);
      this.#send({ type: "run", tryId, request, maxResultBytes: options.maxResultBytes });
    });
  }

  /** Kills the process; a try in progress ends as crashed ("the pool was closed"). */
  close(): Promise<void> {
    this.#closing = true;
    if (!this.#exited) this.#kill();
    return this.#closed;
  }

  #onMessage(message: FromTaskProcess): void {
    const active = "tryId" in message && message.tryId !== undefined ? this.#active.get(message.tryId) : undefined;
    switch (message.type) {
      case "ready":
        return;
      case "preloaded":
        this.#preloads.shift()?.();
        return;
      case "fatal":
        this.#fatal = {
          message: message.message,
          ...(message.stack === undefined ? {} : { stack: message.stack }),
          ...(message.tryId === undefined ? {} : { tryId: message.tryId }),
        };
        return;
      case "started":
        if (active && !active.aborted) this.#startTimeout(active);
        return;
      case "group":
        if (message.ended) active?.groups.delete(message.pgid);
        else active?.groups.add(message.pgid);
        return;
      case "log":
        if (!active) return;
        if (message.line.stream === "stderr") this.#rememberStderr(message.line.message);
        deliver(active, message.line);
        return;
      case "done":
        if (active) this.#finish(active, this.#outcomeOf(active, message.outcome));
        return;
    }
  }

  #outcomeOf(active: ActiveTry, outcome: ChildOutcome): TaskRunOutcome {
    if (active.aborted) return { ok: false, error: this.#abortFailure(active, active.aborted), emitted: outcome.emitted };
    if (!outcome.ok) return outcome;
    try {
      return { ok: true, result: JSON.parse(outcome.resultJson) as unknown, emitted: outcome.emitted };
    } catch (error) {
      return { ok: false, error: { kind: "error", message: `unreadable result: ${String(error)}` }, emitted: outcome.emitted };
    }
  }

  #abortFailure(active: ActiveTry, aborted: Abort): TaskFailure {
    return abortFailure(aborted, active.killedAfterGrace ? active.options.killGraceMs : undefined);
  }

  /** The process is gone: the tries it was running end here. */
  #finishWithExit(): void {
    const killedFor = this.#killedFor;
    const throwerId = this.#fatal?.tryId;
    const thrower = throwerId === undefined ? undefined : this.#active.get(throwerId);
    for (const active of [...this.#active.values()]) {
      const error =
        active === killedFor && active.aborted
          ? this.#abortFailure(active, active.aborted)
          : crashFailure({
              poolClosed: this.#closing,
              exitCode: this.#child.exitCode,
              signalCode: this.#child.signalCode,
              uncaught: this.#fatal,
              stderrTail: this.#stderrTail,
              killedFor: killedFor ? tryName(killedFor.request) : undefined,
              thrownBy: thrower && thrower !== active ? tryName(thrower.request) : undefined,
            });
      this.#finish(active, { ok: false, error, emitted: [] });
    }
  }

  #finish(active: ActiveTry, outcome: TaskRunOutcome): void {
    if (this.#active.get(active.tryId) !== active) return;
    clearTimeout(active.timer);
    active.stopListening();
    this.#active.delete(active.tryId);
    active.resolve(outcome);
  }

  #startTimeout(active: ActiveTry): void {
    clearTimeout(active.timer);
    const timeoutMs = active.request.timeoutMs;
    if (timeoutMs === undefined) return;
    active.timer = setTimeout(
      () => this.#abort(active, "timeout", timeoutMessage(timeoutMs)),
      timeoutMs,
    );
  }

  /** Aborts the try's signal, then kills the process if the try has not ended after the grace. */
  #abort(active: ActiveTry, reason: AbortReason, message: string): void {
    if (this.#active.get(active.tryId) !== active || active.aborted) return;
    active.aborted = { reason, message };
    this.#send({ type: "abort", tryId: active.tryId, reason, message });
    clearTimeout(active.timer);
    active.timer = setTimeout(() => {
      if (this.#active.get(active.tryId) !== active) return;
      active.killedAfterGrace = true;
      this.#killedFor ??= active;
      this.#kill();
    }, active.options.killGraceMs);
  }

  #kill(): void {
    this.#killGroups();
    this.#child.kill("SIGKILL");
  }

  /** The process's own group (see the fork) and the groups its tries started. */
  #killGroups(): void {
    if (this.#child.pid !== undefined) signalGroup(this.#child.pid, "SIGKILL");
    for (const active of this.#active.values()) {
      for (const pgid of active.groups) signalGroup(pgid, "SIGKILL");
      active.groups.clear();
    }
  }

  #send(message: ToTaskProcess): void {
    if (this.#exited || !this.#child.connected) return;
    // A send that fails means the process is dying; its exit ends the try.
    this.#child.send(message, (error) => {
      if (error) this.#kill();
    });
  }

  /**
   * Output written straight to the process's file descriptors (not through `process.stdout`). It
   * cannot be told apart by try: while several tries share the process, each of their logs gets it.
   */
  #strayLine(stream: "stdout" | "stderr", line: string): void {
    if (stream === "stderr") this.#rememberStderr(line);
    for (const active of this.#active.values()) {
      deliver(active, { at: new Date().toISOString(), stream, level: stream === "stdout" ? "info" : "warn", message: line });
    }
  }

  #rememberStderr(line: string): void {
    if (line.trim().length === 0) return;
    this.#stderrTail.push(line);
    if (this.#stderrTail.length > STDERR_TAIL_LINES) this.#stderrTail.shift();
  }
}

/** `dag.task[2] try 1`, for messages about another try. */
function tryName(request: TaskRunRequest): string {
  const index = request.mapIndex === null ? "" : `[${String(request.mapIndex)}]`;
  return `${request.dagId}.${request.taskId}${index} try ${String(request.tryNumber)}`;
}

function deliver(active: ActiveTry, line: LogLine): void {
  try {
    active.onLog(line);
  } catch {
    // A failing log consumer must not break the try.
  }
}
