// What a task process tells the pool, as it crosses the channel: the messages of a turn of its
// event loop in one write (ipc-outbox.ts), and a start that carries its time, so that a start told
// late does not give the try more time.
import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { unbatched, type MessageBatch } from "../../../src/worker/ipc-outbox.js";
import { TaskProcessPool } from "../../../src/worker/process-pool.js";
import type { FromTaskProcess, ToTaskProcess } from "../../../src/worker/task-protocol.js";
import { fixture, request } from "./pool-helpers.js";

type Received = FromTaskProcess | MessageBatch<FromTaskProcess>;

/** A task process forked as the pool forks one, whose every write is kept as it arrived. */
function startTaskProcess(): { child: ChildProcess; writes: Received[]; next: (found: (message: FromTaskProcess) => boolean) => Promise<void> } {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const entry = fileURLToPath(new URL("../../../src/worker/task-process.ts", import.meta.url));
  const child = fork(entry, [], { execArgv: ["--import", tsx], stdio: ["ignore", "ignore", "inherit", "ipc"], serialization: "json" });
  const writes: Received[] = [];
  const waiting = new Set<() => void>();
  child.on("message", (received: Received) => {
    writes.push(received);
    for (const check of [...waiting]) check();
  });
  const next = (found: (message: FromTaskProcess) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!writes.some((write) => unbatched(write).some(found))) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      child.once("exit", (code) => reject(new Error(`the task process exited (${code})`)));
      check();
    });
  return { child, writes, next };
}

describe("a task process's messages", () => {
  const children: ChildProcess[] = [];
  const pool = new TaskProcessPool({ size: 1 });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await pool.close();
  });

  it("sends a try's start, its log lines and its outcome, told in one turn, as one write", async () => {
    const { child, writes, next } = startTaskProcess();
    children.push(child);
    await next((message) => message.type === "ready");
    const file = fixture("turns.ts");
    child.send({ type: "preload", files: [file] } satisfies ToTaskProcess);
    await next((message) => message.type === "preloaded");
    const before = writes.length;
    child.send({ type: "run", tryId: 1, request: request("turns.ts", "turns", "logs_fifty"), maxResultBytes: 1_000 } satisfies ToTaskProcess);
    await next((message) => message.type === "done");

    const tryWrites = writes.slice(before);
    const messages = tryWrites.flatMap((write) => unbatched(write));
    expect(messages.map((message) => message.type)).toEqual(["started", ...Array<string>(50).fill("log"), "done"]);
    expect(tryWrites).toHaveLength(1);
    const started = messages[0] as Extract<FromTaskProcess, { type: "started" }>;
    expect(started.at).toBeGreaterThan(Date.now() - 60_000);
    expect(started.at).toBeLessThanOrEqual(Date.now());
  });

  it("times a try out from its start, when its start is told late", async () => {
    // The try's first part blocks its process for 800 ms, so the pool hears of its start that late.
    // Its timeout (1 s) counts from the start, not from the message: it ends 200 ms after it,
    // while the task still waits (it ends 1.5 s after its start); counted from the message, it
    // would end 1.8 s after the start, and the task would have succeeded.
    await pool.warmUp([fixture("turns.ts")]);
    const outcome = await pool.run(request("turns.ts", "turns", "blocks_then_waits", { timeoutMs: 1_000 }), () => undefined);
    expect(outcome).toMatchObject({ ok: false, error: { kind: "timeout", message: "timed out after 1s" } });
  });
});
