/**
 * DAG files are user code, and a file can hang at import: a top-level `await` that takes minutes
 * or never settles, an endless loop. Imported straight into the scheduler, such a file would stall
 * it (and an import that never settles lets Node exit as if all went well). So each file is first
 * imported in a worker thread, which can be stopped whatever it runs; only a file that finished
 * there is imported by the process itself. A file that does not finish within the import timeout,
 * never settles, or ends its thread (`process.exit` at import) becomes an import error for that
 * file alone. The check runs ahead of the process's own imports, several files at a time, so a
 * folder is checked and imported in a pipeline. A check that evaluates (`evaluate`, for a service's
 * registry, evaluate-dag-files.ts) also sends back what each file gave as data, so that the process
 * need not import the file at all.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DagImportError } from "../core/errors.js";
import { formatDuration, parseDuration } from "../core/duration.js";
import { TSX_API } from "./tsx-api.js";
import { LoadScope, TSX_NAMESPACE } from "./load-scope.js";
import type { FileEvaluation } from "./dag-shape.js";

export const DEFAULT_IMPORT_TIMEOUT_MS = 30_000;

/** `TRIBUTARY_DAG_IMPORT_TIMEOUT` (a duration: `30s`, `2m`), or 30 s. */
export function dagImportTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env["TRIBUTARY_DAG_IMPORT_TIMEOUT"];
  return text === undefined || text === "" ? DEFAULT_IMPORT_TIMEOUT_MS : parseDuration(text, { field: "TRIBUTARY_DAG_IMPORT_TIMEOUT" });
}

/** How often the thread says it is not blocked, and how long without a beat means it is. */
const BEAT_MS = 200;
const BLOCKED_AFTER_MS = 1_000;

/**
 * Threads kept for the next check: starting one (tsx's hooks, dag-shape.ts) costs about 0.6 s of
 * CPU, most of a small check, and a process that loads again and again (a service reloading changed
 * files, a test runner) would pay it every time. A thread is kept only when its check ended with
 * every file imported, nothing the files started still running and a modest heap; at most
 * `MAX_KEPT_THREADS` are kept, each for `KEPT_THREAD_IDLE_MS` and `MAX_CHECKS_PER_THREAD` checks
 * (each check's modules stay in it). A kept thread never keeps the process alive. What a DAG file
 * does to the thread's globals stays for later checks in it, as it does in a process that loads
 * its DAG files again.
 */
const MAX_KEPT_THREADS = 2;
const KEPT_THREAD_IDLE_MS = 10_000;
const MAX_CHECKS_PER_THREAD = 20;
const MAX_KEPT_HEAP_BYTES = 96 * 1024 * 1024;

/** dag-shape.ts and load-scope.ts as this copy runs them (`.ts` from src/ under tsx, `.js` from dist/). */
const SHAPE_URL = new URL(`./dag-shape${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
const LOAD_SCOPE_URL = new URL(`./load-scope${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

// The thread's code: a script (not a module file), so it runs the same from src/ and from dist/.
// It registers tsx's namespace and our load hook once (load-scope.ts), then runs the checks the
// process posts to it, one at a time. A check imports its files, each at its URL in the load that
// follows (a thread has its own modules, so they cannot clash): tsx writes the URL into code it
// compiles to CommonJS and keys its compile cache by that code, so the load finds each file
// compiled. It imports up to `width` files at once, and reports when each starts and ends; with
// `shapeUrl` (dag-shape.ts), each file's end carries what it gave as data: its DAGs' shapes and its
// errors, so that the process need not import the file itself. A check first takes on the
// process's environment as it is now, and forgets the CommonJS modules of earlier checks. Its end
// says whether the files left anything running (a timer, a socket): such a thread is not kept.
const CHECKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ready = (async () => {
  const { register } = await import(workerData.tsxEsm);
  const { register: registerCommonJs } = await import(workerData.tsxCjs);
  registerCommonJs({ namespace: workerData.namespace });
  const api = register({ namespace: workerData.namespace });
  const scope = await api.import(workerData.loadScopeUrl, workerData.loadScopeUrl);
  scope.registerLoadHook();
  return { api, scope, idle: resources() };
})();
let shapes;
// The files' output: passed on (Node pipes a thread's output to the process's) when the check
// evaluates them, since the process does not import them; dropped otherwise, since the process's
// own import prints it.
let quiet = false;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, encoding, callback) => {
    if (!quiet) return write(chunk, encoding, callback);
    const done = typeof encoding === "function" ? encoding : callback;
    if (done) process.nextTick(done);
    return true;
  };
}
function resources() {
  const counts = new Map();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}
