/**
 * DAG files for one-shot commands (`trigger`, `schedule`, `backfill`, `run`...), imported straight
 * into the process and watched, rather than first imported in import-check.ts's worker thread,
 * which costs about 0.7 s of CPU and 1 s of waiting per command:
 * - a top-level `await` that never settles is an import error as soon as the process has nothing
 *   else left to do (Node would otherwise exit silently, as if all went well);
 * - one that outlasts the import timeout is an import error at the timeout. The command goes on
 *   with the other files, and ends the process when it is done (see `importsAbandoned` in abandoned-imports.ts): the
 *   abandoned import may still hold timers;
 * - code that keeps the thread busy past the timeout (an endless loop) cannot be stopped from
 *   inside: a small watchdog thread names the file on stderr and kills the process.
 * Services (`start`, `scheduler`, `worker`, `api`, `dev`) and `dags check` keep the worker-thread
 * check: they must go on whatever a file does.
 */
import { Worker } from "node:worker_threads";
import { DagImportError } from "../core/errors.js";
import { formatDuration } from "../core/duration.js";
import { markImportAbandoned } from "./abandoned-imports.js";
import { dagImportTimeoutMs, hangMessages } from "./import-check.js";

const BEAT_MS = 100;

// Plain JavaScript, evaluated: the thread needs no loader and starts in milliseconds.
const WATCHDOG_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const beat = new Int32Array(workerData.beat);
let file = null, last = Atomics.load(beat, 0), stillSince = Date.now();
parentPort.on("message", (message) => { file = message.file; last = Atomics.load(beat, 0); stillSince = Date.now(); });
setInterval(() => {
  const now = Atomics.load(beat, 0);
  if (file === null || now !== last) { last = now; stillSince = Date.now(); return; }
  if (Date.now() - stillSince < workerData.timeoutMs) return;
  try { writeSync(2, "tributary: " + file + ": " + workerData.message + "\\n"); } catch {}
  process.kill(process.pid, "SIGKILL");
}, ${BEAT_MS});
`;

export class ImportWatch {
  readonly #timeoutMs: number;
  readonly #beat = new Int32Array(new SharedArrayBuffer(4));
  #watchdog: Worker | undefined;

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? dagImportTimeoutMs();
  }

  /** Imports one file through `load`; a file that hangs rejects with a `DagImportError`. */
  async import<T>(file: string, load: () => Promise<T>): Promise<T> {
    const watchdog = this.#startWatchdog();
    watchdog.postMessage({ file });
    const beating = setInterval(() => Atomics.add(this.#beat, 0, 1), BEAT_MS);
    beating.unref();
    let timer: NodeJS.Timeout | undefined;
    let onDrained: (() => void) | undefined;
    const hung = new Promise<never>((_resolve, reject) => {
      const giveUp = (message: string) => {
        markImportAbandoned();
        reject(new DagImportError(message, file));
      };
      // Unreferenced: a never-settling import must let the event loop drain, which is how it is told apart.
      timer = setTimeout(() => giveUp(hangMessages.timeout(this.#timeoutMs)), this.#timeoutMs);
      timer.unref();
      onDrained = () => giveUp(hangMessages.neverSettles);
      process.once("beforeExit", onDrained);
    });
    try {
      return await Promise.race([load(), hung]);
    } finally {
      clearInterval(beating);
      clearTimeout(timer);
      if (onDrained) process.off("beforeExit", onDrained);
      watchdog.postMessage({ file: null });
    }
  }

  close(): void {
    void this.#watchdog?.terminate();
    this.#watchdog = undefined;
  }

  #startWatchdog(): Worker {
    if (this.#watchdog) return this.#watchdog;
    const message = `importing the file did not finish within ${formatDuration(this.#timeoutMs)} (TRIBUTARY_DAG_IMPORT_TIMEOUT): its code keeps the process busy (an endless loop?), so the command was stopped. \`tributary dags check\` lists every file that hangs.`;
    const watchdog = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { beat: this.#beat.buffer, timeoutMs: this.#timeoutMs, message } });
    // It must never keep a finished command alive.
    watchdog.unref();
    this.#watchdog = watchdog;
    return watchdog;
  }
}
