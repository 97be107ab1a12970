import { parseArgs } from "node:util";
import { manualDataInterval } from "../../scheduler/manual-interval.js";
import { triggeredRunId } from "../../scheduler/run-ids.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { findDagById } from "../find-dag.js";
import { parseParamFlags } from "../parse-params.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";

export const TRIGGER_USAGE = `tributary trigger <dagId> [--param k=v]... [--logical-date <date>] [--dags <dir>] [--db <path>] [--json]

Creates a manual DAG run; a running \`tributary start\` (or scheduler) starts it.
Params are validated against the DAG's schema: a bad or unknown param exits 2, naming the field.`;

export async function triggerCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      param: { type: "string", multiple: true, default: [] },
      "logical-date": { type: "string" },
      dags: { type: "string" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const dagId = positionals[0];
  if (!dagId || positionals.length > 1) throw new UsageError(`expected one DAG id\n\n${TRIGGER_USAGE}`);
  const { dagsDir, db } = await resolveLocations(values);
  const entry = await findDagById(dagId, dagsDir);
  const params = entry.dag.parseParams(parseParamFlags(values.param)) as Record<string, unknown>;
  const now = new Date();
  const interval = manualDataInterval(entry.schedule, values["logical-date"], entry.dag.options.timezone, now);
  const store = await openStore(db);
  try {
    await store.upsertDag({ dagId, file: entry.file, graph: entry.dag.graph, now });
    const { run } = await store.createRun({
      runId: triggeredRunId(dagId, "manual", interval.start),
      runType: "manual",
      graph: entry.dag.graph,
      logicalDate: interval.start,
      dataIntervalStart: interval.start,
      dataIntervalEnd: interval.end,
      params,
      start: false,
      now,
    });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ dagId, runId: run.runId, state: run.state, logicalDate: run.logicalDate.toISOString(), params })}\n`,
      );
    } else {
      process.stdout.write(`created run ${run.runId} of ${dagId} (${run.state}); \`tributary start\` runs it\n`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
