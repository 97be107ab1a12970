/**
 * The pool's side of one task process: forks it, hands it tries (one at a time, or several at once
 * when the pool shares processes), relays each try's log, enforces each try's timeout (abort its
 * signal, then kill the process after a grace period) and turns the process's death into crashed
 * tries: the try that brought it down, and any other try it was running, which says so.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readChildOutcome } from "./child-outcome.js";
import { LineSplitter } from "./line-splitter.js";
import { answerStep } from "./step-messages.js";
import { signalGroup } from "./subprocess-groups.js";
import { abortFailure, blockingFailure, crashFailure, reasonText, timeoutMessage, type Abort } from "./try-failures.js";
import { parseMark } from "./process-marks.js";
import { taskProcessEnv, type EnvAllowList } from "./task-process-env.js";
import type {
  AbortReason,
  ChildOutcome,
  FromTaskProcess,
  LogLine,
  RecordStep,
  TaskFailure,
  TaskRunOutcome,
  TaskRunRequest,
  ToTaskProcess,
} from "./task-protocol.js";
import { SHARED_ARG } from "./task-protocol.js";
import { IpcOutbox } from "./ipc-outbox.js";

export interface TaskProcessCommand {
  readonly entry: string;
  readonly execArgv: readonly string[];
  /** Which of the worker's variables the process gets (task-process-env.ts). */
  readonly allowEnv: EnvAllowList;
}

export interface TryOptions {
  readonly killGraceMs: number;
  readonly maxResultBytes: number;
  readonly signal: AbortSignal | undefined;
  /** Records the try's steps (see task-runner.ts). */
  readonly recordStep?: RecordStep | undefined;
}

/** How many stderr lines a crash report quotes. */
const STDERR_TAIL_LINES = 10;
/** After the process exits, how long to wait for its pipes to deliver their last output. */
const CLOSE_WAIT_MS = 200;
/**
 * A try whose grace is over while the process has not even read its abort message: how long to
 * wait for the watchdog to say which try keeps the process busy. It notices after 300 ms, but on
 * a loaded machine its thread and the pipe that carries its word can be seconds late, and a kill
 * without that word would blame a try that did nothing wrong.
 */
