// Shell tasks in the process pool: templated commands, captured output, exit codes, timeouts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskProcessPool } from "../../../src/worker/process-pool.js";
import { fixture, logSink, request, SHELL_TIMEOUT_MS } from "./pool-helpers.js";


describe("TaskProcessPool: shell tasks", () => {
  let pool: TaskProcessPool;
  beforeAll(async () => {
    pool = new TaskProcessPool({ size: 1, killGraceMs: 200 });
    await pool.warmUp([fixture("basics.ts"), fixture("shell.ts"), fixture("misbehaving.ts"), fixture("branching.ts")]);
  });
  afterAll(() => pool.close());

  it("renders the template, logs stdout and stderr, and returns the last non-empty stdout line", async () => {
    const sink = logSink();
    const outcome = await pool.run(request("shell.ts", "shell", "echo", { params: { region: "eu" } }), sink.onLog);
    expect(outcome).toEqual({ ok: true, result: "20240301", emitted: [] });
    expect(sink.lines.filter((line) => line.stream === "stdout").map((line) => line.message)).toEqual([
      "start 2024-03-01",
      "",
      "20240301",
      "",
    ]);
    expect(sink.lines.filter((line) => line.stream === "stderr").map((line) => line.message)).toEqual(["region eu"]);
  });

  it("fails with the exit code and the last line of stderr", async () => {
    const sink = logSink();
    const outcome = await pool.run(request("shell.ts", "shell", "fail"), sink.onLog);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).toBe("error");
    expect(outcome.error.message).toBe("command exited with code 4: disk full");
    expect(sink.messages()).toEqual(expect.arrayContaining(["out", "first problem", "disk full"]));
  });

  it("stops a command at its timeout through its process group", async () => {
    const started = Date.now();
    const outcome = await pool.run(request("shell.ts", "shell", "sleep", { timeoutMs: SHELL_TIMEOUT_MS }), () => undefined);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.kind).toBe("timeout");
      expect(outcome.error.message).toBe("timed out after 1s");
    }
    expect(Date.now() - started).toBeLessThan(SHELL_TIMEOUT_MS + 3_000);
  });

  it("kills a command that ignores SIGTERM, with its process, after the grace period", async () => {
    const sink = logSink();
    const started = Date.now();
    const outcome = await pool.run(request("shell.ts", "shell", "trap", { timeoutMs: SHELL_TIMEOUT_MS }), sink.onLog);
    const elapsed = Date.now() - started;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.kind).toBe("timeout");
      expect(outcome.error.message).toMatch(/^timed out after 1s; the task ignored its abort signal .* was killed$/);
    }
    expect(sink.messages()).toContain("stubborn");
    expect(elapsed).toBeLessThan(SHELL_TIMEOUT_MS + 3_000);
    const after = await pool.run(request("shell.ts", "shell", "echo", { params: { region: "us" } }), () => undefined);
    expect(after).toEqual({ ok: true, result: "20240301", emitted: [] });
  });
});
