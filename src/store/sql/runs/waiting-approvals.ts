import type { Kysely } from "kysely";
import type { WaitingApproval } from "../../contract/store.js";
import type { Database } from "../schema.js";
import { instanceFromRow, runFromRow } from "../shared/rows.js";
import { stateLiteral } from "../shared/state-literal.js";

/** Approvals waiting for an answer (docs/approvals.md), oldest request first: the "Waiting for me" list's rows. */
export async function listWaitingApprovals(db: Kysely<Database>, filter: { readonly dagIds?: readonly string[] } = {}): Promise<WaitingApproval[]> {
  if (filter.dagIds?.length === 0) return [];
  let query = db.selectFrom("task_instances").selectAll().where("state", "=", stateLiteral("deferred")).where("wait_reason", "=", "approval");
  if (filter.dagIds !== undefined) query = query.where("dag_id", "in", filter.dagIds);
  const rows = await query.orderBy("waiting_since").orderBy("id").execute();
  if (rows.length === 0) return [];
  const runIds = [...new Set(rows.map((row) => row.run_id))];
  const runs = new Map((await db.selectFrom("dag_runs").selectAll().where("run_id", "in", runIds).execute()).map((row) => [row.run_id, runFromRow(row)]));
  return rows.flatMap((row) => {
    const run = runs.get(row.run_id);
    return run ? [{ instance: instanceFromRow(row), run }] : [];
  });
}