parentPort.on("message", async (check) => {
  const post = (message) => parentPort.postMessage({ check: check.id, ...message });
  post({ event: "accepted" });
  const { api, scope, idle } = await ready;
  quiet = !check.shapeUrl;
  for (const key of Object.keys(process.env)) if (!(key in check.env)) delete process.env[key];
  Object.assign(process.env, check.env);
  scope.forgetNamespacedCommonJs();
  // A beat while the thread's event loop turns: a file that outlasts the timeout while beats still
  // come is stuck on its own (an await), not blocking the files beside it.
  const beat = setInterval(() => post({ event: "beat" }), ${BEAT_MS});
  if (check.shapeUrl) shapes ??= await api.import(check.shapeUrl, check.shapeUrl);
  const evaluate = async (url) => {
    try {
      const exports = await api.import(url, url);
      return check.shapeUrl ? shapes.evaluatedFile(exports, require("node:url").fileURLToPath(url)) : undefined;
    } catch (error) {
      // Without shapes, a file that throws is reported by the process's own import, with the full error.
      return check.shapeUrl ? { error: shapes.plainError(error) } : undefined;
    }
  };
  let next = 0;
  const lane = async () => {
    while (next < check.urls.length) {
      const index = next++;
      const url = check.urls[index];
      post({ index, event: "start" });
      const result = await evaluate(url);
      try {
        post({ index, event: "end", result });
      } catch (error) {
        // Something in a DAG's options is not data (a function where a value belongs).
        const message = "the DAGs of this file cannot be read as data: " + (error && error.message);
        post({ index, event: "end", result: { error: { message } } });
      }
    }
  };
  await Promise.all(Array.from({ length: check.width }, lane));
  clearInterval(beat);
  // A turn of the event loop first: what the last import set off (a cache write) may still be settling.
  await new Promise((resolve) => setImmediate(resolve));
  const now = resources();
  const leftRunning = [...now].some(([name, count]) => count > (idle.get(name) ?? 0));
  post({ event: "done", reusable: !leftRunning && process.memoryUsage().heapUsed < ${MAX_KEPT_HEAP_BYTES} });
});
`;

type CheckerMessage =
  | { readonly check: number; readonly event: "accepted" | "beat" }
  | { readonly check: number; readonly event: "start"; readonly index: number }
  | { readonly check: number; readonly event: "end"; readonly index: number; readonly result?: FileEvaluation }
  | { readonly check: number; readonly event: "done"; readonly reusable: boolean };

/** A worker thread that runs checks, one at a time, and the check it runs now. */
class CheckerThread {
  readonly worker: Worker;
  /** Checks given to this thread, the current one included. */
  checks = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor() {
    threadsStarted++;
    this.worker = new Worker(CHECKER_SOURCE, {
      eval: true,
      // Its output goes to the process's (see `quiet` in the thread's code): a stream read here
      // would keep the process alive while the thread is kept.
      workerData: { namespace: TSX_NAMESPACE, loadScopeUrl: LOAD_SCOPE_URL, ...TSX_API },
    });
    // A thread that ends while kept (a file's code ended it later) is not handed out.
    this.worker.once("exit", () => this.#unkeep());
    this.worker.on("error", () => undefined);
  }

  /** A kept thread, or a new one. */
  static take(): CheckerThread {
    const kept = keptThreads.pop();
    if (!kept) return new CheckerThread();
    clearTimeout(kept.#idleTimer);
    kept.worker.ref();
    return kept;
  }

  /** Keeps the thread for a later check, or ends it. */
  release(reusable: boolean): void {
    if (!reusable || this.checks >= MAX_CHECKS_PER_THREAD || keptThreads.length >= MAX_KEPT_THREADS) {
      void this.worker.terminate();
      return;
    }
    this.worker.unref();
    this.#idleTimer = setTimeout(() => {
      this.#unkeep();
      void this.worker.terminate();
    }, KEPT_THREAD_IDLE_MS).unref();
    keptThreads.push(this);
  }

  #unkeep(): void {
    clearTimeout(this.#idleTimer);
    const index = keptThreads.indexOf(this);
    if (index >= 0) keptThreads.splice(index, 1);
  }
}

const keptThreads: CheckerThread[] = [];
let threadsStarted = 0;
let checksPosted = 0;

/** How many check threads this process started: to see threads kept and reused (tests). */
export function checkThreadsStarted(): number {
  return threadsStarted;
}

/**
 * How many files the thread imports at once: one at a time it mostly waits on tsx's hooks thread
 * (see IMPORT_WIDTH in load.ts). When files in flight together stop the thread (an endless loop
 * blocks all of them, a `process.exit` ends all of them), the check cannot tell whose code it was,
 * so those files are checked again one at a time, and only a file that fails alone is blamed.
 */
const CHECK_WIDTH = 16;

type Verdict = DagImportError | undefined;

/** A file's check: it hung (or could not be checked), or it finished, with what it gave when the check evaluates. */
export type CheckedFile = { readonly hung: DagImportError } | { readonly hung?: undefined; readonly evaluation: FileEvaluation | undefined };

/** The verdict of a file not checked because the check was stopped (the process is stopping). */
const STOPPED = "loading was stopped before this file was imported";

/** The import errors of a file that hangs, the same whether a thread (here) or a watch (import-watch.ts) caught it. */
export const hangMessages = {
  timeout: (timeoutMs: number) =>
    `importing the file did not finish within ${formatDuration(timeoutMs)} (TRIBUTARY_DAG_IMPORT_TIMEOUT): does its top-level code wait for something, or loop?`,
  neverSettles: "importing the file never finished: its top-level code awaits a promise that nothing settles",
} as const;

/** A check of some files, started at once; `verdict(file)` resolves when that file's check ends. */
export class DagImportCheck {
  readonly #timeoutMs: number;
  readonly #verdicts = new Map<string, { promise: Promise<CheckedFile>; resolve: (checked: CheckedFile) => void }>();

  readonly #signal: AbortSignal | undefined;
  readonly #evaluate: boolean;
  readonly #scope: LoadScope;

  /**
   * `signal` stops the check: the files not yet checked become errors (the process is stopping).
   * `evaluate`: each file's check also gives its DAGs as data (`checked(file).evaluation`).
   * `scope`: the load that imports the files next; each file is imported at its URL in that load
   * (see LoadScope.urlOf).
   */
  constructor(files: readonly string[], options: { timeoutMs?: number; signal?: AbortSignal; evaluate?: boolean; scope?: LoadScope } = {}) {
    this.#timeoutMs = options.timeoutMs ?? dagImportTimeoutMs();
    this.#signal = options.signal;
    this.#evaluate = options.evaluate ?? false;
    // Without a load to share URLs with, a scope of its own: a kept thread imported these files before.
    this.#scope = options.scope ?? new LoadScope();
    for (const file of files) {
      let resolve!: (checked: CheckedFile) => void;
      const promise = new Promise<CheckedFile>((r) => (resolve = r));
      this.#verdicts.set(file, { promise, resolve });
    }
    void this.#run([...files]);
  }

  /** Undefined when the file finished importing in the thread (it may still have thrown). */
  verdict(file: string): Promise<Verdict> {
    return this.checked(file).then((checked) => checked.hung);
  }

  /** The file's check when it ends; a file not given to this check is `{ evaluation: undefined }`. */
  checked(file: string): Promise<CheckedFile> {
    return this.#verdicts.get(file)?.promise ?? Promise.resolve({ evaluation: undefined });
  }

  async #run(files: string[]): Promise<void> {
    // A file that hangs stops its thread; the files not yet judged go on in a new one. The files in
    // flight at a stop that could not be pinned on one of them (suspects) are checked first, one
    // at a time, then the rest side by side again. Only the first round may take a kept thread.
    let suspects: string[] = [];
    let round = 0;
    while (files.length > 0 || suspects.length > 0) {
      const thread = round++ === 0 ? CheckerThread.take() : new CheckerThread();
      if (suspects.length > 0) {
        suspects = (await this.#checkInThread(thread, suspects, 1)).unjudged;
        continue;
      }
      const stop = await this.#checkInThread(thread, files, CHECK_WIDTH);
      suspects = stop.suspects;
      files = stop.unjudged.filter((file) => !suspects.includes(file));
    }
  }

  /**
   * Checks files in `thread` until it ends the check or stops; returns the files it did not judge,
   * and those in flight when it stopped for a reason that could not be pinned on one of them.
   */
  #checkInThread(thread: CheckerThread, files: readonly string[], width: number): Promise<{ unjudged: string[]; suspects: string[] }> {
    if (this.#signal?.aborted) {
      // Stopped between two threads: no new one is started only to be stopped.
      thread.release(false);
      for (const file of files) this.#verdicts.get(file)?.resolve({ hung: new DagImportError(STOPPED, file) });
      return Promise.resolve({ unjudged: [], suspects: [] });
    }
    // Not aborted now, nor before the listener below is added (nothing runs in between).
    const urls = files.map((file) => this.#scope.urlOf(file));
    const id = ++checksPosted;
    /** The thread ran checks before: what it stops on may be an earlier check's file. */
    const inherited = thread.checks++ > 0;
    const { worker } = thread;
    worker.postMessage({ id, urls, width, shapeUrl: this.#evaluate ? SHAPE_URL : undefined, env: { ...process.env } });
    const posted = Date.now();
    return new Promise((resolveDone) => {
      /** Files started and not yet ended, by index, with the time the thread has turned since. */
      const inFlight = new Map<number, { waitedMs: number }>();
      const judged = new Set<number>();
      let accepted = false;
      let startedAny = false;
      let finished = false;
      let lastBeat = Date.now();
      let lastLook = Date.now();
      /** A file of this thread was judged as waiting on its own: its code still runs here. */
      let judgedAsWaiting = false;
      /**
       * The last file's end, settled with the thread's "done": once the thread is kept, so that a
       * check that follows this one at once (the last verdict let it start) can take it.
       */
      let last: { readonly index: number; readonly evaluation: FileEvaluation | undefined; readonly at: number } | undefined;
      const unjudged = () => files.filter((_, index) => !judged.has(index));
      const finish = (suspects: readonly number[] = [], reusable = false) => {
        clearInterval(looking);
        this.#signal?.removeEventListener("abort", onAbort);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        if (finished) return;
        finished = true;
        thread.release(reusable && !judgedAsWaiting);
        if (last !== undefined) settle(last.index, undefined, last.evaluation);
        resolveDone({ unjudged: unjudged(), suspects: suspects.map((index) => files[index] ?? "") });
      };
      const settle = (index: number, verdict: Verdict, evaluation?: FileEvaluation) => {
        inFlight.delete(index);
        judged.add(index);
        this.#verdicts.get(files[index] ?? "")?.resolve(verdict ? { hung: verdict } : { evaluation });
      };
      /** Every file not judged yet gets this verdict, and the thread ends. */
      const settleRest = (message: string) => {
        for (let index = 0; index < files.length; index++) {
          if (!judged.has(index)) settle(index, new DagImportError(message, files[index] ?? ""));
        }
        finish();
      };
      const onAbort = () => settleRest(STOPPED);
      /** The thread stopped (or must be stopped) while `inFlight` were importing. */
      const stopped = (message: string) => {
        if (finished) return;
        // A thread kept from earlier checks may have been stopped by their files' code (a timer
        // they left): nothing is blamed, the files in flight are checked again one at a time and
        // the rest in a new thread.
        if (inherited) return finish([...inFlight.keys()]);
        // The thread could not start: a fault of Tributary's, reported for every file rather than hidden.
        if (!startedAny) return settleRest(`the DAG import check could not run: ${message}`);
        const culprits = [...inFlight.keys()];
        // Whose code was it? Several files in flight, or one beside a file already judged as
        // waiting (whose code still runs in this thread and may be what ended or blocked it):
        // checked again one at a time.
        if (culprits.length > 1 || (culprits.length === 1 && judgedAsWaiting)) return finish(culprits);
        const culprit = culprits[0];
        if (culprit !== undefined) settle(culprit, new DagImportError(message, files[culprit] ?? ""));
        finish(); // between two files (none in flight): go on in a new thread
      };
      // A file's timeout counts its share of the time its thread kept turning (beats came): such
      // a file waits on its own and is judged alone while the others go on. A thread that stops
      // beating for the timeout is blocked (an endless loop) by one of the files in flight.
      const looking = setInterval(() => {
        const now = Date.now();
        const elapsed = now - lastLook;
        lastLook = now;
        // This process itself was held up (a long synchronous step): the beats it has not read
        // yet say nothing about the thread. Judge on the next look.
        if (elapsed > BLOCKED_AFTER_MS) {
          lastBeat = now;
          return;
        }
        if (finished) return;
        // A kept thread that does not take the check is busy with an earlier check's code.
        if (!accepted && inherited && now - posted > BLOCKED_AFTER_MS) return stopped("the kept thread did not take the check");
        if (!startedAny) return; // the thread is still starting
        if (now - lastBeat >= this.#timeoutMs) return stopped(hangMessages.timeout(this.#timeoutMs));
        if (now - lastBeat > BLOCKED_AFTER_MS) return;
        const judgedBefore = judged.size;
        // Each file in flight is credited its share of the thread's time: side by side, a file
        // that is busy being compiled and evaluated in turn with 15 others is not stuck.
        const share = elapsed / inFlight.size;
        for (const [index, file] of inFlight) {
          file.waitedMs += share;
          if (file.waitedMs < this.#timeoutMs) continue;
          settle(index, new DagImportError(hangMessages.timeout(this.#timeoutMs), files[index] ?? ""));
          judgedAsWaiting = true;
        }
        if (judged.size === files.length) return finish();
        // The thread's "done" (whether it can be kept) follows the last file's end at once, or never.
        if (last !== undefined && now - last.at > BLOCKED_AFTER_MS) return finish();
        // Every lane held a file that waits: the rest go on in a new thread.
        if (judged.size > judgedBefore && inFlight.size === 0) finish();
      }, BEAT_MS);
      const onMessage = (message: CheckerMessage) => {
        if (message.check !== id) return;
        lastBeat = Date.now();
        if (message.event === "accepted") accepted = true;
        else if (message.event === "start") {
          startedAny = true;
          inFlight.set(message.index, { waitedMs: 0 });
        } else if (message.event === "end" && judged.size < files.length - 1) {
          settle(message.index, undefined, message.result);
        } else if (message.event === "end") {
          inFlight.delete(message.index);
          last = { index: message.index, evaluation: message.result, at: Date.now() };
        } else if (message.event === "done") {
          finish([], message.reusable && last !== undefined);
        }
      };
      const onError = (error: Error) => stopped(`importing the file failed outside its own code: ${error.message}`);
      const onExit = () => stopped(`${hangMessages.neverSettles}, or it ends the process (process.exit)`);
      this.#signal?.addEventListener("abort", onAbort);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
    });
  }
}
