// Shared by the process pool's tests: fixture paths and a request builder.
import { fileURLToPath } from "node:url";
import type { LogLine, TaskRunRequest } from "../../../src/worker/task-protocol.js";

/**
 * The grace given to a try that honours its abort signal: it must end within it, and under the
 * whole suite's load on 2 cores the four messages of an abort and its answer can take more than
 * 200 ms. (What a grace that ran out says: "for 1s".)
 */
export const HONOUR_GRACE_MS = 1_000;

/**
 * A shell command's timeout: the shell must be started, and have set its trap, before it (at the
 * whole suite's load, starting /bin/sh alone can take a few hundred milliseconds). It prints as "1s".
 */
export const SHELL_TIMEOUT_MS = 1_000;

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/worker-dags/${name}`, import.meta.url));
}

export function request(file: string, dagId: string, taskId: string, overrides: Partial<TaskRunRequest> = {}): TaskRunRequest {
  return {
    file: fixture(file),
    dagId,
    taskId,
    runId: "manual__2024-03-01T00:00:00.000Z",
    mapIndex: null,
    tryNumber: 1,
    logicalDate: "2024-03-01T00:00:00.000Z",
    dataIntervalStart: "2024-03-01T00:00:00.000Z",
    dataIntervalEnd: "2024-03-02T00:00:00.000Z",
    ds: "2024-03-01",
    timezone: "UTC",
    params: {},
    inputs: {},
    secrets: {},
    timeoutMs: undefined,
    ...overrides,
  };
}

/** Collects a try's log lines. */
export function logSink(): { lines: LogLine[]; onLog: (line: LogLine) => void; messages: () => string[] } {
  const lines: LogLine[] = [];
  return { lines, onLog: (line) => lines.push(line), messages: () => lines.map((line) => line.message) };
}