const BLOCKER_WAIT_MS = 5_000;
const BLOCKER_POLL_MS = 50;

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
  /**
   * The try the pool killed the process for (its neighbours' reports name it): one that ignored
   * its abort signal, or one whose code kept the process busy (`blocking`) so that nobody's abort
   * could be read, whichever try's timeout came first.
   */
  #killedFor: { readonly active: ActiveTry; readonly blocking: boolean; readonly trigger: ActiveTry } | undefined;
  /** The try whose code keeps the event loop busy right now, as the watchdog says (0: none). */
  #blockedBy: number | undefined;
  /** The try whose code called process.exit. */
  #exitBy: { readonly tryId: number; readonly code: number } | undefined;
  /** The last ping sent and the last answered (see #graceOver). */
  #ping = 0;
  #pong = 0;
  #fatal: { readonly message: string; readonly stack?: string; readonly tryId?: number } | undefined;
  #exited = false;
  #started = false;
  /** The messages of one turn go as one write (ipc-outbox.ts). */
  readonly #outbox = new IpcOutbox<ToTaskProcess>((message) => {
    if (this.#exited || !this.#child.connected) return;
    // A send that fails means the process is dying; its exit ends the try.
    this.#child.send(message, (error) => {
      if (error) this.#kill();
    });
  });
  #closing = false;
  /** The process was sent SIGKILL: it takes no more tries, though what it sent before may still arrive. */
  #killing = false;
  /** Resolvers of `preload()` calls, answered in order. */
  readonly #preloads: (() => void)[] = [];
  readonly #closed: Promise<void>;

  /** `shared`: the process will run several tries at once, so it must say whose code blocks it. */
  constructor(command: TaskProcessCommand, onExit: (handle: TaskProcessHandle) => void, shared = false) {
    this.#child = fork(command.entry, shared ? [SHARED_ARG] : [], {
      execArgv: [...command.execArgv],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
      // An allow-listed environment: a task gets only the secrets it declared, never the deployment's credentials.
      env: taskProcessEnv(process.env, command.allowEnv),
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
        this.#started = true;
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

  /** Node has started in the process, and it said it is ready for tries. */
  get started(): boolean {
    return this.#started;
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

  /** Able to take tries: neither dead nor being killed (its exit event comes later). */
  get alive(): boolean {
    return !this.#exited && !this.#closing && !this.#killing;
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
      case "pong":
        this.#pong = Math.max(this.#pong, message.seq);
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
      case "step":
        // Recorded even for an aborted try: the store refuses it if the try is no longer current.
        if (active) answerStep(active.options.recordStep, message, (answer) => this.#send(answer));
        return;
      case "done":
        if (active) this.#finish(active, this.#outcomeOf(active, message.outcome));
        return;
    }
  }

  #outcomeOf(active: ActiveTry, outcome: ChildOutcome): TaskRunOutcome {
    if (active.aborted) return { ok: false, error: this.#abortFailure(active, active.aborted), emitted: outcome.emitted };
    return readChildOutcome(outcome);
  }

  #abortFailure(active: ActiveTry, aborted: Abort): TaskFailure {
    return abortFailure(aborted, active.killedAfterGrace ? active.options.killGraceMs : undefined);
  }

  /** The process is gone: the tries it was running end here, each told who was to blame. */
  #finishWithExit(): void {
    const killedFor = this.#killedFor;
    const throwerId = this.#fatal?.tryId;
    const thrower = throwerId === undefined ? undefined : this.#active.get(throwerId);
    const exiter = this.#exitBy === undefined ? undefined : this.#active.get(this.#exitBy.tryId);
    const shared = this.#active.size > 1;
    for (const active of [...this.#active.values()]) {
      let error: TaskFailure;
      if (killedFor?.active === active) {
        error = killedFor.blocking
          ? blockingFailure(active.aborted, killedFor.trigger === active ? undefined : tryName(killedFor.trigger.request))
          : this.#abortFailure(active, active.aborted ?? { reason: "timeout", message: "stopped" });
      } else {
        const culprit = killedFor?.active;
        error = crashFailure({
          poolClosed: this.#closing && !killedFor,
          exitCode: this.#child.exitCode,
          signalCode: this.#child.signalCode,
          uncaught: this.#fatal,
          stderrTail: this.#stderrTail,
          killedFor: culprit
            ? {
                name: tryName(culprit.request),
                what: killedFor.blocking ? "kept it busy with code that never yields, so no try's abort signal could be read" : "ignored its abort signal (ctx.signal)",
              }
            : undefined,
          thrownBy: thrower && thrower !== active ? tryName(thrower.request) : undefined,
          exitedBy: exiter && exiter !== active ? tryName(exiter.request) : undefined,
          exitedHere: exiter === active,
          shared: shared && !thrower && !exiter,
        });
      }
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
    active.timer = setTimeout(() => this.#graceOver(active, 0), active.options.killGraceMs);
  }

  /**
   * The try has not ended within its grace: kill the process. With other tries in the process,
   * first make sure whom to blame: a ping that comes back says the process is not stuck, so this
   * try ignores its signal; a process stuck in some try's code is named by the watchdog, and that
   * try is the culprit, whichever try's timeout came first.
   */
  #graceOver(active: ActiveTry, waitedMs: number): void {
    if (this.#active.get(active.tryId) !== active || this.#exited) return;
    if (this.#active.size > 1 && !this.#blocker() && waitedMs < BLOCKER_WAIT_MS) {
      if (waitedMs === 0) this.#send({ type: "ping", seq: ++this.#ping });
      if (waitedMs === 0 || this.#pong < this.#ping) {
        active.timer = setTimeout(() => this.#graceOver(active, waitedMs + BLOCKER_POLL_MS), BLOCKER_POLL_MS);
        return;
      }
    }
    const blocker = this.#blocker();
    active.killedAfterGrace = true;
    if (blocker && blocker !== active) this.#killedFor ??= { active: blocker, blocking: true, trigger: active };
    else this.#killedFor ??= { active, blocking: blocker === active && this.#active.size > 1, trigger: active };
    this.#kill();
  }

  /** The try whose code keeps the process busy now, as the watchdog says. */
  #blocker(): ActiveTry | undefined {
    return this.#blockedBy === undefined ? undefined : this.#active.get(this.#blockedBy);
  }

  #kill(): void {
    this.#killing = true;
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
    this.#outbox.send(message);
  }

  /**
   * Output written straight to the process's file descriptors (not through `process.stdout`). It
   * cannot be told apart by try: while several tries share the process, each of their logs gets it.
   */
  #strayLine(stream: "stdout" | "stderr", text: string): void {
    let line = text;
    const marked = stream === "stderr" ? parseMark(text) : undefined;
    if (marked) {
      const { mark } = marked;
      if (mark.type === "exit") this.#exitBy = { tryId: mark.tryId, code: mark.code };
      else this.#blockedBy = mark.type === "blocked" ? mark.tryId : undefined;
      if (marked.before.length === 0) return;
      line = marked.before;
    }
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
