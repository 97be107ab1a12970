import { parseArgs } from "node:util";
import { InvalidInputError, NotFoundError } from "../../core/errors.js";
import { ALERT_STATES, type AlertRecord, type AlertState } from "../../store/index.js";
import { cliActor } from "../cli-actor.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { renderTable } from "../table.js";

export const ALERTS_USAGE = `tributary alerts list [--state open|acknowledged|resolved|all] [--dag <id>] [--json] | ack <id> | resolve <id>   [--by <name>] [--db <path>]

Alerts raised for dead-lettered tasks and SLA misses (docs/alerts.md). list shows unresolved
alerts by default; ack stops an alert's escalation (no page, no ticket); resolve closes it (the
channels already told hear of it: Slack, PagerDuty...; the running scheduler sends that). Alerts
also resolve by themselves when the next run of their DAG/task succeeds. ack and resolve are
written to the audit log with the actor "cli (<os user>)"; --by names who acted on the alert.`;

export async function alertsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      state: { type: "string" },
      dag: { type: "string" },
      by: { type: "string" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (sub !== "list" && sub !== "ack" && sub !== "resolve") throw new UsageError(`unknown alerts command "${sub ?? ""}"\n\n${ALERTS_USAGE}`);
  const states = sub === "list" ? parseStates(values.state) : [];
  const id = sub === "list" ? 0 : parseId(positionals[0]);
  const { db } = await resolveLocations({ db: values.db });
  const store = await openStore(db);
  try {
    if (sub === "list") {
      const alerts = await store.alerts.listAlerts({ states, dagId: values.dag, limit: 500 });
      if (values.json) process.stdout.write(`${JSON.stringify({ alerts })}\n`);
      else process.stdout.write(`${renderTable(["id", "state", "kind", "dag", "task", "since", "title"], alerts.map(row))}\n`);
      return EXIT.ok;
    }
    // The audit log names who ran the command; `--by` (an on-call name, say) goes into its details.
    const actor = cliActor();
    const by = values.by ?? actor;
    const now = new Date();
    if (!(await store.alerts.getAlert(id))) throw new NotFoundError(`no alert ${id}`, { field: "id" });
    const alert = sub === "ack" ? await store.alerts.ackAlert({ id, by, now }) : await store.alerts.resolveAlert({ id, by, now });
    // The same entry as the API's POST /alerts/:id/ack|resolve (api/routes/alerts.ts).
    await store.access.appendAudit({ actor, action: `alert.${sub}`, target: String(alert.id), details: values.by === undefined ? undefined : { by }, now });
    if (values.json) process.stdout.write(`${JSON.stringify({ alert })}\n`);
    else process.stdout.write(`alert ${alert.id}: ${alert.state}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function parseStates(value: string | undefined): AlertState[] {
  if (value === undefined) return ["open", "acknowledged"];
  if (value === "all") return [...ALERT_STATES];
  const states = value.split(",").map((s) => s.trim());
  for (const state of states) {
    if (!ALERT_STATES.includes(state as AlertState)) {
      throw new InvalidInputError(`unknown alert state "${state}"; expected ${ALERT_STATES.join(", ")} or all`, { field: "state" });
    }
  }
  return states as AlertState[];
}

function parseId(text: string | undefined): number {
  if (text === undefined) throw new UsageError(`expected an alert id\n\n${ALERTS_USAGE}`);
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 1) throw new InvalidInputError(`invalid alert id "${text}"`, { field: "id" });
  return id;
}

function row(alert: AlertRecord): string[] {
  const task = alert.taskId === null ? "" : alert.mapIndex === null ? alert.taskId : `${alert.taskId}[${alert.mapIndex}]`;
  return [String(alert.id), alert.state, alert.kind, alert.dagId, task, alert.createdAt.toISOString(), alert.title];
}
