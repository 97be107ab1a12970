// What a task process says while it runs a try: "started" (the moment its task's code starts,
// from which its timeout counts) only for a try with a timeout. Without one the pool has nothing
// to do with it, and it was a write of its own for every try: on a 2-core VM a pipe write that
// wakes the worker costs about 0.1 ms of the task process's time, a third of a no-op try's.
import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, expect, it } from "vitest";
import type { FromTaskProcess, TaskRunRequest, ToTaskProcess } from "../../../src/worker/task-protocol.js";
import { request } from "./pool-helpers.js";

const entry = fileURLToPath(new URL("../../../src/worker/task-process.ts", import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** Forks a task process, has it load turns.ts, runs one try and returns the types of the messages the try got, in order. */
async function messagesOfTry(tryRequest: TaskRunRequest): Promise<string[]> {
  const started = fork(entry, [], { execArgv: ["--import", tsx], stdio: ["ignore", "ignore", "inherit", "ipc"], serialization: "json" });
  child = started;
  // A process that dies first fails the test at once, with how it ended.
  const exited = new Promise<never>((_, reject) => {
    started.once("exit", (code, signal) => reject(new Error(`the task process exited (${String(code ?? signal)})`)));
  });
  exited.catch(() => undefined);
  const next = (type: string) =>
    Promise.race([
      exited,
      new Promise<FromTaskProcess>((resolve) => {
        const listener = (message: FromTaskProcess) => {
          if (message.type !== type) return;
          started.off("message", listener);
          resolve(message);
        };
        started.on("message", listener);
      }),
    ]);
  const send = (message: ToTaskProcess) => started.send(message);
  await next("ready");
  send({ type: "preload", files: [tryRequest.file] });
  await next("preloaded");
  const seen: string[] = [];
  started.on("message", (message: FromTaskProcess) => {
    if ("tryId" in message && message.tryId === 1) seen.push(message.type);
  });
  const done = next("done");
  send({ type: "run", tryId: 1, request: tryRequest, maxResultBytes: 1_000_000 });
  expect(await done).toMatchObject({ outcome: { ok: true } });
  return seen;
}

it("says when a try with a timeout starts, and only that try", async () => {
  expect(await messagesOfTry(request("turns.ts", "turns", "returns_after_100ms", { timeoutMs: 5_000 }))).toEqual(["started", "done"]);
  child?.kill("SIGKILL");
  expect(await messagesOfTry(request("turns.ts", "turns", "returns_after_100ms"))).toEqual(["done"]);
});
