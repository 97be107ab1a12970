/**
 * One log line as plain text, as `tributary logs` prints it and the API's log download writes it:
 * the time (UTC, ISO 8601), the level (or the stream, for a task's own stdout and stderr), the
 * message. A message of several lines keeps its line breaks.
 */
export interface LogLineFields {
  readonly at: Date | string;
  readonly stream: "stdout" | "stderr" | "log";
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
}

export function logLineText(line: LogLineFields): string {
  const tag = line.stream === "log" ? line.level.toUpperCase() : line.stream;
  return `${new Date(line.at).toISOString()} ${tag.padEnd(6)} ${line.message}\n`;
}
