import { parseArgs } from "node:util";
import { formatDuration } from "../../core/duration.js";
import { InvalidInputError } from "../../core/errors.js";
import type { RunState } from "../../core/types.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { positiveInt } from "../flags.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { renderTable } from "../table.js";

export const RUNS_USAGE = `tributary runs list <dagId> [--state <state>] [--limit N] [--db <path>] [--json]`;

const RUN_STATES: readonly RunState[] = ["queued", "running", "success", "failed"];

export async function runsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "list") throw new UsageError(`unknown runs command "${sub ?? ""}"\n\n${RUNS_USAGE}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      state: { type: "string", multiple: true, default: [] },
      limit: { type: "string" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const dagId = positionals[0];
  if (!dagId) throw new UsageError(`expected a DAG id\n\n${RUNS_USAGE}`);
  for (const state of values.state) {
    if (!RUN_STATES.includes(state as RunState)) {
      throw new InvalidInputError(`unknown run state "${state}" (one of ${RUN_STATES.join(", ")})`, { field: "state" });
    }
  }
  const { db } = await resolveLocations({ db: values.db });
  const store = await openStore(db);
  try {
    const runs = await store.listRuns({ dagId, states: values.state as RunState[], limit: positiveInt(values.limit, "limit") ?? 50 });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({
          dagId,
          runs: runs.map((r) => ({
            runId: r.runId,
            runType: r.runType,
            state: r.state,
            logicalDate: r.logicalDate.toISOString(),
            dataIntervalStart: r.dataIntervalStart.toISOString(),
            dataIntervalEnd: r.dataIntervalEnd.toISOString(),
            startedAt: r.startedAt?.toISOString() ?? null,
            endedAt: r.endedAt?.toISOString() ?? null,
          })),
        })}\n`,
      );
    } else {
      const rows = runs.map((r) => [
        r.runId,
        r.runType,
        r.state,
        r.logicalDate.toISOString(),
        r.startedAt && r.endedAt ? formatDuration(r.endedAt.getTime() - r.startedAt.getTime()) : "-",
      ]);
      process.stdout.write(`${renderTable(["run", "type", "state", "logical date", "duration"], rows)}\n`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
