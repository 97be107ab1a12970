import { parseArgs } from "node:util";
import { InvalidInputError } from "../../core/errors.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { openStore } from "../store-location.js";

export const LOGS_USAGE = `tributary logs <runId> <taskId> [--try N] [--map-index N] [--db <path>] [--json]

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
    },
  });
  const [runId, taskId] = positionals;
  if (!runId || !taskId) throw new UsageError(`expected a run id and a task id\n\n${LOGS_USAGE}`);
  const tryNumber = optionalInt(values.try, "try");
  const mapIndex = optionalInt(values["map-index"], "map-index");
  const store = await openStore(values.db);
  try {
    const { tryNumber: shown, lines } = await store.readLogs({ runId, taskId, mapIndex: mapIndex ?? null, tryNumber });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ runId, taskId, mapIndex: mapIndex ?? null, tryNumber: shown, lines })}\n`);
    } else {
      for (const line of lines) {
        const tag = line.stream === "log" ? line.level.toUpperCase() : line.stream;
        process.stdout.write(`${line.at.toISOString()} ${tag.padEnd(6)} ${line.message}\n`);
      }
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function optionalInt(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidInputError(`--${field} must be a non-negative integer, got "${value}"`, { field });
  return n;
}
