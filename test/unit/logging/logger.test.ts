import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../../src/core/errors.js";
import { createProcessLogger, resolveLogFormat, resolveLogLevel } from "../../../src/logging/logger.js";
import { parseOperationsFlags } from "../../../src/cli/operations-flags.js";

function capture(): { lines: string[]; write: (text: string) => void } {
  const lines: string[] = [];
  return { lines, write: (text: string) => void lines.push(...text.split("\n").filter((l) => l.length > 0)) };
}

describe("process logs", () => {
  it("json: one pino JSON object per line with level, time, role and the event's ids", () => {
    const out = capture();
    const { log } = createProcessLogger({ format: "json", role: "worker", destination: out });
    log("success daily.load try 2 (run-1)", { runId: "run-1", dagId: "daily", taskId: "load", mapIndex: null, tryNumber: 2 });
    log("queue stuck", { level: "warn", queue: "heavy" });
    const [first, second] = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({
      level: "info",
      role: "worker",
      pid: process.pid,
      msg: "success daily.load try 2 (run-1)",
      runId: "run-1",
      dagId: "daily",
      taskId: "load",
      mapIndex: null,
      tryNumber: 2,
    });
    expect(new Date(String(first?.["time"])).toISOString()).toBe(first?.["time"]);
    expect(second).toMatchObject({ level: "warn", msg: "queue stuck", queue: "heavy" });
  });

  it("text: the human line `<ISO time> <message>`, fields left to the JSON format", () => {
    const out = capture();
    const { log } = createProcessLogger({ format: "text", role: "start", destination: out });
    log("tributary scheduler + worker started", { dagId: "x" });
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z tributary scheduler \+ worker started$/);
  });

  it("levels below the configured one are dropped", () => {
    const out = capture();
    const { log } = createProcessLogger({ format: "json", role: "start", level: "warn", destination: out });
    log("chatty");
    log("bad", { level: "error", err: new Error("boom") });
    expect(out.lines).toHaveLength(1);
    expect(JSON.parse(out.lines[0] ?? "{}")).toMatchObject({ level: "error", msg: "bad", err: { message: "boom", type: "Error" } });
  });

  it("format and level come from the flag, else the environment, else text/info; bad values are input errors", () => {
    expect(resolveLogFormat(undefined, {})).toBe("text");
    expect(resolveLogFormat(undefined, { TRIBUTARY_LOG_FORMAT: "json" })).toBe("json");
    expect(resolveLogFormat("text", { TRIBUTARY_LOG_FORMAT: "json" })).toBe("text");
    expect(() => resolveLogFormat("yaml", {})).toThrow(InvalidInputError);
    expect(resolveLogLevel(undefined, {})).toBe("info");
    expect(() => resolveLogLevel("loud", {})).toThrow(/--log-level/);
  });

  it("--log-retention takes a duration", () => {
    expect(parseOperationsFlags({ "log-retention": "30d" }).logRetentionMs).toBe(30 * 86_400_000);
    expect(parseOperationsFlags({}).logRetentionMs).toBeUndefined();
    expect(() => parseOperationsFlags({ "log-retention": "soon" })).toThrow(/invalid duration/);
    expect(() => parseOperationsFlags({ "log-retention": "0s" })).toThrow(/longer than 0/);
  });
});
