/**
 * The alert source of an approval with `notify` (docs/approvals.md): recorded when the approval
 * starts to wait, in the transaction that defers it; the alert dispatcher raises its alert (step 1
 * channels only). When the wait ends, answered or timed out, that alert is resolved in the same
 * transaction, so the channels hear that it is over and nobody answers a closed question.
 */
import type { Selectable } from "kysely";
import type { TaskSpec } from "../../../core/types.js";
import { closeAlert } from "../alerts/alert-state.js";
import type { TaskInstanceTable } from "../schema.js";
import type { Tx } from "../shared/tx.js";

type Instance = Selectable<TaskInstanceTable> & { readonly id: number };

export async function recordApprovalRequest(tx: Tx, ti: Instance, spec: TaskSpec | undefined, requestedAt: number, deadlineAt: number): Promise<void> {
  if (spec?.approval?.notify !== true) return;
  await tx
    .insertInto("approval_requests")
    .values({
      task_instance_id: ti.id,
      try_number: ti.try_number,
      dag_id: ti.dag_id,
      run_id: ti.run_id,
      task_id: ti.task_id,
      map_index: ti.map_index,
      requested_at: requestedAt,
      deadline_at: deadlineAt,
      alert_id: null,
    })
    .execute();
}

/**
 * Resolves the alerts of the instance's requests (`by`: who answered, or `timeout`). A request no
 * alert was raised for yet is deleted: none will be raised for a closed question (a raise that
 * comes later finds no source; one under way holds the row, and the delete waits for it on
 * PostgreSQL, then its alert is found and resolved). Other ends of a wait (a mark, a cancelled
 * run, a default answer at the deadline) are caught by the dispatcher's recovery pass
 * (alerts/alert-recovery.ts), and no alert is raised for a request whose wait is over.
 */
export async function closeApprovalRequest(tx: Tx, ti: Instance, by: string, at: number): Promise<void> {
  await tx.deleteFrom("approval_requests").where("task_instance_id", "=", ti.id).where("alert_id", "is", null).execute();
  const raised = await tx.selectFrom("approval_requests").select("alert_id").where("task_instance_id", "=", ti.id).execute();
  for (const request of raised) if (request.alert_id !== null && Number(request.alert_id) > 0) await closeAlert(tx, Number(request.alert_id), by, at);
}
