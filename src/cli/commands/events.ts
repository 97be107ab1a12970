import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadDagFolder } from "../../dsl/load.js";
import { EVENT_NAME } from "../../dsl/dag-options.js";
import { register } from "../../scheduler/dag-registry.js";
import { postEvent } from "../../scheduler/post-event.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { resolveLocations } from "../project-config.js";
import { callApi, remoteFrom } from "../remote.js";
import { openStore } from "../store-location.js";

export const EVENTS_USAGE = `tributary events send <name> [--payload <json object>] [--dags <dir>] [--db <path>] [--server <url>] [--json]

Posts an event, as POST /api/v1/events does: starts a run of every DAG subscribed to it (the DAG
option \`events\`, the payload as its params) and delivers it to every task waiting for it
(ctx.waitForEvent, the payload as the wait's value). A bad name or payload exits 2.
With --server (or TRIBUTARY_SERVER) it goes through the API of a running deployment, with the
token in TRIBUTARY_TOKEN.`;

export async function eventsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "send") throw new UsageError(`expected \`events send\`${sub === undefined ? "" : `, got "${sub}"`}\n\n${EVENTS_USAGE}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      payload: { type: "string" },
      dags: { type: "string" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
      server: { type: "string" },
    },
  });
  const event = positionals[0];
  if (event === undefined || positionals.length > 1) throw new UsageError(`expected one event name\n\n${EVENTS_USAGE}`);
  if (!EVENT_NAME.test(event)) throw new UsageError(`event name "${event}" may only have letters, digits, and _ . : / - (at most 200)`);
  const params = parsePayload(values.payload);
  const remote = remoteFrom(values.server);
  if (remote) {
    const answer = await callApi<{ runs: { runId: string; dagId: string }[]; delivered: number }>(remote, "POST", "/events", { event, params });
    print(event, answer, values.json);
    return EXIT.ok;
  }
  const { dagsDir, db } = await resolveLocations(values);
  // Subscribed DAGs come from the DAG folder (a project without one can still reach waiting tasks).
  const folder = existsSync(dagsDir) && statSync(dagsDir).isDirectory() ? await loadDagFolder(dagsDir, { hangs: "watch" }) : { dags: [] };
  const store = await openStore(db);
  try {
    const posted = await postEvent(store, folder.dags.map((loaded) => register(loaded)), { event, params, now: new Date() });
    print(event, { runs: posted.runs.map((r) => ({ runId: r.runId, dagId: r.dagId })), delivered: posted.delivered }, values.json);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function parsePayload(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--payload must be a JSON object: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`--payload must be a JSON object such as '{"id": 7}', got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`);
  }
  return value as Record<string, unknown>;
}

function print(event: string, answer: { runs: readonly { runId: string; dagId: string }[]; delivered: number }, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ event, runs: answer.runs.map(({ runId, dagId }) => ({ runId, dagId })), delivered: answer.delivered })}\n`);
    return;
  }
  const runs = answer.runs.length === 0 ? "started no run" : `started ${answer.runs.map((r) => `${r.runId} of ${r.dagId}`).join(", ")}`;
  process.stdout.write(`event ${event}: ${runs}; reached ${answer.delivered} waiting task${answer.delivered === 1 ? "" : "s"}\n`);
}
