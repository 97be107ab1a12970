/**
 * A task process's watchdog: a small worker thread that keeps working while the process's main
 * thread is stuck in a task's CPU-bound code, which can then read neither its IPC channel nor its
 * `disconnect` event. When the pool's process dies (kill -9 of `tributary start`), the operating
 * system gives the task process a new parent; the watchdog sees that within a quarter of a second
 * and kills the task process's own process group and the groups of the subprocesses its tries
 * started, so killed work never keeps running beside its retry.
 */
import { Worker } from "node:worker_threads";

export interface Watchdog {
  /** A process group to kill along with the task process if the pool's process dies. */
  addGroup(pgid: number): void;
  removeGroup(pgid: number): void;
}

const CHECK_MS = 250;

// Plain JavaScript, evaluated: the thread needs no loader (tsx) and starts in milliseconds.
const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const groups = new Set();
parentPort.on("message", (message) => {
  if (message.add !== undefined) groups.add(message.add);
  else groups.delete(message.remove);
});
const kill = (pid) => { try { process.kill(pid, "SIGKILL"); } catch {} };
setInterval(() => {
  if (process.ppid === workerData.parent) return;
  for (const pgid of groups) kill(-pgid);
  kill(-workerData.pid);
  kill(workerData.pid);
}, ${CHECK_MS});
`;

export function startWatchdog(): Watchdog {
  const thread = new Worker(SOURCE, {
    eval: true,
    execArgv: [],
    workerData: { parent: process.ppid, pid: process.pid },
    stdout: false,
    stderr: false,
  });
  // The watchdog never keeps the task process alive by itself.
  thread.unref();
  return {
    addGroup: (pgid) => thread.postMessage({ add: pgid }),
    removeGroup: (pgid) => thread.postMessage({ remove: pgid }),
  };
}
