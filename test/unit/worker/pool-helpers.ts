// Shared by the process pool's tests: fixture paths and a request builder.
import { fileURLToPath } from "node:url";
import type { LogLine, TaskRunRequest } from "../../../src/worker/task-protocol.js";

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
