/**
 * Tries that run in a JavaScript thread shared with other code: `inline` tries in the worker's own
 * thread, `thread` tries in a task thread (docs/architecture.md, "Running tasks in isolation").
 * Each try runs in an AsyncLocalStorage context, so what its code does is charged to it and to no
 * one else, whatever else runs in the thread:
 *
 * - `console.*` and `process.stdout/stderr.write` go to the try's log (anything else's output
 *   goes where it always went);
 * - an unhandled rejection its code leaves fails the try;
 * - the subprocesses it starts get process groups of their own, killed when the try ends;
 * - `process.exit` fails the try (kind `crash`) instead of ending the worker process or thread
 *   that other tries share. (Code that catches the error cannot undo the failure.)
 *
 * One scope per thread: the hooks patch process-wide objects, once.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import { captureOutput } from "./capture-output.js";
import { LineSplitter } from "./line-splitter.js";
import { KindedTryError } from "./try-error.js";
import { chargeSubprocessesToTries, signalGroup } from "./subprocess-groups.js";
import { describeError } from "./describe-error.js";

/** One try in the scope, from `begin` to `end`. */
export interface ScopedTry {
  readonly tryId: number;
  /** The process groups of the subprocesses it started (a shell command's included). */
  readonly groups: ReadonlySet<number>;
  /** Rejects when the try fails from outside its own promise chain. */
  readonly failed: Promise<never>;
}

interface Entry extends ScopedTry {
  readonly groups: Set<number>;
  readonly stdout: LineSplitter;
  readonly stderr: LineSplitter;
  readonly fail: (error: unknown) => void;
  ended: boolean;
}

/** Told when a try's subprocess starts or ends, e.g. to tell the thread's parent, which kills them if it stops the thread. */
export type GroupListener = (tryId: number, pgid: number, ended: boolean) => void;

const CONSOLE_STREAMS = { log: "stdout", info: "stdout", debug: "stdout", warn: "stderr", error: "stderr" } as const;

export class TryScope {
  readonly #context = new AsyncLocalStorage<Entry>();
  readonly #tries = new Map<number, Entry>();
  #onGroup: GroupListener = () => undefined;

  constructor() {
    captureOutput((stream, text) => {
      const entry = this.#current();
      if (!entry) return false;
      (stream === "stdout" ? entry.stdout : entry.stderr).write(text);
      return true;
    });
    this.#patchConsole();
    this.#guardExit();
    chargeSubprocessesToTries(
      () => this.#current()?.tryId,
      (tryId, pgid) => {
        const entry = this.#tries.get(tryId);
        if (!entry) {
          signalGroup(pgid, "SIGKILL"); // started by a try that has already ended
          return;
        }
        entry.groups.add(pgid);
        this.#onGroup(tryId, pgid, false);
      },
      (tryId, pgid) => this.#endGroup(tryId, pgid),
    );
    process.on("unhandledRejection", (reason) => {
      // Node runs this listener in the async context of the rejected promise: the try that left it.
      const entry = this.#current();
      if (entry) {
        const failure = describeError(reason);
        entry.fail(Object.assign(new Error(`unhandled promise rejection: ${failure.message}`), { stack: failure.stack }));
        return;
      }
      // Not a try's: with no other listener, behave as Node does without this one (it ends the process).
      if (process.listenerCount("unhandledRejection") === 1) throw reason;
    });
  }

  set onGroup(listener: GroupListener) {
    this.#onGroup = listener;
  }

  /** Starts a try; `onLine` receives its console and stdout/stderr output, line by line. */
  begin(tryId: number, onLine: (stream: "stdout" | "stderr", line: string) => void): ScopedTry {
    let fail: (error: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    // Handled here so that a failure arriving before the try awaits it is not itself "unhandled".
    failed.catch(() => undefined);
    const entry: Entry = {
      tryId,
      groups: new Set(),
      failed,
      fail,
      stdout: new LineSplitter((line) => onLine("stdout", line)),
      stderr: new LineSplitter((line) => onLine("stderr", line)),
      ended: false,
    };
    this.#tries.set(tryId, entry);
    return entry;
  }

  /** Calls `call` in the try's async context. */
  enter<T>(scoped: ScopedTry, call: () => T): T {
    const entry = this.#tries.get(scoped.tryId);
    return entry ? this.#context.run(entry, call) : call();
  }

  /** Sends `signal` to the try's subprocesses (SIGTERM along with its abort signal). */
  signalGroups(scoped: ScopedTry, signal: NodeJS.Signals): void {
    for (const pgid of scoped.groups) signalGroup(pgid, signal);
  }

  /** Ends the try: its last output lines are delivered, and nothing it started outlives it. */
  end(scoped: ScopedTry): void {
    const entry = this.#tries.get(scoped.tryId);
    if (!entry) return;
    entry.stdout.flush();
    entry.stderr.flush();
    for (const pgid of [...entry.groups]) this.#endGroup(entry.tryId, pgid);
    entry.ended = true;
    this.#tries.delete(entry.tryId);
  }

  /** The try whose code runs now, unless it has ended (a timer it left behind still runs in its context). */
  #current(): Entry | undefined {
    const entry = this.#context.getStore();
    return entry && !entry.ended ? entry : undefined;
  }

  #endGroup(tryId: number, pgid: number): void {
    const entry = this.#tries.get(tryId);
    if (!entry?.groups.delete(pgid)) return;
    signalGroup(pgid, "SIGKILL");
    this.#onGroup(tryId, pgid, true);
  }

  /**
   * `console` may have been replaced by something that does not write through `process.stdout`
   * (a test runner's console): a try's console output still goes to its log.
   */
  #patchConsole(): void {
    for (const [method, stream] of Object.entries(CONSOLE_STREAMS)) {
      const name = method as keyof typeof CONSOLE_STREAMS;
      const original = console[name].bind(console);
      console[name] = (...args: unknown[]): void => {
        const entry = this.#current();
        if (!entry) {
          original(...args);
          return;
        }
        (stream === "stdout" ? entry.stdout : entry.stderr).write(`${format(...args)}\n`);
      };
    }
  }

  #guardExit(): void {
    const exit = process.exit.bind(process);
    process.exit = ((code?: number | string | null) => {
      const entry = this.#current();
      if (!entry) return exit(code);
      const error = new KindedTryError(
        "crash",
        `the task called process.exit(${String(code ?? process.exitCode ?? 0)}), which would end the worker process (or thread) ` +
          'that it shares with other work: the try failed instead (give the task isolation "process" if it must exit)',
      );
      entry.fail(error);
      throw error;
    }) as typeof process.exit;
  }
}

let scope: TryScope | undefined;

/** This thread's scope, made (and its hooks installed) on first use. */
export function tryScope(): TryScope {
  scope ??= new TryScope();
  return scope;
}
