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
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { DagImportError } from "../core/errors.js";
import { formatDuration, parseDuration } from "../core/duration.js";
import { TSX_API } from "./tsx-api.js";
import { TSX_NAMESPACE, type LoadScope } from "./load-scope.js";
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

/** dag-shape.ts as this copy runs it (`.ts` from src/ under tsx, `.js` from dist/). */
const SHAPE_URL = new URL(`./dag-shape${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

// The thread's code: a script (not a module file), so it runs the same from src/ and from dist/.
// It imports the files in the tsx namespace the process's loads use, each at its URL in the load
// that follows (load-scope.ts; a thread has its own modules, so they cannot clash): tsx writes the
// URL into code it compiles to CommonJS and keys its compile cache by that code, so the load finds
// each file compiled. It imports up to `width` files at once, and reports when each starts and
// ends; with `shapeUrl` (dag-shape.ts), each file's end carries what it gave as data: its DAGs'
// shapes and its errors, so that the process need not import the file itself.
const CHECKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const { register } = await import(workerData.tsxEsm);
  const { register: registerCommonJs } = await import(workerData.tsxCjs);
  registerCommonJs({ namespace: workerData.namespace });
  const api = register({ namespace: workerData.namespace });
  // A beat while the thread's event loop turns: a file that outlasts the timeout while beats still
  // come is stuck on its own (an await), not blocking the files beside it.
  setInterval(() => parentPort.postMessage({ event: "beat" }), ${BEAT_MS}).unref();
  const shapes = workerData.shapeUrl ? await api.import(workerData.shapeUrl, workerData.shapeUrl) : undefined;
  const evaluate = async (url) => {
    try {
      const exports = await api.import(url, url);
      return shapes?.evaluatedFile(exports, require("node:url").fileURLToPath(url));
    } catch (error) {
      // Without shapes, a file that throws is reported by the process's own import, with the full error.
      return shapes ? { error: shapes.plainError(error) } : undefined;
    }
  };
  let next = 0;
  const lane = async () => {
    while (next < workerData.urls.length) {
      const index = next++;
      const url = workerData.urls[index];
      parentPort.postMessage({ index, event: "start" });
      const result = await evaluate(url);
      try {
        parentPort.postMessage({ index, event: "end", result });
      } catch (error) {
        // Something in a DAG's options is not data (a function where a value belongs).
        const message = "the DAGs of this file cannot be read as data: " + (error && error.message);
        parentPort.postMessage({ index, event: "end", result: { error: { message } } });
      }
    }
  };
  await Promise.all(Array.from({ length: workerData.width }, lane));
})();
`;

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
  readonly #scope: LoadScope | undefined;

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
    this.#scope = options.scope;
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
    // at a time, then the rest side by side again.
    let suspects: string[] = [];
    while (files.length > 0 || suspects.length > 0) {
      if (suspects.length > 0) {
        suspects = (await this.#checkInThread(suspects, 1)).unjudged;
        continue;
      }
      const stop = await this.#checkInThread(files, CHECK_WIDTH);
      suspects = stop.suspects;
      files = stop.unjudged.filter((file) => !suspects.includes(file));
    }
  }

  /**
   * Checks files in one thread until it stops; returns the files it did not judge, and those in
   * flight when it stopped for a reason that could not be pinned on one of them.
   */
  #checkInThread(files: readonly string[], width: number): Promise<{ unjudged: string[]; suspects: string[] }> {
    if (this.#signal?.aborted) {
      // Stopped between two threads: no new one is started only to be stopped.
      for (const file of files) this.#verdicts.get(file)?.resolve({ hung: new DagImportError(STOPPED, file) });
      return Promise.resolve({ unjudged: [], suspects: [] });
    }
    // Not aborted now, nor before the listener below is added (nothing runs in between).
    const urls = files.map((file) => this.#scope?.urlOf(file) ?? pathToFileURL(file).href);
    const worker = new Worker(CHECKER_SOURCE, {
      eval: true,
      workerData: { urls, width, namespace: TSX_NAMESPACE, shapeUrl: this.#evaluate ? SHAPE_URL : undefined, ...TSX_API },
      // The thread's output is the DAG files' own: printed again by the process's import, or,
      // when the thread evaluates them (the process does not import them), passed on as it comes.
      stdout: true,
      stderr: true,
    });
    if (this.#evaluate) {
      worker.stdout.pipe(process.stdout, { end: false });
      worker.stderr.pipe(process.stderr, { end: false });
    }
    return new Promise((resolveDone) => {
      /** Files started and not yet ended, by index, with the time the thread has turned since. */
      const inFlight = new Map<number, { waitedMs: number }>();
      const judged = new Set<number>();
      let startedAny = false;
      let finished = false;
      let lastBeat = Date.now();
      let lastLook = Date.now();
      /** A file of this thread was judged as waiting on its own: its code still runs here. */
      let judgedAsWaiting = false;
      const unjudged = () => files.filter((_, index) => !judged.has(index));
      const finish = (suspects: readonly number[] = []) => {
        clearInterval(looking);
        this.#signal?.removeEventListener("abort", onAbort);
        if (finished) return;
        finished = true;
        void worker.terminate();
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
        if (finished || !startedAny) return; // the thread is still starting
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
        // Every lane held a file that waits: the rest go on in a new thread.
        if (judged.size > judgedBefore && inFlight.size === 0) finish();
      }, BEAT_MS);
      worker.on("message", (message: { index: number; event: "start" | "end" | "beat"; result?: FileEvaluation }) => {
        lastBeat = Date.now();
        if (message.event === "beat") return;
        if (message.event === "start") {
          startedAny = true;
          inFlight.set(message.index, { waitedMs: 0 });
          return;
        }
        settle(message.index, undefined, message.result);
        if (judged.size === files.length) finish();
      });
      this.#signal?.addEventListener("abort", onAbort);
      worker.on("error", (error) => stopped(`importing the file failed outside its own code: ${error.message}`));
      worker.on("exit", () => stopped(`${hangMessages.neverSettles}, or it ends the process (process.exit)`));
    });
  }
}
