/**
 * Where a service runs the DAG code it needs (issue 17: the scheduler never imports user code):
 * a params schema that checks and fills in a run's params, an approval's form that checks an
 * answer. The registry knows DAGs as data (dag-shape.ts, from the import check's thread); the few
 * calls that need a DAG's code go to one long-lived worker thread (dag-code-thread.ts), started on
 * the first call, which imports each file once per content and answers with plain data. The
 * service's own thread runs no DAG file code, so a file whose import or schema misbehaves (reads
 * the process's globals, patches a built-in, loops) can at worst stop that thread.
 *
 * A call not answered within the DAG import timeout (TRIBUTARY_DAG_IMPORT_TIMEOUT, 30 s) means
 * the thread is stuck in a DAG's code: its file's import or, once that ended, the DAG's schema (an
 * endless loop in a refinement), each given the timeout. Files asked for together are imported
 * together (a batch, dag-code-loader.ts), and each file's calls are answered as soon as it is
 * done: a call still waiting for its file has the timeout again each time a file of its own batch
 * is done, so a long load of many files is not a timeout of its last ones, and nothing else the
 * thread answers keeps a file that never finishes alive. The thread is stopped, every call
 * waiting on it fails with a DagImportError naming the file and which of the two hung, and the
 * next call starts a new thread. The same call to the same content of the file then fails at
 * once, with the same error (when the call was surely the one stuck: its DAG's code, or the last
 * file of its batch not done): a schema that loops on a scheduled run's params would otherwise
 * hold up every tick for the timeout. The thread does not keep the process alive while no call
 * waits. A call's clock starts when the thread has loaded its own modules (it says so): starting
 * a thread runs no DAG code, and took seconds of a 5 s timeout on a loaded machine. A thread that
 * has not said so within three timeouts of the call (START_TIMEOUTS) is stopped, its calls failed
 * with a DagImportError that blames no file.
 */
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { DagImportError } from "../core/errors.js";
import { formatDuration } from "../core/duration.js";
import { adoptError } from "../dsl/adopt-error.js";
import { errorOf } from "../dsl/dag-shape.js";
import { dagImportTimeoutMs } from "../dsl/import-check.js";
import { TSX_API } from "../dsl/tsx-api.js";
import { entryModule, type EntryModule } from "../runtime/entry-module.js";
import type { DagCodeCall, DagCodeProgress, DagCodeReady, DagCodeReply, DagCodeRequest } from "./dag-code-protocol.js";

