import { parseArgs } from "node:util";
import { formatDuration } from "../../core/duration.js";
import { InvalidInputError } from "../../core/errors.js";
import { datasetToJson, listDatasets, type DatasetInfo } from "../../lineage/datasets.js";
import { recordExternalDatasetEvent } from "../../lineage/external-events.js";
import { LineageService } from "../../lineage/lineage-service.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { dagGraphsIn } from "../lineage-dags.js";
import { renderTable } from "../table.js";

export const DATASETS_USAGE = `tributary datasets list [--dags <dir>] [--db <path>] [--json]
tributary datasets event <dataset-uri> [--meta k=v]... [--db <path>] [--json]

list: every dataset declared by a DAG or named by an event, with its last update, last writer
and freshness (time since the last update).
event: records an update made outside Tributary; DAGs scheduled on the dataset run as if a task
had written it. --meta values that look like numbers or true/false/null are stored as such.`;

export async function datasetsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { meta: { type: "string", multiple: true, default: [] }, dags: { type: "string" }, db: { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (sub !== "list" && sub !== "event") throw new UsageError(`unknown datasets command "${sub ?? ""}"\n\n${DATASETS_USAGE}`);
  const uri = positionals[0];
  if (sub === "event" && (uri === undefined || positionals.length > 1)) throw new UsageError(`expected one dataset URI\n\n${DATASETS_USAGE}`);
  const metadata = parseMeta(values.meta);
  const { db, dagsDir } = await resolveLocations({ dags: values.dags, db: values.db });
  const store = await openStore(db);
  try {
    if (sub === "event") {
      const event = await recordExternalDatasetEvent(store, { uri, metadata, source: "cli" });
      if (values.json) process.stdout.write(`${JSON.stringify({ ...event, at: event.at.toISOString() })}\n`);
      else process.stdout.write(`recorded event ${event.id} for ${event.uri}\n`);
      return EXIT.ok;
    }
    const now = new Date();
    const datasets = await listDatasets(store, new LineageService(store, await dagGraphsIn(dagsDir)), now);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ datasets: datasets.map(datasetToJson) })}\n`);
    } else {
      const rows = datasets.map((d) => [d.uri, d.lastUpdatedAt?.toISOString() ?? "never", writer(d), d.freshnessMs === null ? "-" : `${formatDuration(d.freshnessMs)} ago`, String(d.events)]);
      process.stdout.write(`${renderTable(["dataset", "last update", "last writer", "freshness", "events"], rows)}\n`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function writer(d: DatasetInfo): string {
  const w = d.lastWriter;
  if (w === null) return "-";
  return w.kind === "task" ? `${w.dagId}.${w.taskId}${w.tryNumber === null ? "" : ` (try ${w.tryNumber})`}` : `external (${w.source ?? "?"})`;
}

function parseMeta(pairs: readonly string[]): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InvalidInputError(`--meta must be key=value, got "${pair}"`, { field: "meta" });
    const key = pair.slice(0, eq);
    const text = pair.slice(eq + 1);
    out[key] = text === "true" ? true : text === "false" ? false : text === "null" ? null : text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return out;
}
