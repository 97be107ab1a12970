import { parseArgs } from "node:util";
import { InvalidInputError } from "../../core/errors.js";
import { logLineText } from "../../core/log-line-text.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { withStore } from "../store-location.js";
import { callApi, remoteFrom, type Remote } from "../remote.js";
import type { StoredLogLine } from "../../store/index.js";

export const LOGS_USAGE = `tributary logs <runId> <taskId> [--try N] [--map-index N] [--db <path> | --server <url>] [--json]

Prints the log of one try (the latest by default) of a task instance.`;

export async function logsCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      try: { type: "string" },
      "map-index": { type: "string" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
      server: { type: "string" },
    },
  });
  const [runId, taskId] = positionals;
  if (!runId || !taskId) throw new UsageError(`expected a run id and a task id\n\n${LOGS_USAGE}`);
  const tryNumber = optionalInt(values.try, "try");
  const mapIndex = optionalInt(values["map-index"], "map-index");
  const remote = remoteFrom(values.server);
  const { tryNumber: shown, lines } = remote
    ? await remoteLogs(remote, runId, taskId, mapIndex, tryNumber)
    : await withStore(values.db, (store) => store.readLogs({ runId, taskId, mapIndex: mapIndex ?? null, tryNumber }));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ runId, taskId, mapIndex: mapIndex ?? null, tryNumber: shown, lines })}\n`);
  } else {
    for (const line of lines) process.stdout.write(logLineText(line));
  }
  return EXIT.ok;
}

/** Every line of the try, page by page (the API returns at most 10,000 per call). */
async function remoteLogs(remote: Remote, runId: string, taskId: string, mapIndex: number | undefined, tryNumber: number | undefined) {
  const lines: (Omit<StoredLogLine, "at"> & { at: string })[] = [];
  let after = 0;
  for (;;) {
    const query = new URLSearchParams({ after: String(after), limit: "10000" });
    if (mapIndex !== undefined) query.set("mapIndex", String(mapIndex));
    if (tryNumber !== undefined) query.set("try", String(tryNumber));
    const page = await callApi<{ tryNumber: number; lines: (Omit<StoredLogLine, "at"> & { at: string })[]; nextAfter: number }>(
      remote,
      "GET",
      `/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}/logs?${query.toString()}`,
    );
    lines.push(...page.lines);
    if (page.lines.length < 10_000) return { tryNumber: page.tryNumber, lines };
    after = page.nextAfter;
  }
}

function optionalInt(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidInputError(`--${field} must be a non-negative integer, got "${value}"`, { field });
  return n;
}
