/**
 * A task process's watchdog: a small worker thread that keeps working while the process's main
 * thread is stuck in a task's CPU-bound code, which can then read neither its IPC channel nor its
 * `disconnect` event. When the pool's process dies (kill -9 of `tributary start`), the operating
 * system gives the task process a new parent; the watchdog sees that within a quarter of a second
 * and kills the task process's own process group and the groups of the subprocesses its tries
 * started, so killed work never keeps running beside its retry.
 *
 * It also tells the pool which try keeps the event loop busy (process-marks.ts): the main thread
 * beats a counter and notes, before each callback, the try whose code it is; when the counter
 * stops for a while, the watchdog names that try. When tries share the process, a try that spins
 * blocks its neighbours' abort messages too, and the pool must blame the spinner, not the
 * neighbour whose timeout happened to come first.
 */
import { createHook } from "node:async_hooks";
import { Worker } from "node:worker_threads";
import { MARK_PREFIX } from "./process-marks.js";

export interface Watchdog {
  /** A process group to kill along with the task process if the pool's process dies. */
  addGroup(pgid: number): void;
  removeGroup(pgid: number): void;
  /** Notes whose code runs now, for code that starts without a callback of its own (a task function's first part). */
  running(tryId: number): void;
}

const CHECK_MS = 100;
const BEAT_MS = 50;
/** Checks without a beat before the loop counts as blocked: 300 ms. */
const BLOCKED_AFTER_CHECKS = 3;

// Plain JavaScript, evaluated: the thread needs no loader (tsx) and starts in milliseconds.
const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const groups = new Set();
parentPort.on("message", (message) => {
  if (message.add !== undefined) groups.add(message.add);
  else groups.delete(message.remove);
});
const kill = (pid) => { try { process.kill(pid, "SIGKILL"); } catch {} };
const state = new Int32Array(workerData.state);
const mark = (text) => { try { require("node:fs").writeSync(2, ${JSON.stringify(MARK_PREFIX)} + text + "\\n"); } catch {} };
let lastBeat = Atomics.load(state, 0), still = 0, reported = false;
setInterval(() => {
  if (process.ppid !== workerData.parent) {
    for (const pgid of groups) kill(-pgid);
    kill(-workerData.pid);
    kill(workerData.pid);
    return;
  }
  if (!workerData.watchLoop) return;
  const beat = Atomics.load(state, 0);
  if (beat !== lastBeat) {
    lastBeat = beat;
    still = 0;
    if (reported) mark("unblocked");
    reported = false;
  } else if (++still >= ${BLOCKED_AFTER_CHECKS} && !reported) {
    reported = true;
    mark("blocked " + Atomics.load(state, 1));
  }
}, ${CHECK_MS});
`;

/**
 * `owner()` names the try whose code is about to run (0 for none): it is asked before every
 * callback (about 0.1 µs each), so only processes that run several tries at once pass it; without
 * it the watchdog only watches the parent.
 */
export function startWatchdog(owner?: () => number): Watchdog {
  // [0]: the main thread's beat; [1]: the try whose callback runs now.
  const state = new Int32Array(new SharedArrayBuffer(8));
  if (owner) {
    setInterval(() => Atomics.add(state, 0, 1), BEAT_MS).unref();
    createHook({
      before: () => Atomics.store(state, 1, owner()),
      after: () => Atomics.store(state, 1, 0),
    }).enable();
  }
  const thread = new Worker(SOURCE, {
    eval: true,
    execArgv: [],
    workerData: { parent: process.ppid, pid: process.pid, state: state.buffer, watchLoop: owner !== undefined },
    stdout: false,
    stderr: false,
  });
  // The watchdog never keeps the task process alive by itself.
  thread.unref();
  return {
    addGroup: (pgid) => thread.postMessage({ add: pgid }),
    removeGroup: (pgid) => thread.postMessage({ remove: pgid }),
    running: (tryId) => Atomics.store(state, 1, tryId),
  };
}
