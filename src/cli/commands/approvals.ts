/**
 * `tributary approvals`: the human approvals waiting for an answer, and answering one from the
 * command line (docs/approvals.md). An answer is checked against the approval's form with the
 * DAG's own zod schema (exit 2 naming the field), recorded like the API's, and audited as
 * `cli (<os user>)`. A local command has the store's keys, so the approvers rule (an API rule, for
 * the API's callers) does not apply to it.
 */
import { parseArgs } from "node:util";
import { NotFoundError } from "../../core/errors.js";
import { answerApproval } from "../../scheduler/answer-approval.js";
import type { Store } from "../../store/index.js";
import { cliActor } from "../cli-actor.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { findDagById } from "../find-dag.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { renderTable } from "../table.js";

export const APPROVALS_USAGE = `tributary approvals [list] [--dag <id>] [--json] [--db <path>]
tributary approvals approve <runId> <taskId> [--answer '<json>'] [--comment <text>] [--map-index <n>] [--dags <dir>] [--db <path>]
tributary approvals reject <runId> <taskId> [--comment <text>] [--map-index <n>] [--dags <dir>] [--db <path>]

Lists the human approvals (d.approval) waiting for an answer, oldest request first, or answers
one: approve with the form's values as JSON (checked against the form), or reject (the approval
fails, and what depends on it does not run). Answers are audited.`;

export async function approvalsCommand(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  const sub = first === undefined || first.startsWith("-") ? "list" : first;
  const args = first === undefined || first.startsWith("-") ? [...argv] : rest;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dag: { type: "string" },
      json: { type: "boolean", default: false },
      answer: { type: "string" },
      comment: { type: "string" },
      "map-index": { type: "string" },
      dags: { type: "string" },
      db: { type: "string" },
    },
  });
  if (sub === "list") {
    if (positionals.length > 0) throw new UsageError(`unexpected ${positionals.join(" ")}\n\n${APPROVALS_USAGE}`);
    const { db } = await resolveLocations({ db: values.db });
    const store = await openStore(db);
    try {
      return await list(store, values.dag, values.json);
    } finally {
      await store.close();
    }
  }
  if (sub !== "approve" && sub !== "reject") throw new UsageError(`unknown approvals command "${sub}"\n\n${APPROVALS_USAGE}`);
  const [runId, taskId] = positionals;
  if (!runId || !taskId || positionals.length > 2) throw new UsageError(`expected a run id and a task id\n\n${APPROVALS_USAGE}`);
  if (sub === "reject" && values.answer !== undefined) throw new UsageError(`--answer goes with approve, not reject\n\n${APPROVALS_USAGE}`);
  const mapIndex = values["map-index"] === undefined ? null : Number(values["map-index"]);
  if (mapIndex !== null && !(Number.isInteger(mapIndex) && mapIndex >= 0)) throw new UsageError(`--map-index must be a whole number from 0, got "${values["map-index"]}"`);
  const raw = values.answer === undefined ? {} : parseJson(values.answer);
  const { dagsDir, db } = await resolveLocations(values);
  const store = await openStore(db);
  try {
    const run = await store.getRun(runId);
    if (!run) throw new NotFoundError(`no DAG run ${runId}`, { field: "runId" });
    const entry = await findDagById(run.dagId, dagsDir);
    const answered = await answerApproval(store, entry.dag, entry.code, {
      runId,
      taskId,
      mapIndex,
      decision: sub,
      ...(sub === "approve" ? { answer: raw } : {}),
      ...(values.comment === undefined ? {} : { comment: values.comment }),
      actor: cliActor(),
      now: new Date(),
    });
    process.stdout.write(`${taskId} of run ${runId}: ${sub === "approve" ? "approved" : "rejected"} (${answered.state})\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function list(store: Store, dagId: string | undefined, json: boolean): Promise<number> {
  const waiting = await store.listWaitingApprovals(dagId === undefined ? {} : { dagIds: [dagId] });
  if (json) {
    const rows = waiting.map(({ instance, run }) => ({ runId: run.runId, dagId: run.dagId, taskId: instance.taskId, mapIndex: instance.mapIndex, requestedAt: instance.waitingSince, deadline: instance.wakeAt }));
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return EXIT.ok;
  }
  if (waiting.length === 0) {
    process.stdout.write("no approvals are waiting\n");
    return EXIT.ok;
  }
  const rows = waiting.map(({ instance, run }) => [
    run.dagId,
    run.runId,
    instance.mapIndex === null ? instance.taskId : `${instance.taskId}[${instance.mapIndex}]`,
    instance.waitingSince?.toISOString() ?? "",
    instance.wakeAt?.toISOString() ?? "",
  ]);
  process.stdout.write(`${renderTable(["DAG", "RUN", "APPROVAL", "REQUESTED", "DEADLINE"], rows)}\n`);
  return EXIT.ok;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--answer must be JSON, such as '{"approved": true}': ${error instanceof Error ? error.message : String(error)}`);
  }
}
