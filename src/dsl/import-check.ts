/**
 * DAG files are user code, and a file can hang at import: a top-level `await` that takes minutes
 * or never settles, an endless loop. Imported straight into the scheduler, such a file would stall
 * it (and an import that never settles lets Node exit as if all went well). So each file is first
 * imported in a worker thread, which can be stopped whatever it runs; only a file that finished
 * there is imported by the process itself. A file that does not finish within the import timeout,
 * never settles, or ends its thread (`process.exit` at import) becomes an import error for that
 * file alone. The check runs ahead of the process's own imports, one file at a time, so a folder
 * is checked and imported in a pipeline.
 */
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { DagImportError } from "../core/errors.js";
import { formatDuration, parseDuration } from "../core/duration.js";
import { TSX_API } from "./tsx-api.js";

export const DEFAULT_IMPORT_TIMEOUT_MS = 30_000;

/** `TRIBUTARY_DAG_IMPORT_TIMEOUT` (a duration: `30s`, `2m`), or 30 s. */
export function dagImportTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env["TRIBUTARY_DAG_IMPORT_TIMEOUT"];
  return text === undefined || text === "" ? DEFAULT_IMPORT_TIMEOUT_MS : parseDuration(text, { field: "TRIBUTARY_DAG_IMPORT_TIMEOUT" });
}

// The thread's code: a script (not a module file), so it runs the same from src/ and from dist/.
// It imports each file in a tsx namespace of its own and reports when each starts and ends.
const CHECKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const { register } = await import(workerData.tsxEsm);
  const { register: registerCommonJs } = await import(workerData.tsxCjs);
  registerCommonJs({ namespace: "import-check" });
  const api = register({ namespace: "import-check" });
  for (const url of workerData.urls) {
    parentPort.postMessage({ url, event: "start" });
    // A file that throws is reported by the process's own import, with the full error.
    await api.import(url, url).catch(() => undefined);
    parentPort.postMessage({ url, event: "end" });
  }
})();
`;

type Verdict = DagImportError | undefined;

/** The import errors of a file that hangs, the same whether a thread (here) or a watch (import-watch.ts) caught it. */
export const hangMessages = {
  timeout: (timeoutMs: number) =>
    `importing the file did not finish within ${formatDuration(timeoutMs)} (TRIBUTARY_DAG_IMPORT_TIMEOUT): does its top-level code wait for something, or loop?`,
  neverSettles: "importing the file never finished: its top-level code awaits a promise that nothing settles",
} as const;

/** A check of some files, started at once; `verdict(file)` resolves when that file's check ends. */
export class DagImportCheck {
  readonly #timeoutMs: number;
  readonly #verdicts = new Map<string, { promise: Promise<Verdict>; resolve: (verdict: Verdict) => void }>();

  readonly #signal: AbortSignal | undefined;

  /** `signal` stops the check: the files not yet checked become errors (the process is stopping). */
  constructor(files: readonly string[], options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
    this.#timeoutMs = options.timeoutMs ?? dagImportTimeoutMs();
    this.#signal = options.signal;
    for (const file of files) {
      let resolve!: (verdict: Verdict) => void;
      const promise = new Promise<Verdict>((r) => (resolve = r));
      this.#verdicts.set(file, { promise, resolve });
    }
    void this.#run([...files]);
  }

  /** Undefined when the file finished importing in the thread (it may still have thrown). */
  verdict(file: string): Promise<Verdict> {
    return this.#verdicts.get(file)?.promise ?? Promise.resolve(undefined);
  }

  async #run(files: string[]): Promise<void> {
    // A file that hangs stops its thread; the files after it go on in a new one.
    while (files.length > 0) {
      const done = await this.#checkInThread(files);
      files = files.slice(done);
    }
  }

  /** Checks files in one thread until one fails; returns how many files it dealt with. */
  #checkInThread(files: readonly string[]): Promise<number> {
    const urls = files.map((file) => pathToFileURL(file).href);
    const worker = new Worker(CHECKER_SOURCE, {
      eval: true,
      workerData: { urls, ...TSX_API },
      // The thread's output is the DAG files' own, printed again by the real import.
      stdout: true,
      stderr: true,
    });
    return new Promise<number>((resolveDone) => {
      const onAbort = () => {
        while (index < files.length) settle(new DagImportError("loading was stopped before this file was imported", files[index] ?? ""));
        finish(files.length);
      };
      let index = 0;
      let started = false;
      let finished = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (count: number) => {
        clearTimeout(timer);
        this.#signal?.removeEventListener("abort", onAbort);
        if (finished) return;
        finished = true;
        void worker.terminate();
        resolveDone(count);
      };
      const settle = (verdict: Verdict) => {
        const file = files[index];
        if (file !== undefined) this.#verdicts.get(file)?.resolve(verdict);
        index++;
        started = false;
      };
      const failCurrent = (message: string) => {
        if (finished) return;
        if (!started && index > 0) return finish(index); // between two files: go on in a new thread
        if (!started) {
          // The thread could not start: a fault of Tributary's, reported for every file rather than hidden.
          while (index < files.length) settle(new DagImportError(`the DAG import check could not run: ${message}`, files[index] ?? ""));
          return finish(files.length);
        }
        const file = files[index];
        if (file !== undefined) settle(new DagImportError(message, file));
        finish(index);
      };
      worker.on("message", (message: { event: "start" | "end" }) => {
        if (message.event === "start") {
          started = true;
          timer = setTimeout(
            () => failCurrent(hangMessages.timeout(this.#timeoutMs)),
            this.#timeoutMs,
          );
          return;
        }
        clearTimeout(timer);
        settle(undefined);
        if (index === files.length) finish(index);
      });
      if (this.#signal?.aborted) return onAbort();
      this.#signal?.addEventListener("abort", onAbort);
      worker.on("error", (error) => failCurrent(`importing the file failed outside its own code: ${error.message}`));
      worker.on("exit", () =>
        failCurrent(`${hangMessages.neverSettles}, or it ends the process (process.exit)`),
      );
    });
  }
}
