import { describe, expect, it } from "vitest";
import { abortFailure, crashFailure, timeoutMessage } from "../../../src/worker/try-failures.js";

describe("try failures", () => {
  it("says round limits the way they were written", () => {
    expect(timeoutMessage(2_000)).toBe("timed out after 2s");
    expect(timeoutMessage(300_000)).toBe("timed out after 5m");
    expect(timeoutMessage(250)).toBe("timed out after 250ms");
    expect(timeoutMessage(1_500)).toBe("timed out after 1.50s");
  });

  it("tells a killed try from one that stopped at its timeout", () => {
    const abort = { reason: "timeout", message: timeoutMessage(2_000) } as const;
    expect(abortFailure(abort, undefined)).toEqual({ kind: "timeout", message: "timed out after 2s" });
    expect(abortFailure(abort, 5_000).message).toBe(
      "timed out after 2s; the task ignored its abort signal (ctx.signal) for 5s, so its process was killed",
    );
    expect(abortFailure({ reason: "cancel", message: "the try was cancelled" }, undefined).kind).toBe("error");
  });

  it("describes a dead process with its exit and its last stderr lines", () => {
    expect(
      crashFailure({ poolClosed: false, exitCode: null, signalCode: "SIGSEGV", uncaught: undefined, stderrTail: ["a", "b"] }),
    ).toEqual({ kind: "crash", message: "the task process was killed by SIGSEGV before the task finished\nlast lines of stderr:\na\nb" });
  });

  it("calls a try lost when its process was killed from outside or the pool was closed", () => {
    const death = { poolClosed: false, exitCode: null, signalCode: "SIGKILL", uncaught: undefined, stderrTail: [] } as const;
    expect(crashFailure(death)).toEqual({
      kind: "lost",
      message: "the task process was killed by SIGKILL from outside Tributary (the OOM killer, an operator?) before the task finished; the try was lost",
    });
    expect(crashFailure({ ...death, poolClosed: true }).kind).toBe("lost");
    expect(crashFailure({ ...death, signalCode: null, exitCode: 1 }).kind).toBe("crash");
  });

  it("blames process.exit on the try that called it, and no try when several ran and none can be told", () => {
    const death = { poolClosed: false, exitCode: 1, signalCode: null, uncaught: undefined, stderrTail: [] } as const;
    expect(crashFailure({ ...death, exitedHere: true })).toEqual({
      kind: "crash",
      message: "the task called process.exit(1), which ended its task process (and any tries sharing it)",
    });
    expect(crashFailure({ ...death, exitedBy: "d.t try 2" })).toEqual({
      kind: "lost",
      message: "the task process it shared was ended by process.exit(1) in d.t try 2; this try did nothing wrong and was lost",
    });
    expect(crashFailure({ ...death, shared: true }).kind).toBe("lost");
    expect(crashFailure(death).kind).toBe("crash");
  });
});
