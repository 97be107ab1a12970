/**
 * `tributary runs cancel <runId>`: cancels a queued or running DAG run, as the API's
 * POST /runs/:runId/cancel does (running tasks fail, the others are skipped, the run fails), and
 * records it in the audit log. In the store directly (a running scheduler and its workers see it
 * at once: a worker stops a cancelled try at its next heartbeat), or through a deployment's API
 * with --server.
 */
import { parseArgs } from "node:util";
import { NotFoundError } from "../../core/errors.js";
import type { DagGraph } from "../../core/types.js";
import type { DagRunRecord, Store } from "../../store/index.js";
import { cliActor } from "../cli-actor.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { callApi, remoteFrom } from "../remote.js";
import { withStore } from "../store-location.js";

export const RUNS_CANCEL_USAGE = `tributary runs cancel <runId> [--db <path> | --server <url>] [--json]`;

export async function runsCancelCommand(argv: readonly string[], usage: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { db: { type: "string" }, json: { type: "boolean", default: false }, server: { type: "string" } },
  });
  const runId = positionals[0];
  if (!runId || positionals.length > 1) throw new UsageError(`expected one run id\n\n${usage}`);
  const remote = remoteFrom(values.server);
  const run = remote
    ? await callApi<{ runId: string; dagId: string; state: string }>(remote, "POST", `/runs/${encodeURIComponent(runId)}/cancel`)
    : await withStore(values.db, (store) => cancelInStore(store, runId));
  if (values.json) process.stdout.write(`${JSON.stringify({ runId: run.runId, dagId: run.dagId, state: run.state })}\n`);
  else process.stdout.write(`cancelled run ${run.runId} of ${run.dagId} (${run.state})\n`);
  return EXIT.ok;
}

async function cancelInStore(store: Store, runId: string): Promise<DagRunRecord> {
  const run = await store.getRun(runId);
  if (!run) throw new NotFoundError(`no DAG run ${runId}`, { field: "runId" });
  // A ConflictError (the run has finished) exits 2 with its message, and nothing is audited.
  const actor = cliActor();
  const cancelled = await store.cancelRun({ runId, graph: await storedGraph(store, run), now: new Date(), reason: `cancelled by ${actor}` });
  await store.access.appendAudit({ actor, action: "run.cancel", target: runId, now: new Date() });
  return cancelled;
}

/** The run's DAG as the store knows it (no DAG folder needed): the version the run used, else the DAG's record. */
async function storedGraph(store: Store, run: DagRunRecord): Promise<DagGraph> {
  const version = run.dagVersion === null ? undefined : await store.getDagVersion(run.dagId, run.dagVersion);
  const graph = version?.graph ?? (await store.getDag(run.dagId))?.graph;
  if (!graph) throw new NotFoundError(`the store has no structure of DAG "${run.dagId}" for run ${run.runId}`, { dagId: run.dagId });
  return graph;
}