/** The thread runs the same build as the host: from source (`.ts`) it registers tsx first. */
const ENTRY_NAME = "dag-code-thread";
/** How many timeouts a thread may take to start (load its own modules) before its calls fail. */
const START_TIMEOUTS = 3;
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
import(workerData.tsxEsmApi).then(({ register }) => { register(); return import(workerData.entry); });
`;

interface Pending {
  readonly call: DagCodeCall;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  deadline: number;
  /** Its file is imported: the DAG's own code runs now. */
  loaded: boolean;
  /** The batch of files it waits in (dag-code-loader.ts), once the thread has said. */
  batch: number | undefined;
}

interface CodeThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  readonly timer: NodeJS.Timeout;
  /** It has loaded its own modules (until then, a call's clock runs for START_TIMEOUTS timeouts). */
  ready: boolean;
  stopped: boolean;
}

/** How many calls that got stuck are remembered (the oldest forgotten first). */
const STUCK_CALLS_KEPT = 1_000;

export interface DagCodeHostOptions {
  /** What a call may take (TRIBUTARY_DAG_IMPORT_TIMEOUT by default). */
  readonly timeoutMs?: number;
  /**
   * The thread's module: by default dag-code-thread of the host's own build. Another must end by
   * loading that one (which says when it is ready, and answers the calls). Tests give one that is
   * slow to get there, or never does.
   */
  readonly entry?: EntryModule;
}

export class DagCodeHost {
  readonly #timeoutMs: number;
  readonly #entry: EntryModule | undefined;
  #thread: CodeThread | undefined;
  #nextId = 1;
  /** The error of each call that got stuck, by what it asked of which content of the file. */
  readonly #stuck = new Map<string, DagImportError>();

  constructor(options: DagCodeHostOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? dagImportTimeoutMs();
    this.#entry = options.entry;
  }

  /** What the DAG's code gives for `call` (params: an array of `count` params; approval: the parsed answer; load: null). */
  request(call: DagCodeCall): Promise<unknown> {
    const stuck = this.#stuck.get(stuckKey(call));
    if (stuck) return Promise.reject(new DagImportError(`${stuck.message} (when asked the same before: not asked again until the file changes)`, call.file));
    const thread = this.#thread ?? this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + (thread.ready ? this.#timeoutMs : START_TIMEOUTS * this.#timeoutMs);
      thread.pending.set(id, { call, resolve, reject, deadline, loaded: false, batch: undefined });
      thread.worker.ref();
      thread.worker.postMessage({ ...call, id } satisfies DagCodeRequest);
    });
  }

  /** Stops the thread (calls waiting on it fail); a later call starts a new one. */
  async close(): Promise<void> {
    const thread = this.#thread;
    if (thread) await this.#stop(thread, () => new Error("the DAG code thread was stopped (the service is stopping)"));
  }

  #start(): CodeThread {
    // (Looked up at each start: a test may start the thread from source and from dist/.)
    const entry = this.#entry ?? entryModule(import.meta.url, ENTRY_NAME);
    const worker = entry.typescript
      ? new Worker(BOOTSTRAP, { eval: true, workerData: { tsxEsmApi: TSX_API.tsxEsm, entry: pathToFileURL(entry.path).href } })
      : new Worker(entry.path);
    // Stuck calls are looked for a few times per timeout, and at least once a second.
    const every = Math.max(50, Math.min(1_000, Math.floor(this.#timeoutMs / 4)));
    const thread: CodeThread = { worker, pending: new Map(), ready: false, stopped: false, timer: setInterval(() => this.#lookForStuck(thread), every) };
    thread.timer.unref();
    this.#thread = thread;
    worker.unref();
    worker.on("message", (reply: DagCodeReply | DagCodeProgress | DagCodeReady) => {
      if ("ready" in reply) {
        thread.ready = true;
        const deadline = Date.now() + this.#timeoutMs;
        for (const waiting of thread.pending.values()) waiting.deadline = deadline;
        return;
      }
      if ("progress" in reply) {
        // A file of the batch is done: the calls still waiting in it have the timeout again.
        const deadline = Date.now() + this.#timeoutMs;
        for (const waiting of thread.pending.values()) if (!waiting.loaded && waiting.batch === reply.progress) waiting.deadline = deadline;
        return;
      }
      const pending = thread.pending.get(reply.id);
      if (!pending) return;
      if ("batch" in reply) {
        pending.batch = reply.batch;
        return;
      }
      if ("loaded" in reply) {
        pending.loaded = true;
        pending.deadline = Date.now() + this.#timeoutMs;
        return;
      }
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      if ("error" in reply) pending.reject(adoptError(errorOf(reply.error), { file: pending.call.file, dagId: pending.call.dagId }));
      else pending.resolve(reply.value);
    });
    worker.on("error", (error) => void this.#stop(thread, (call) => new DagImportError(`the DAG code thread failed while running this file's code: ${error.message}`, call.file)));
    worker.on("exit", () => void this.#stop(thread, (call) => new DagImportError("the DAG code thread ended while running this file's code (process.exit?)", call.file)));
    return thread;
  }

  #lookForStuck(thread: CodeThread): void {
    const now = Date.now();
    const late = [...thread.pending.values()].filter((pending) => pending.deadline <= now);
    // A call whose DAG code runs is what holds the thread, rather than one waiting for its file.
    const stuck = late.find((pending) => pending.loaded) ?? late[0];
    if (!stuck) return;
    if (!thread.ready) {
      // Not a DAG file's doing: nothing is remembered against one.
      const limit = formatDuration(START_TIMEOUTS * this.#timeoutMs);
      void this.#stop(thread, (call) => new DagImportError(`the DAG code thread did not start within ${limit} (three times TRIBUTARY_DAG_IMPORT_TIMEOUT): is the machine overloaded?`, call.file));
      return;
    }
    const timeout = formatDuration(this.#timeoutMs);
    const what = stuck.loaded ? `the code of DAG "${stuck.call.dagId}"` : "importing the file";
    // Remembered only when it is surely this call's: its DAG's code, or the only file of its batch
    // not done. An innocent file's calls must not fail at once until it changes.
    const importing = new Set(
      [...thread.pending.values()].filter((pending) => !pending.loaded && pending.batch === stuck.batch).map((pending) => pending.call.file),
    );
    if (stuck.loaded || importing.size === 1) {
      this.#stuck.set(stuckKey(stuck.call), new DagImportError(`${what} did not finish within ${timeout}`, stuck.call.file));
      for (const key of this.#stuck.keys()) {
        if (this.#stuck.size <= STUCK_CALLS_KEPT) break;
        this.#stuck.delete(key);
      }
    }
    void this.#stop(thread, (call) =>
      call === stuck.call
        ? new DagImportError(
            stuck.loaded
              ? `the code of DAG "${call.dagId}" did not finish within ${timeout} (TRIBUTARY_DAG_IMPORT_TIMEOUT): does its params schema or approval form loop, or wait for something?`
              : `importing the file for the code of DAG "${call.dagId}" did not finish within ${timeout} (TRIBUTARY_DAG_IMPORT_TIMEOUT), in the DAG code thread: does its top-level code wait for something, or loop?`,
            call.file,
          )
        : new DagImportError(`the DAG code thread was stopped: ${stuck.loaded ? `the code of DAG "${stuck.call.dagId}"` : "importing"} ${stuck.call.file} did not finish within ${timeout}`, call.file),
    );
  }

  async #stop(thread: CodeThread, errorFor: (call: DagCodeCall) => Error): Promise<void> {
    if (thread.stopped) return;
    thread.stopped = true;
    clearInterval(thread.timer);
    if (this.#thread === thread) this.#thread = undefined;
    for (const pending of thread.pending.values()) pending.reject(errorFor(pending.call));
    thread.pending.clear();
    await thread.worker.terminate();
  }
}

/** A call as the thread would see it: the file's content, the DAG, and what is asked. */
function stuckKey(call: DagCodeCall): string {
  return JSON.stringify(call);
}
