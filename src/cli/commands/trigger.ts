import { parseArgs } from "node:util";
import { runParams } from "../../scheduler/run-params.js";
import { triggerRun } from "../../scheduler/trigger-run.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { callApi, remoteFrom } from "../remote.js";
import { findDagById } from "../find-dag.js";
import { parseParamFlags } from "../parse-params.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";

export const TRIGGER_USAGE = `tributary trigger <dagId> [--param k=v]... [--logical-date <date>] [--dags <dir>] [--db <path>] [--server <url>] [--json]

Creates a manual DAG run; a running \`tributary start\` (or scheduler) starts it.
Params are validated against the DAG's schema: a bad or unknown param exits 2, naming the field.
With --server (or TRIBUTARY_SERVER) it goes through the API of a running deployment, with the
token in TRIBUTARY_TOKEN.`;

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
      server: { type: "string" },
    },
  });
  const dagId = positionals[0];
  if (!dagId || positionals.length > 1) throw new UsageError(`expected one DAG id\n\n${TRIGGER_USAGE}`);
  const remote = remoteFrom(values.server);
  if (remote) {
    const run = await callApi<{ runId: string; state: string; logicalDate: string; params: Record<string, unknown> }>(
      remote,
      "POST",
      `/dags/${encodeURIComponent(dagId)}/runs`,
      { params: parseParamFlags(values.param), logicalDate: values["logical-date"] },
    );
    printTriggered(dagId, run, values.json);
    return EXIT.ok;
  }
  const { dagsDir, db } = await resolveLocations(values);
  const entry = await findDagById(dagId, dagsDir);
  // Validate before opening the store: a bad param creates nothing.
  const params = await runParams(entry, parseParamFlags(values.param));
  const store = await openStore(db);
  try {
    const run = await triggerRun(store, entry, { runType: "manual", params, logicalDate: values["logical-date"], now: new Date() });
    printTriggered(dagId, { ...run, logicalDate: run.logicalDate.toISOString() }, values.json);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function printTriggered(dagId: string, run: { runId: string; state: string; logicalDate: string; params: Record<string, unknown> }, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ dagId, runId: run.runId, state: run.state, logicalDate: run.logicalDate, params: run.params })}\n`);
  } else {
    process.stdout.write(`created run ${run.runId} of ${dagId} (${run.state}); \`tributary start\` runs it\n`);
  }
}
