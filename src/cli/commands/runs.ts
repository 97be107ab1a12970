import { parseArgs } from "node:util";
import { formatDuration } from "../../core/duration.js";
import { InvalidInputError } from "../../core/errors.js";
import type { RunState } from "../../core/types.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { positiveInt } from "../flags.js";
import { withStore } from "../store-location.js";
import { renderTable } from "../table.js";
import { callApi, remoteFrom } from "../remote.js";
import type { DagRunRecord } from "../../store/index.js";
import { runsCancelCommand, RUNS_CANCEL_USAGE } from "./runs-cancel.js";

export const RUNS_USAGE = `tributary runs list <dagId> [--state <state>] [--limit N] [--db <path> | --server <url>] [--json]
${RUNS_CANCEL_USAGE}

list: a DAG's runs, latest logical date first.
cancel: stops a queued or running run (its running tasks fail, the others are skipped) and records
it in the audit log; a finished or unknown run exits 2, naming it.`;

const RUN_STATES: readonly RunState[] = ["queued", "running", "success", "failed"];

export async function runsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "cancel") return runsCancelCommand(rest, RUNS_USAGE);
  if (sub !== "list") throw new UsageError(`unknown runs command "${sub ?? ""}"\n\n${RUNS_USAGE}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      state: { type: "string", multiple: true, default: [] },
      limit: { type: "string" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
      server: { type: "string" },
    },
  });
  const dagId = positionals[0];
  if (!dagId) throw new UsageError(`expected a DAG id\n\n${RUNS_USAGE}`);
  for (const state of values.state) {
    if (!RUN_STATES.includes(state as RunState)) {
      throw new InvalidInputError(`unknown run state "${state}" (one of ${RUN_STATES.join(", ")})`, { field: "state" });
    }
  }
  const limit = positiveInt(values.limit, "limit") ?? 50;
  const remote = remoteFrom(values.server);
  const runs = remote
    ? (
        await callApi<{ runs: StoredRunJson[] }>(
          remote,
          "GET",
          `/runs?${new URLSearchParams({ dagId, limit: String(limit), ...(values.state.length > 0 ? { state: values.state.join(",") } : {}) }).toString()}`,
        )
      ).runs.map(runFromJson)
    : await withStore(values.db, (store) => store.listRuns({ dagId, states: values.state as RunState[], limit }));
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
}

type StoredRunJson = Record<keyof DagRunRecord, unknown> & { runId: string; runType: string; state: string };

/** A run as the API sends it (dates as ISO strings) back into the record the table prints. */
function runFromJson(json: StoredRunJson): Pick<DagRunRecord, "runId" | "runType" | "state" | "logicalDate" | "dataIntervalStart" | "dataIntervalEnd" | "startedAt" | "endedAt"> {
  const date = (v: unknown) => new Date(String(v));
  const dateOrNull = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)));
  return {
    runId: json.runId,
    runType: json.runType as DagRunRecord["runType"],
    state: json.state as DagRunRecord["state"],
    logicalDate: date(json.logicalDate),
    dataIntervalStart: date(json.dataIntervalStart),
    dataIntervalEnd: date(json.dataIntervalEnd),
    startedAt: dateOrNull(json.startedAt),
    endedAt: dateOrNull(json.endedAt),
  };
}

